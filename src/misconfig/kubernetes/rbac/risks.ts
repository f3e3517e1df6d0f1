/**
 * Risky permissions as probes: "does this rule, granted in this scope, allow
 * any of these verbs on this resource?", answered with the authorizer's own
 * matching (wildcards, `*\/sub`), so `*` on `*` is caught by every probe.
 * Probes on cluster-scoped resources (nodes/proxy, persistentvolumes,
 * webhooks, CSR approval, impersonating users and groups) only count for
 * cluster-wide grants: a RoleBinding never reaches them.
 *
 * resourceNames do not stop a match (the subject can still do it to the named
 * objects) but lower the severity where the check says so.
 */
import type { CheckDefinition } from '../../../core/check.js';
import type { Severity } from '../../../core/types.js';
import * as C from './checks.js';
import { apiGroupMatches, resourceMatches } from './match.js';
import type { PolicyRule, RbacRole, RuleSource } from './model.js';

interface Probe {
  verbs: string[];
  group: string;
  /** `resource` or `resource/subresource`. */
  resource: string;
  /** `userextras/<key>`: any subresource counts. */
  anySubresource?: boolean;
  clusterScoped?: boolean;
}

/** One rule's part in one risk. */
export interface RiskMatch {
  risk: PermissionRisk;
  rule: RuleSource;
  /** What it allows, e.g. `get, list secrets`. */
  what: string;
  /** The rule's resourceNames, when it is limited to them. */
  named: string[];
  clusterWide: boolean;
  severity: Severity;
  /** Probe labels that matched (CSR approval needs both of its parts). */
  parts: string[];
  /** A `*` verbs / `*` resources / `*` apiGroups rule: every other risk at once. */
  full?: boolean;
}

export interface PermissionRisk {
  check: CheckDefinition;
  /** Completes "… can <capability>". */
  capability: string;
  probes: (Probe & { part?: string })[];
  /** A rule-shape risk (wildcards) instead of probes. */
  shape?: (rule: PolicyRule) => { what: string; full: boolean; resources: boolean; verbs: boolean } | undefined;
  severity: (m: { clusterWide: boolean; named: string[]; parts: string[]; rule: PolicyRule }) => Severity;
  /** Severity of the whole finding from all its matches (default: the highest). */
  overall?: (matches: RiskMatch[]) => Severity;
}

const ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const maxSeverity = (a: Severity, b: Severity): Severity => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);
const lower = (s: Severity): Severity => ORDER[Math.max(1, ORDER.indexOf(s) - 1)]!;
const namedLower = (base: Severity) => (m: { named: string[] }) => (m.named.length ? lower(base) : base);

const WORKLOADS: [string, string][] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];
const CHANGE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export const PERMISSION_RISKS: PermissionRisk[] = [
  {
    check: C.wildcardCheck,
    capability: 'use wildcard permissions',
    probes: [],
    shape(rule) {
      const where: string[] = [];
      const verbs = rule.verbs.includes('*');
      const resources = rule.resources.some((r) => r === '*' || r.startsWith('*/'));
      const groups = rule.apiGroups.includes('*');
      if (verbs) where.push('verbs');
      if (resources) where.push('resources');
      if (groups) where.push('apiGroups');
      if (!where.length) return undefined;
      return { what: `'*' in ${where.join(', ')}`, full: verbs && groups && rule.resources.includes('*'), resources: rule.resources.includes('*'), verbs };
    },
    severity: () => 'medium', // refined in ruleRiskMatches from the shape
  },
  {
    check: C.secretsReadCheck,
    capability: 'read secrets',
    probes: [{ verbs: ['get', 'list', 'watch'], group: '', resource: 'secrets' }],
    severity: (m) => (m.named.length ? lower(m.clusterWide ? 'critical' : 'high') : m.clusterWide ? 'critical' : 'high'),
  },
  { check: C.execCheck, capability: 'exec into pods', probes: [{ verbs: ['create', 'get'], group: '', resource: 'pods/exec' }], severity: namedLower('high') },
  { check: C.attachCheck, capability: 'attach to pods', probes: [{ verbs: ['create', 'get'], group: '', resource: 'pods/attach' }], severity: namedLower('high') },
  { check: C.portForwardCheck, capability: 'port-forward to pods', probes: [{ verbs: ['create', 'get'], group: '', resource: 'pods/portforward' }], severity: namedLower('medium') },
  {
    check: C.workloadWriteCheck,
    capability: 'create or modify workloads',
    probes: WORKLOADS.map(([group, resource]) => ({ verbs: ['create', 'update', 'patch'], group, resource })),
    severity: () => 'high',
  },
  {
    check: C.escalateCheck,
    capability: 'escalate roles',
    probes: [
      { verbs: ['escalate'], group: 'rbac.authorization.k8s.io', resource: 'roles' },
      { verbs: ['escalate'], group: 'rbac.authorization.k8s.io', resource: 'clusterroles', clusterScoped: true },
    ],
    severity: (m) => (m.clusterWide ? 'critical' : 'high'),
  },
  {
    check: C.bindCheck,
    capability: 'bind roles',
    probes: [
      { verbs: ['bind'], group: 'rbac.authorization.k8s.io', resource: 'roles' },
      // A RoleBinding to a ClusterRole is checked as bind on clusterroles in the binding's namespace.
      { verbs: ['bind'], group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
    ],
    severity: (m) => (m.named.includes('cluster-admin') || (m.clusterWide && !m.named.length) ? 'critical' : m.named.length ? 'medium' : 'high'),
  },
  {
    check: C.impersonateCheck,
    capability: 'impersonate other identities',
    probes: [
      { verbs: ['impersonate'], group: '', resource: 'users', clusterScoped: true, part: 'users' },
      { verbs: ['impersonate'], group: '', resource: 'groups', clusterScoped: true, part: 'users' },
      { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'uids', clusterScoped: true, part: 'users' },
      { verbs: ['impersonate'], group: 'authentication.k8s.io', resource: 'userextras', anySubresource: true, clusterScoped: true, part: 'users' },
      { verbs: ['impersonate'], group: '', resource: 'serviceaccounts', part: 'serviceaccounts' },
    ],
    severity: (m) => namedLower(m.parts.includes('users') ? 'critical' : 'high')(m),
  },
  {
    check: C.nodeProxyCheck,
    capability: 'use nodes/proxy',
    probes: [{ verbs: ['get', 'create', 'update', 'patch', 'delete'], group: '', resource: 'nodes/proxy', clusterScoped: true }],
    severity: () => 'high',
  },
  { check: C.tokenCreateCheck, capability: 'create service account tokens', probes: [{ verbs: ['create'], group: '', resource: 'serviceaccounts/token' }], severity: namedLower('high') },
  {
    check: C.csrApprovalCheck,
    capability: 'approve certificate signing requests',
    probes: [
      { verbs: ['update', 'patch'], group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', clusterScoped: true, part: 'approval' },
      { verbs: ['approve'], group: 'certificates.k8s.io', resource: 'signers', clusterScoped: true, part: 'signers' },
    ],
    severity: () => 'medium',
    overall: (ms) => {
      const parts = new Set(ms.flatMap((m) => m.parts));
      return parts.has('approval') && parts.has('signers') ? 'high' : 'medium';
    },
  },
  {
    check: C.webhookCheck,
    capability: 'change admission webhooks',
    probes: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'].map((resource) => ({ verbs: CHANGE, group: 'admissionregistration.k8s.io', resource, clusterScoped: true })),
    severity: () => 'high',
  },
  { check: C.pvCreateCheck, capability: 'create PersistentVolumes', probes: [{ verbs: ['create'], group: '', resource: 'persistentvolumes', clusterScoped: true }], severity: () => 'medium' },
  {
    check: C.eventsDeleteCheck,
    capability: 'delete events',
    probes: [
      { verbs: ['delete', 'deletecollection'], group: '', resource: 'events' },
      { verbs: ['delete', 'deletecollection'], group: 'events.k8s.io', resource: 'events' },
    ],
    severity: () => 'medium',
  },
];

function probeVerbs(rule: PolicyRule, probe: Probe): string[] {
  if (rule.verbs.includes('*')) return probe.verbs;
  return probe.verbs.filter((v) => rule.verbs.includes(v));
}

function probeResource(rule: PolicyRule, probe: Probe): boolean {
  if (!apiGroupMatches(rule, probe.group)) return false;
  if (probe.anySubresource) return rule.resources.some((r) => r === '*' || r.startsWith('*/') || r.startsWith(`${probe.resource}/`));
  const slash = probe.resource.indexOf('/');
  return resourceMatches(rule, probe.resource, slash < 0 ? undefined : probe.resource.slice(slash + 1));
}

/** The risks one rule carries when granted cluster-wide or in a namespace. */
export function ruleRiskMatches(rule: RuleSource, clusterWide: boolean): RiskMatch[] {
  const out: RiskMatch[] = [];
  const r = rule.rule;
  if (r.verbs.length === 0 || (r.resources.length === 0 && r.nonResourceURLs.length === 0)) return out;
  for (const risk of PERMISSION_RISKS) {
    if (risk.shape) {
      const shape = risk.shape(r);
      if (!shape) continue;
      const severity: Severity = shape.full ? (clusterWide ? 'critical' : 'high') : shape.resources ? 'high' : shape.verbs ? 'medium' : 'low';
      const match: RiskMatch = { risk, rule, what: shape.what, named: r.resourceNames, clusterWide, severity, parts: [] };
      out.push(match);
      if (shape.full) match.full = true;
      if (shape.full && !r.resourceNames.length) {
        // `*` on `*` in `*` is every other risk at once: one finding that says so, not fifteen.
        const implied = PERMISSION_RISKS.filter((o) => o !== risk && o.probes.some((p) => clusterWide || !p.clusterScoped)).map((o) => o.capability);
        match.what = `${shape.what} (everything, so it can also ${implied.join(', ')})`;
        return out;
      }
      continue;
    }
    const whats: string[] = [];
    const parts = new Set<string>();
    for (const probe of risk.probes) {
      if (probe.clusterScoped && !clusterWide) continue;
      const verbs = probeVerbs(r, probe);
      if (!verbs.length || !probeResource(r, probe)) continue;
      whats.push(`${verbs.join(', ')} ${probe.group ? `${probe.resource}.${probe.group}` : probe.resource}${probe.anySubresource ? '/*' : ''}`);
      if (probe.part) parts.add(probe.part);
    }
    if (!whats.length) continue;
    const named = r.resourceNames;
    const partList = [...parts];
    out.push({ risk, rule, what: mergeWhats(whats), named, clusterWide, severity: risk.severity({ clusterWide, named, parts: partList, rule: r }), parts: partList });
  }
  return out;
}

/** `create pods; create deployments.apps` → `create pods, deployments.apps` when the verbs agree. */
function mergeWhats(whats: string[]): string {
  const byVerbs = new Map<string, string[]>();
  for (const w of whats) {
    const cut = w.lastIndexOf(' ');
    const verbs = w.slice(0, cut);
    const res = w.slice(cut + 1);
    byVerbs.set(verbs, [...(byVerbs.get(verbs) ?? []), res]);
  }
  return [...byVerbs].map(([verbs, res]) => `${verbs} ${res.join(', ')}`).join('; ');
}

const memo = new WeakMap<RbacRole, { cluster?: RiskMatch[]; namespaced?: RiskMatch[] }>();

/** Risks of every rule a role grants, memoized per role and scope (bindings share roles). */
export function roleRiskMatches(role: RbacRole, clusterWide: boolean): RiskMatch[] {
  let m = memo.get(role);
  if (!m) memo.set(role, (m = {}));
  const key = clusterWide ? 'cluster' : 'namespaced';
  return (m[key] ??= role.rules.flatMap((r) => ruleRiskMatches(r, clusterWide)));
}

export function overallSeverity(risk: PermissionRisk, matches: RiskMatch[]): Severity {
  return risk.overall ? risk.overall(matches) : matches.reduce<Severity>((s, m) => maxSeverity(s, m.severity), 'info');
}
