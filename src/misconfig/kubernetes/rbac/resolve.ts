/**
 * Effective permissions: which rules reach which identity, where, and through
 * which binding → role → rule chain. A ClusterRoleBinding grants everywhere
 * (every namespace, cluster-scoped resources, non-resource URLs); a
 * RoleBinding grants only namespaced requests in its namespace, whatever its
 * role is. An identity also receives what its implicit groups are bound to.
 *
 * `buildRbac` indexes the bound rules by verb and resource once, so `can`
 * and who-can questions look at a handful of candidate rules, not all.
 */
import type { K8sObject } from '../input/index.js';
import { ruleAllows, combinedResource, isResourceRequest, type RequestAttributes } from './match.js';
import { buildRbacModel, type BindingSubject, type PolicyRule, type RbacBinding, type RbacModel, type RbacRole, type RuleSource } from './model.js';
import { ANONYMOUS_USER, canonicalSubject, compareSubjects, groupKey, implicitGroups, subjectKey, type Subject } from './subjects.js';

/** One rule reaching one identity. */
export interface Grant {
  binding: RbacBinding;
  /** The subject the binding names: the identity itself or one of its (implicit) groups. */
  via: Subject;
  rule: RuleSource;
  /** The namespace it applies in (RoleBinding); undefined = cluster-wide (ClusterRoleBinding). */
  namespace?: string;
}

export interface EffectivePermissions {
  subject: Subject;
  /** Groups the identity is in implicitly. */
  groups: string[];
  clusterWide: Grant[];
  /** RoleBinding grants, per namespace. */
  byNamespace: Map<string, Grant[]>;
}

interface BoundRule {
  role: RbacRole;
  rule: RuleSource;
}

/** The model plus indexes built once for many questions. */
export interface Rbac {
  model: RbacModel;
  /** Subject key → the bindings naming it. */
  bySubject: Map<string, { binding: RbacBinding; entry: BindingSubject }[]>;
  /** Bound role → its bindings. */
  bindingsOfRole: Map<RbacRole, RbacBinding[]>;
  /** `verb\0resource` (either may be `*`) → bound rules. */
  resourceRules: Map<string, BoundRule[]>;
  /** verb → bound rules with nonResourceURLs. */
  urlRules: Map<string, BoundRule[]>;
}

export function buildRbac(objects: Iterable<K8sObject>): Rbac {
  return indexModel(buildRbacModel(objects));
}

export function indexModel(model: RbacModel): Rbac {
  const rbac: Rbac = { model, bySubject: new Map(), bindingsOfRole: new Map(), resourceRules: new Map(), urlRules: new Map() };
  for (const binding of model.bindings) {
    for (const entry of binding.subjects) push(rbac.bySubject, subjectKey(entry.subject), { binding, entry });
    if (!binding.role) continue;
    const list = rbac.bindingsOfRole.get(binding.role);
    if (list) {
      list.push(binding);
      continue;
    }
    rbac.bindingsOfRole.set(binding.role, [binding]);
    for (const rule of binding.role.rules) {
      const bound = { role: binding.role, rule };
      for (const verb of new Set(rule.rule.verbs)) {
        for (const res of new Set(rule.rule.resources)) push(rbac.resourceRules, `${verb}\u0000${res}`, bound);
        if (rule.rule.nonResourceURLs.length) push(rbac.urlRules, verb, bound);
      }
    }
  }
  return rbac;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Does this binding take part in a request in `namespace` ('' or undefined = cluster-scoped or non-resource)? */
export function bindingApplies(binding: RbacBinding, namespace: string | undefined): boolean {
  return binding.kind === 'ClusterRoleBinding' || (!!namespace && binding.namespace === namespace);
}

/** Bound rules that may allow the request (verb and resource match by index; the caller checks the rest). */
export function candidateRules(rbac: Rbac, a: RequestAttributes): BoundRule[] {
  const out = new Set<BoundRule>();
  const verbs = a.verb === '*' ? ['*'] : [a.verb, '*'];
  if (!isResourceRequest(a)) {
    for (const v of verbs) for (const b of rbac.urlRules.get(v) ?? []) out.add(b);
    return [...out];
  }
  const resources = [combinedResource(a.resource ?? '', a.subresource), '*'];
  if (a.subresource) resources.push(`*/${a.subresource}`);
  for (const v of verbs) for (const r of resources) for (const b of rbac.resourceRules.get(`${v}\u0000${r}`) ?? []) out.add(b);
  return [...out];
}

/** Every grant that allows this identity the request; empty means RBAC denies it. */
export function can(rbac: Rbac, subject: Subject, a: RequestAttributes): Grant[] {
  return identityBindings(rbac, subject)
    .filter(({ binding }) => binding.role && bindingApplies(binding, a.namespace))
    .flatMap(({ binding, via }) => binding.role!.rules.filter((r) => ruleAllows(r.rule, a)).map((rule) => grantOf(binding, via, rule)));
}

/** The bindings that reach an identity directly or through its implicit groups. */
export function identityBindings(rbac: Rbac, subject: Subject): { binding: RbacBinding; via: Subject }[] {
  const s = canonicalSubject(subject);
  const out: { binding: RbacBinding; via: Subject }[] = [];
  for (const { binding, entry } of rbac.bySubject.get(subjectKey(s)) ?? []) out.push({ binding, via: entry.subject });
  for (const g of implicitGroups(s)) for (const { binding } of rbac.bySubject.get(groupKey(g)) ?? []) out.push({ binding, via: { kind: 'Group', name: g } });
  return out;
}

function grantOf(binding: RbacBinding, via: Subject, rule: RuleSource): Grant {
  const g: Grant = { binding, via, rule };
  if (binding.kind === 'RoleBinding') g.namespace = binding.namespace!;
  return g;
}

export function effectivePermissions(rbac: Rbac, subject: Subject): EffectivePermissions {
  const s = canonicalSubject(subject);
  const perms: EffectivePermissions = { subject: s, groups: implicitGroups(s), clusterWide: [], byNamespace: new Map() };
  for (const { binding, via } of identityBindings(rbac, s)) {
    if (!binding.role) continue;
    for (const rule of binding.role.rules) {
      const g = grantOf(binding, via, rule);
      if (g.namespace === undefined) perms.clusterWide.push(g);
      else push(perms.byNamespace, g.namespace, g);
    }
  }
  return perms;
}

/** Every identity the input knows: binding subjects, ServiceAccount objects, and the anonymous user. */
export function knownSubjects(rbac: Rbac): Subject[] {
  const seen = new Map<string, Subject>();
  const add = (s: Subject) => seen.set(subjectKey(s), s);
  for (const b of rbac.model.bindings) for (const e of b.subjects) add(e.subject);
  for (const key of rbac.model.serviceAccounts.keys()) {
    const slash = key.indexOf('/');
    add({ kind: 'ServiceAccount', namespace: key.slice(0, slash), name: key.slice(slash + 1) });
  }
  add({ kind: 'User', name: ANONYMOUS_USER });
  return [...seen.values()].sort(compareSubjects);
}

/** Effective permissions of every known identity. */
export function resolveAll(rbac: Rbac): EffectivePermissions[] {
  return knownSubjects(rbac).map((s) => effectivePermissions(rbac, s));
}

/** Plain data for JSON output of effective permissions. */
export interface PermissionsJson {
  subject: Subject;
  groups: string[];
  scopes: { namespace?: string; rules: (PolicyRule & { via: ChainJson })[] }[];
}

export interface ChainJson {
  binding: { kind: string; name: string; namespace?: string };
  role: { kind: string; name: string; namespace?: string; builtin?: true };
  ruleIndex: number;
  /** The ClusterRole the rule is written in, when it came by aggregation. */
  ruleFrom?: { kind: string; name: string };
  /** The group the binding names, when the identity got the rule through it. */
  viaGroup?: string;
}

export function chainJson(binding: RbacBinding, rule: RuleSource, viaGroup?: string): ChainJson {
  const role = binding.role!;
  const out: ChainJson = {
    binding: { kind: binding.kind, name: binding.name, ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}) },
    role: { kind: role.kind, name: role.name, ...(role.namespace !== undefined ? { namespace: role.namespace } : {}), ...(role.builtin ? { builtin: true as const } : {}) },
    ruleIndex: rule.index,
  };
  if (rule.role !== role) out.ruleFrom = { kind: rule.role.kind, name: rule.role.name };
  if (viaGroup !== undefined) out.viaGroup = viaGroup;
  return out;
}

export function permissionsJson(p: EffectivePermissions): PermissionsJson {
  const rulesOf = (grants: Grant[]) =>
    grants.map((g) => ({ ...g.rule.rule, via: chainJson(g.binding, g.rule, g.via.kind === 'Group' && p.subject.kind !== 'Group' ? g.via.name : undefined) }));
  const scopes: PermissionsJson['scopes'] = [];
  if (p.clusterWide.length) scopes.push({ rules: rulesOf(p.clusterWide) });
  for (const ns of [...p.byNamespace.keys()].sort()) scopes.push({ namespace: ns, rules: rulesOf(p.byNamespace.get(ns)!) });
  return { subject: p.subject, groups: p.groups, scopes };
}
