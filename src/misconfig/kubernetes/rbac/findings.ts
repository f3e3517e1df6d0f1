/**
 * RBAC findings, one per (subject, risk): the subject a binding names and
 * what it can do, located at that subject's line in the first binding that
 * grants it, with every binding → role → rule chain in evidence and in the
 * structured `rbac` field (for JSON output).
 *
 * Bootstrap-policy bindings (label `kubernetes.io/bootstrapping:
 * rbac-defaults`, present in cluster dumps) are the platform's own wiring
 * and are skipped unless `includeDefaults` is set; they still count in
 * effective permissions, who-can and workload blast radius.
 */
import { findingFor, type CheckDefinition } from '../../../core/check.js';
import type { Finding, K8sObjectRef, Location, Severity } from '../../../core/types.js';
import { locationOf } from '../input/index.js';
import { PUBLIC_DEFAULT_ROLES } from './builtin-roles.js';
import * as C from './checks.js';
import { describeBinding, type RbacBinding, type RuleSource } from './model.js';
import type { Rbac } from './resolve.js';
import { overallSeverity, roleRiskMatches, type PermissionRisk, type RiskMatch } from './risks.js';
import { ALL_SERVICE_ACCOUNTS, ANONYMOUS_USER, AUTHENTICATED, describeSubject, subjectKey, UNAUTHENTICATED, type Subject } from './subjects.js';

export interface RbacChainLink {
  binding: { kind: string; name: string; namespace?: string };
  /** Absent when the roleRef does not resolve. */
  role?: { kind: string; name: string; namespace?: string; builtin?: true };
  ruleIndex?: number;
  /** The ClusterRole the rule is written in, when it came by aggregation. */
  ruleFrom?: { kind: string; name: string };
  /** Where the grant applies; absent = cluster-wide. */
  namespace?: string;
  /** The group the binding names, when the subject got the rule through it. */
  viaGroup?: string;
  /** What the rule allows that makes it risky (`get, list secrets`). */
  allows?: string;
  /** Where the rule is written (absent for built-in roles). */
  ruleLocation?: Location;
}

export interface RbacDetails {
  subjects: Subject[];
  chain: RbacChainLink[];
  /** BH-RBAC-030: the workload that carries the permissions. */
  workload?: K8sObjectRef;
}

/** A Finding plus the structured chain; renderers that know only Finding still get it in `evidence`. */
export type RbacFinding = Finding & { rbac: RbacDetails };

export interface RbacFindingOptions {
  /** Also report bootstrap-policy bindings (cluster dumps). */
  includeDefaults?: boolean;
}

const MAX_EVIDENCE_LINKS = 6;

export function linkOf(binding: RbacBinding, rule?: RuleSource, extra: { viaGroup?: string; allows?: string } = {}): RbacChainLink {
  const link: RbacChainLink = { binding: { kind: binding.kind, name: binding.name, ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}) } };
  const role = binding.role;
  if (role) link.role = { kind: role.kind, name: role.name, ...(role.namespace !== undefined ? { namespace: role.namespace } : {}), ...(role.builtin ? { builtin: true as const } : {}) };
  if (rule) {
    link.ruleIndex = rule.index;
    if (role && rule.role !== role) link.ruleFrom = { kind: rule.role.kind, name: rule.role.name };
    const where = ruleLocation(rule);
    if (where) link.ruleLocation = where;
  }
  if (binding.kind === 'RoleBinding') link.namespace = binding.namespace!;
  if (extra.viaGroup !== undefined) link.viaGroup = extra.viaGroup;
  if (extra.allows !== undefined) link.allows = extra.allows;
  return link;
}

const ruleLocations = new WeakMap<RuleSource, Location>();
function ruleLocation(rule: RuleSource): Location | undefined {
  if (!rule.role.object) return undefined;
  let l = ruleLocations.get(rule);
  if (!l) ruleLocations.set(rule, (l = locationOf(rule.role.object, ['rules', rule.index])));
  return l;
}

export function chainText(l: RbacChainLink): string {
  const scope = l.namespace ? `in namespace ${l.namespace}` : 'cluster-wide';
  const role = l.role
    ? `${l.role.kind === 'Role' ? `Role ${l.role.namespace}/${l.role.name}` : `ClusterRole ${l.role.name}`}${l.role.builtin ? ' (built-in default, not in the input)' : ''}`
    : 'a role that is not in the input';
  const rule = l.ruleIndex !== undefined ? ` rule ${l.ruleIndex}${l.ruleFrom ? ` (aggregated from ClusterRole ${l.ruleFrom.name})` : ''}` : '';
  const via = l.viaGroup ? ` as a member of Group ${l.viaGroup}` : '';
  const binding = l.binding.kind === 'RoleBinding' ? `RoleBinding ${l.binding.namespace}/${l.binding.name}` : `ClusterRoleBinding ${l.binding.name}`;
  return `${l.allows ? `${l.allows} ` : ''}${scope} via ${binding} → ${role}${rule}${via}`;
}

export function chainsText(links: RbacChainLink[]): string {
  const shown = links.slice(0, MAX_EVIDENCE_LINKS).map(chainText).join('; ');
  return links.length > MAX_EVIDENCE_LINKS ? `${shown}; and ${links.length - MAX_EVIDENCE_LINKS} more` : shown;
}

interface Entry {
  check: CheckDefinition;
  subject: Subject;
  anchor: { binding: RbacBinding; index: number };
  links: RbacChainLink[];
  matches: RiskMatch[];
  risk?: PermissionRisk;
  severity: Severity;
  title: string;
}

export function rbacFindings(rbac: Rbac, options: RbacFindingOptions = {}): RbacFinding[] {
  const entries = new Map<string, Entry>();
  const out: RbacFinding[] = [];
  const add = (check: CheckDefinition, subject: Subject, binding: RbacBinding, index: number, title: string, severity: Severity, link: RbacChainLink, match?: RiskMatch) => {
    const key = `${check.id}\u0000${subjectKey(subject)}`;
    let e = entries.get(key);
    if (!e) entries.set(key, (e = { check, subject, anchor: { binding, index }, links: [], matches: [], severity, title }));
    e.links.push(link);
    if (match) {
      e.matches.push(match);
      e.risk = match.risk;
    }
    if (maxSev(severity, e.severity) !== e.severity) e.severity = severity;
  };

  for (const binding of rbac.model.bindings) {
    if (binding.isDefault && !options.includeDefaults) continue;
    if (binding.roleStatus === 'missing' || binding.roleStatus === 'invalid') out.push(missingRoleFinding(binding));
    const role = binding.role;
    const clusterWide = binding.kind === 'ClusterRoleBinding';
    const matches = role ? roleRiskMatches(role, clusterWide) : [];
    for (const { subject, index } of binding.subjects) {
      for (const m of matches) {
        add(m.risk.check, subject, binding, index, `${describeSubject(subject)} can ${m.risk.capability}`, m.severity, linkOf(binding, m.rule, { allows: m.what }), m);
      }
      const roleName = binding.roleRef.kind === 'ClusterRole' ? binding.roleRef.name : undefined;
      if (roleName === 'cluster-admin' && role) {
        add(C.clusterAdminCheck, subject, binding, index, `${describeSubject(subject)} is bound to cluster-admin`, 'high', linkOf(binding));
      }
      const publicDefault = roleName !== undefined && PUBLIC_DEFAULT_ROLES.has(roleName) && matches.length === 0;
      const isGroup = (name: string) => subject.kind === 'Group' && subject.name === name;
      if (!publicDefault && ((subject.kind === 'User' && subject.name === ANONYMOUS_USER) || isGroup(UNAUTHENTICATED))) {
        add(C.anonymousBindingCheck, subject, binding, index, `${describeBinding(binding)} grants ${binding.roleRef.name} to anonymous requests`, 'critical', linkOf(binding));
      }
      if (!publicDefault && (isGroup(AUTHENTICATED) || isGroup(ALL_SERVICE_ACCOUNTS))) {
        const who = subject.name === AUTHENTICATED ? 'every authenticated user' : 'every service account';
        add(C.authenticatedBindingCheck, subject, binding, index, `${describeBinding(binding)} grants ${binding.roleRef.name} to ${who}`, subject.name === AUTHENTICATED ? 'high' : 'medium', linkOf(binding));
      }
      if (subject.kind === 'ServiceAccount' && subject.name === 'default') {
        add(C.defaultServiceAccountCheck, subject, binding, index, `The default service account of namespace ${subject.namespace} is bound to ${binding.roleRef.kind} ${binding.roleRef.name}`, 'medium', linkOf(binding));
      }
    }
  }

  for (const e of entries.values()) {
    const severity = e.risk ? overallSeverity(e.risk, e.matches) : e.severity;
    const finding = findingFor(e.check, locationOf(e.anchor.binding.object, ['subjects', e.anchor.index]), {
      title: e.title,
      severity,
      evidence: `${describeSubject(e.subject)}: ${chainsText(e.links)}`,
    });
    out.push({ ...finding, rbac: { subjects: [e.subject], chain: e.links } });
  }
  return out;
}

function missingRoleFinding(binding: RbacBinding): RbacFinding {
  const ref = `${binding.roleRef.kind || '?'} ${binding.roleRef.name || '?'}`;
  const invalid = binding.roleStatus === 'invalid';
  const finding = findingFor(C.missingRoleCheck, locationOf(binding.object, ['roleRef']), {
    title: invalid ? `${describeBinding(binding)} has an invalid roleRef (${ref})` : `${describeBinding(binding)} refers to ${ref}, which is not in the input`,
    evidence: `roleRef ${ref}${binding.namespace && binding.roleRef.kind === 'Role' ? ` in namespace ${binding.namespace}` : ''}; subjects: ${binding.subjects.map((s) => describeSubject(s.subject)).join(', ') || 'none'}`,
  });
  return { ...finding, rbac: { subjects: binding.subjects.map((s) => s.subject), chain: [linkOf(binding)] } };
}

const ORDER: Severity[] = ['unknown', 'info', 'low', 'medium', 'high', 'critical'];
const maxSev = (a: Severity, b: Severity): Severity => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);
