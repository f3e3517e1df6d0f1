/**
 * The real blast radius: workloads carry their service account's permissions
 * (and those of its implicit groups) as a token mounted into every container.
 * A workload without a token cannot use them: automountServiceAccountToken
 * false on the pod, or unset on the pod and false on the ServiceAccount,
 * and no projected serviceAccountToken volume. Such workloads are skipped.
 */
import { findingFor } from '../../../core/check.js';
import type { K8sObjectRef, Severity } from '../../../core/types.js';
import { asArray, asObject, asString, containersOf, describeObject, locationOf, podOf, type FieldPath, type K8sObject, type PodView } from '../input/index.js';
import { wildcardCheck, workloadBlastRadiusCheck } from './checks.js';
import { chainsText, linkOf, type RbacChainLink, type RbacFinding } from './findings.js';
import { buildRbac, identityBindings, type Rbac } from './resolve.js';
import { overallSeverity, roleRiskMatches, type PermissionRisk, type RiskMatch } from './risks.js';
import { describeSubject, type Subject } from './subjects.js';

export interface WorkloadIdentity {
  object: K8sObject;
  pod: PodView;
  serviceAccount: Subject & { kind: 'ServiceAccount' };
  /** The serviceAccountName (or deprecated serviceAccount) field, when set. */
  serviceAccountPath?: FieldPath;
  tokenMounted: boolean;
  /** Why no token is mounted. */
  noToken?: string;
}

/** A risk a service account carries, with every chain that grants it. */
export interface SubjectRisk {
  risk: PermissionRisk;
  severity: Severity;
  matches: RiskMatch[];
  links: RbacChainLink[];
  /** `chainsText(links)`, computed once for all the workloads sharing the account. */
  chains: string;
}

/**
 * Risky permissions of one identity, directly and through its implicit
 * groups, cluster-wide and per namespace. Partial wildcards are left out:
 * what they allow that is risky is reported as that risk.
 */
export function subjectRisks(rbac: Rbac, subject: Subject): SubjectRisk[] {
  const byRisk = new Map<PermissionRisk, { matches: RiskMatch[]; links: RbacChainLink[] }>();
  for (const { binding, via } of identityBindings(rbac, subject)) {
    if (!binding.role) continue;
    const viaGroup = via.kind === 'Group' && subject.kind !== 'Group' ? via.name : undefined;
    for (const m of roleRiskMatches(binding.role, binding.kind === 'ClusterRoleBinding')) {
      // A partial wildcard (`*` verbs on secrets) is already its specific risk; only `*`/`*`/`*` stands alone.
      if (m.risk.check.id === wildcardCheck.id && !m.full) continue;
      let e = byRisk.get(m.risk);
      if (!e) byRisk.set(m.risk, (e = { matches: [], links: [] }));
      e.matches.push(m);
      e.links.push(linkOf(binding, m.rule, { allows: m.what, ...(viaGroup ? { viaGroup } : {}) }));
    }
  }
  return [...byRisk].map(([risk, e]) => ({ risk, severity: overallSeverity(risk, e.matches), ...e, chains: chainsText(e.links) }));
}

/** The identity each workload runs as, and whether it holds a token. PodTemplates do not run and are skipped. */
export function workloadIdentities(objects: Iterable<K8sObject>, rbac: Rbac): WorkloadIdentity[] {
  const out: WorkloadIdentity[] = [];
  for (const object of objects) {
    if (object.kind === 'PodTemplate') continue;
    const pod = podOf(object);
    if (!pod) continue;
    const byName = asString(pod.spec['serviceAccountName']);
    const legacy = asString(pod.spec['serviceAccount']);
    const name = byName || legacy || 'default';
    const id: WorkloadIdentity = { object, pod, serviceAccount: { kind: 'ServiceAccount', namespace: pod.namespace, name }, tokenMounted: true };
    if (byName) id.serviceAccountPath = [...pod.specPath, 'serviceAccountName'];
    else if (legacy) id.serviceAccountPath = [...pod.specPath, 'serviceAccount'];
    const podSetting = pod.spec['automountServiceAccountToken'];
    const sa = rbac.model.serviceAccounts.get(`${pod.namespace}/${name}`);
    const saSetting = sa?.data['automountServiceAccountToken'];
    if (podSetting === false) id.noToken = 'the pod sets automountServiceAccountToken: false';
    else if (podSetting !== true && saSetting === false) id.noToken = `ServiceAccount ${pod.namespace}/${name} sets automountServiceAccountToken: false`;
    if (id.noToken && projectsToken(pod)) delete id.noToken;
    id.tokenMounted = !id.noToken;
    out.push(id);
  }
  return out;
}

function projectsToken(pod: PodView): boolean {
  return asArray(pod.spec['volumes']).some((v) => asArray(asObject(asObject(v)?.['projected'])?.['sources']).some((s) => asObject(s)?.['serviceAccountToken'] !== undefined));
}

/** BH-RBAC-030: one finding per (workload, risk) for workloads whose token carries risky permissions. */
export function blastRadius(objects: Iterable<K8sObject>, rbac: Rbac): RbacFinding[] {
  const out: RbacFinding[] = [];
  const cache = new Map<string, SubjectRisk[]>();
  for (const id of workloadIdentities(objects, rbac)) {
    if (!id.tokenMounted) continue;
    const sa = id.serviceAccount;
    const key = `${sa.namespace}/${sa.name}`;
    let risks = cache.get(key);
    if (!risks) cache.set(key, (risks = subjectRisks(rbac, sa)));
    const ref: K8sObjectRef = id.object.ref;
    for (const r of risks) {
      const finding = findingFor(workloadBlastRadiusCheck, locationOf(id.object, id.serviceAccountPath ?? id.pod.specPath), {
        title: `${describeObject(ref)} runs as ${describeSubject(sa)}, which can ${r.risk.capability}`,
        severity: r.severity,
        evidence: `${describeSubject(sa)}${id.serviceAccountPath ? '' : ' (no serviceAccountName: the default)'} can ${r.risk.capability} (${r.risk.check.id}): ${r.chains}`,
      });
      out.push({ ...finding, rbac: { subjects: [sa], chain: r.links, workload: ref } });
    }
  }
  return out;
}

/** Key of `riskyWorkloads`: `namespace/name/Kind`. */
export const workloadKey = (o: K8sObject, namespace: string): string => `${namespace}/${o.name}/${o.kind}`;

/**
 * For lateral-movement analysis: every workload that carries risky RBAC
 * through its mounted token, or mounts secrets (secret volumes, projected
 * secrets, env secretKeyRef, envFrom secretRef), with one reason per fact.
 */
export function riskyWorkloads(objects: Iterable<K8sObject>, rbac?: Rbac): Map<string, string[]> {
  const list = [...objects];
  const r = rbac ?? buildRbac(list);
  const out = new Map<string, string[]>();
  const cache = new Map<string, SubjectRisk[]>();
  for (const id of workloadIdentities(list, r)) {
    const reasons: string[] = [];
    if (id.tokenMounted) {
      const sa = id.serviceAccount;
      const key = `${sa.namespace}/${sa.name}`;
      let risks = cache.get(key);
      if (!risks) cache.set(key, (risks = subjectRisks(r, sa)));
      for (const risk of risks) {
        const cw = risk.matches.some((m) => m.clusterWide);
        const nss = [...new Set(risk.links.map((l) => l.namespace).filter((n): n is string => !!n))];
        reasons.push(`service account ${key} can ${risk.risk.capability} (${cw ? 'cluster-wide' : `in ${nss.join(', ')}`}; ${risk.risk.check.id}, ${risk.severity})`);
      }
    }
    reasons.push(...secretMounts(id.pod));
    if (reasons.length) out.set(workloadKey(id.object, id.pod.namespace), reasons);
  }
  return out;
}

function secretMounts(pod: PodView): string[] {
  const out = new Set<string>();
  for (const v of asArray(pod.spec['volumes'])) {
    const vol = asObject(v);
    const secret = asString(asObject(vol?.['secret'])?.['secretName']);
    if (secret) out.add(`mounts secret ${secret} as volume ${asString(vol?.['name']) ?? '?'}`);
    for (const s of asArray(asObject(vol?.['projected'])?.['sources'])) {
      const name = asString(asObject(asObject(s)?.['secret'])?.['name']);
      if (name) out.add(`mounts secret ${name} in projected volume ${asString(vol?.['name']) ?? '?'}`);
    }
  }
  for (const c of containersOf(pod)) {
    for (const e of asArray(c.data['env'])) {
      const name = asString(asObject(asObject(asObject(e)?.['valueFrom'])?.['secretKeyRef'])?.['name']);
      if (name) out.add(`reads secret ${name} into env of container ${c.name}`);
    }
    for (const e of asArray(c.data['envFrom'])) {
      const name = asString(asObject(asObject(e)?.['secretRef'])?.['name']);
      if (name) out.add(`imports secret ${name} with envFrom in container ${c.name}`);
    }
  }
  return [...out];
}
