/**
 * The RBAC objects of an input, read once into a model the resolver and the
 * checks share: Roles, ClusterRoles (aggregated ClusterRoles expanded, as the
 * aggregation controller would), RoleBindings and ClusterRoleBindings with
 * their roleRefs resolved, and the ServiceAccounts. Default ClusterRoles the
 * input does not define come from the built-in table.
 *
 * Objects are hostile: every field is read without trusting its shape; what
 * cannot be used becomes a problem (file:line and why), never an exception.
 */
import { asArray, asObject, asString, asStringMap, isObject, type FieldPath, type K8sObject } from '../input/index.js';
import { BOOTSTRAP_LABEL, BUILTIN_CLUSTER_ROLES } from './builtin-roles.js';
import { matches, NOTHING, parseSelector, type ParsedSelector, type Selector } from '../input/selector.js';
import { canonicalSubject, type Subject, type SubjectKind } from './subjects.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Roles only (`default` when the manifest leaves it to the client). */
  namespace?: string;
  labels: Record<string, string>;
  /** The rules written in this role. */
  ownRules: PolicyRule[];
  /** What the role grants: its own rules plus, for an aggregating ClusterRole, every rule of every ClusterRole it selects (transitively). */
  rules: RuleSource[];
  aggregationSelectors?: Selector[];
  /** Absent for built-in default roles. */
  object?: K8sObject;
  builtin: boolean;
  /** Part of the bootstrap policy (label `kubernetes.io/bootstrapping: rbac-defaults`). */
  isDefault: boolean;
}

/** One rule and where it is written (another ClusterRole when it came by aggregation). */
export interface RuleSource {
  rule: PolicyRule;
  index: number;
  role: RbacRole;
}

/**
 * How a binding's roleRef resolved: to a role in the input, to a built-in
 * default role, to a `system:` ClusterRole that exists on every cluster but
 * whose rules the built-in table does not hold, to nothing, or the roleRef
 * itself is invalid.
 */
export type RoleRefStatus = 'input' | 'builtin' | 'builtin-unknown' | 'missing' | 'invalid';

export interface BindingSubject {
  /** The identity (a User `system:serviceaccount:ns:name` becomes that ServiceAccount). */
  subject: Subject;
  /** As written, for reports. */
  written: Subject;
  /** Index in `subjects`, for locating the line. */
  index: number;
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** RoleBindings only: the namespace the binding grants in. */
  namespace?: string;
  roleRef: { kind: string; name: string };
  role?: RbacRole;
  roleStatus: RoleRefStatus;
  subjects: BindingSubject[];
  object: K8sObject;
  isDefault: boolean;
}

export interface RbacProblem {
  where: string;
  message: string;
}

export interface RbacModel {
  clusterRoles: Map<string, RbacRole>;
  /** Key `namespace/name`. */
  roles: Map<string, RbacRole>;
  bindings: RbacBinding[];
  /** ServiceAccount objects, key `namespace/name`. */
  serviceAccounts: Map<string, K8sObject>;
  problems: RbacProblem[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io/';
const SUBJECT_KINDS = new Set<SubjectKind>(['User', 'Group', 'ServiceAccount']);

const whereOf = (o: K8sObject, path: FieldPath = []): string => `${o.file}:${path.length ? o.locate(path).startLine : o.range.startLine}`;
const strings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === 'string');
const isDefaultObject = (labels: Record<string, string>): boolean => labels[BOOTSTRAP_LABEL] === 'rbac-defaults';

export function buildRbacModel(objects: Iterable<K8sObject>): RbacModel {
  const model: RbacModel = { clusterRoles: new Map(), roles: new Map(), bindings: [], serviceAccounts: new Map(), problems: [] };
  const bindingObjects: K8sObject[] = [];
  for (const o of objects) {
    if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1') {
      model.serviceAccounts.set(`${o.namespace ?? 'default'}/${o.name}`, o);
      continue;
    }
    if (!o.apiVersion.startsWith(RBAC_GROUP)) continue;
    if (o.kind === 'Role' || o.kind === 'ClusterRole') addRole(model, o);
    else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') bindingObjects.push(o);
  }
  for (const b of BUILTIN_CLUSTER_ROLES) {
    if (model.clusterRoles.has(b.name)) continue;
    const role: RbacRole = { kind: 'ClusterRole', name: b.name, labels: b.labels, ownRules: b.rules, rules: [], builtin: true, isDefault: true };
    if (b.aggregationSelectors) role.aggregationSelectors = b.aggregationSelectors;
    model.clusterRoles.set(b.name, role);
  }
  aggregate(model);
  for (const o of bindingObjects) addBinding(model, o);
  return model;
}

function addRole(model: RbacModel, o: K8sObject): void {
  const kind = o.kind as RbacRole['kind'];
  const labels = asStringMap(asObject(o.data['metadata'])?.['labels']);
  const ownRules: PolicyRule[] = [];
  const rawRules = o.data['rules'];
  if (rawRules !== undefined && rawRules !== null && !Array.isArray(rawRules)) model.problems.push({ where: whereOf(o, ['rules']), message: `${kind} ${o.name}: rules is not a list; the role grants nothing` });
  asArray(rawRules).forEach((r, i) => {
    const rule = parseRule(r);
    if (typeof rule === 'string') {
      model.problems.push({ where: whereOf(o, ['rules', i]), message: `${kind} ${o.name} rule ${i}: ${rule}; rule ignored` });
      ownRules.push({ verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [] });
    } else ownRules.push(rule);
  });
  const role: RbacRole = { kind, name: o.name, labels, ownRules, rules: [], object: o, builtin: false, isDefault: isDefaultObject(labels) };
  if (kind === 'ClusterRole') {
    const agg = asObject(o.data['aggregationRule']);
    if (agg) {
      const selectors: Selector[] = [];
      asArray(agg['clusterRoleSelectors']).forEach((s, i) => {
        // A null entry selects nothing (apimachinery's LabelSelectorAsSelector(nil)); `{}` selects every ClusterRole.
        const parsed: ParsedSelector = isObject(s) ? parseSelector(s) : { selector: NOTHING, problem: 'selector is not a mapping' };
        if (parsed.problem !== undefined) model.problems.push({ where: whereOf(o, ['aggregationRule', 'clusterRoleSelectors', i]), message: `ClusterRole ${o.name}: ${parsed.problem}; selector ignored` });
        else selectors.push(parsed.selector);
      });
      role.aggregationSelectors = selectors;
    }
    if (model.clusterRoles.has(o.name)) model.problems.push({ where: whereOf(o), message: `ClusterRole ${o.name} is defined more than once; the last definition is used` });
    model.clusterRoles.set(o.name, role);
  } else {
    role.namespace = o.namespace ?? 'default';
    const key = `${role.namespace}/${o.name}`;
    if (model.roles.has(key)) model.problems.push({ where: whereOf(o), message: `Role ${key} is defined more than once; the last definition is used` });
    model.roles.set(key, role);
  }
}

function parseRule(v: unknown): PolicyRule | string {
  const o = asObject(v);
  if (!o) return 'not a mapping';
  const rule: PolicyRule = {
    verbs: strings(o['verbs']),
    apiGroups: strings(o['apiGroups']),
    resources: strings(o['resources']),
    resourceNames: strings(o['resourceNames']),
    nonResourceURLs: strings(o['nonResourceURLs']),
  };
  if (rule.verbs.length === 0) return 'no verbs';
  return rule;
}

/**
 * Expand aggregated ClusterRoles to a fixpoint, as the controller converges:
 * an aggregating role gets the rules of every ClusterRole its selectors
 * match (itself excluded), including rules those got by aggregation. Cycles
 * terminate because rule sets only grow.
 */
function aggregate(model: RbacModel): void {
  const all = [...model.clusterRoles.values()];
  for (const r of [...all, ...model.roles.values()]) r.rules = r.ownRules.map((rule, index) => ({ rule, index, role: r }));
  const aggregators = all.filter((r) => r.aggregationSelectors);
  if (aggregators.length === 0) return;
  const selected = new Map<RbacRole, RbacRole[]>();
  for (const a of aggregators) selected.set(a, all.filter((r) => r !== a && a.aggregationSelectors!.some((s) => matches(s, r.labels))));
  const seen = new Map<RbacRole, Set<RuleSource>>(aggregators.map((a) => [a, new Set(a.rules)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const a of aggregators) {
      const have = seen.get(a)!;
      for (const src of selected.get(a)!) {
        for (const rs of src.rules) {
          if (have.has(rs)) continue;
          have.add(rs);
          a.rules.push(rs);
          changed = true;
        }
      }
    }
  }
}

function addBinding(model: RbacModel, o: K8sObject): void {
  const kind = o.kind as RbacBinding['kind'];
  const labels = asStringMap(asObject(o.data['metadata'])?.['labels']);
  const namespace = kind === 'RoleBinding' ? (o.namespace ?? 'default') : undefined;
  const ref = asObject(o.data['roleRef']);
  const roleRef = { kind: asString(ref?.['kind']) ?? '', name: asString(ref?.['name']) ?? '' };
  const binding: RbacBinding = { kind, name: o.name, roleRef, roleStatus: 'invalid', subjects: [], object: o, isDefault: isDefaultObject(labels) };
  if (namespace !== undefined) binding.namespace = namespace;

  if (!roleRef.kind || !roleRef.name) {
    model.problems.push({ where: whereOf(o, ['roleRef']), message: `${kind} ${o.name}: roleRef needs a kind and a name; the binding grants nothing` });
  } else if (roleRef.kind === 'ClusterRole') {
    const role = model.clusterRoles.get(roleRef.name);
    if (role) {
      binding.role = role;
      binding.roleStatus = role.builtin ? 'builtin' : 'input';
    } else binding.roleStatus = roleRef.name.startsWith('system:') ? 'builtin-unknown' : 'missing';
  } else if (roleRef.kind === 'Role' && namespace !== undefined) {
    const role = model.roles.get(`${namespace}/${roleRef.name}`);
    if (role) binding.role = role;
    binding.roleStatus = role ? 'input' : 'missing';
  } else {
    model.problems.push({
      where: whereOf(o, ['roleRef', 'kind']),
      message: `${kind} ${o.name}: roleRef kind ${roleRef.kind} is not allowed here (${kind === 'ClusterRoleBinding' ? 'only ClusterRole' : 'Role or ClusterRole'}); the API server rejects it`,
    });
  }

  asArray(o.data['subjects']).forEach((raw, index) => {
    const s = asObject(raw);
    const sk = asString(s?.['kind']) as SubjectKind | undefined;
    const name = asString(s?.['name']);
    if (!s || !sk || !SUBJECT_KINDS.has(sk) || !name) {
      model.problems.push({ where: whereOf(o, ['subjects', index]), message: `${kind} ${o.name} subject ${index}: needs kind User, Group or ServiceAccount and a name; ignored` });
      return;
    }
    const written: Subject = { kind: sk, name };
    if (sk === 'ServiceAccount') {
      // The authorizer defaults a ServiceAccount's namespace to the RoleBinding's; a ClusterRoleBinding has none to give.
      const ns = asString(s['namespace']) || namespace;
      if (!ns) {
        model.problems.push({ where: whereOf(o, ['subjects', index]), message: `${kind} ${o.name}: ServiceAccount ${name} has no namespace and never matches` });
        return;
      }
      written.namespace = ns;
    }
    binding.subjects.push({ subject: canonicalSubject(written), written, index });
  });
  model.bindings.push(binding);
}

/** `Role ns/name`, `ClusterRole name`. */
export function describeRole(r: Pick<RbacRole, 'kind' | 'name' | 'namespace'>): string {
  return r.kind === 'Role' ? `Role ${r.namespace}/${r.name}` : `ClusterRole ${r.name}`;
}

export function describeBinding(b: Pick<RbacBinding, 'kind' | 'name' | 'namespace'>): string {
  return b.kind === 'RoleBinding' ? `RoleBinding ${b.namespace}/${b.name}` : `ClusterRoleBinding ${b.name}`;
}
