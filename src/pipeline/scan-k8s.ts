/**
 * Kubernetes manifests, cluster dumps and control-plane files as the scan
 * target: Pod Security Standards (at each namespace's own level and version),
 * workload hardening, control-plane and kubelet CIS checks, RBAC risk,
 * NetworkPolicy segmentation, the cluster version's support status and
 * vulnerabilities, and custom ValidatingAdmissionPolicies; then a compliance
 * summary per framework. One ScanResult, like every other scan.
 */
import type { CheckDefinition } from '../core/check.js';
import type { AdmissionSummary, Finding, KubernetesSummary, Package, ScanResult } from '../core/types.js';
import { loadAll, podOf, type K8sObject, type LoadOptions } from '../misconfig/kubernetes/input/index.js';
import { scanPodSecurity, formatLevelVersion, type PssLevel, type PssVersion } from '../misconfig/kubernetes/pss/index.js';
import { workloadChecks, workloadFindings, exposureFindings, serviceAccountWithoutAutomount } from '../misconfig/kubernetes/workload/index.js';
import { controlPlaneChecks, controlPlaneFindings, componentsIn } from '../misconfig/kubernetes/controlplane/index.js';
import { analyzeRbac, rbacChecks, riskyWorkloads } from '../misconfig/kubernetes/rbac/index.js';
import { analyzeNetpol, connectivityJson, netpolChecks, netpolNotices } from '../misconfig/kubernetes/netpol/index.js';
import { clusterVersion, kubernetesPackages, versionChecks, versionFindings, versionSupport } from '../misconfig/kubernetes/version/index.js';
import { evaluatePolicies, loadAdmissionPolicies, vapCheckDefinition } from '../misconfig/kubernetes/cel/index.js';
import { complianceReport, FRAMEWORKS, type Framework } from '../misconfig/kubernetes/compliance.js';
import { detect, draft, finish, type ScanOptions } from './scan.js';

export interface KubernetesScanOptions extends ScanOptions {
  pssLevel?: PssLevel;
  pssVersion?: PssVersion;
  /** `--k8s-version`: wins over what the manifests say. */
  k8sVersion?: string;
  /** Files of ValidatingAdmissionPolicy (+ bindings, params) evaluated against the inputs. */
  policyFiles?: readonly string[];
  /** Report only this framework's checks and compliance. */
  compliance?: Framework;
  /** RBAC: also report the cluster's own default bindings. */
  includeDefaults?: boolean;
  /** Skip the NetworkPolicy analysis (big clusters, when only posture is wanted). */
  skipNetpol?: boolean;
  readStdin?: LoadOptions['readStdin'];
  kubectl?: string;
  /** The date end-of-life is judged against (tests). */
  today?: Date;
}

export async function scanKubernetes(inputs: readonly string[], options: KubernetesScanOptions = {}): Promise<ScanResult> {
  const d = draft('kubernetes', inputs.join(' '));
  const loadOptions: LoadOptions = { onProblem: (p) => d.notices.push({ level: 'warning', message: p.message, where: p.line ? `${p.file}:${p.line}` : p.file }) };
  if (options.readStdin) loadOptions.readStdin = options.readStdin;
  if (options.kubectl) loadOptions.kubectl = options.kubectl;
  const objects = await loadAll(inputs, loadOptions);
  d.stats.filesAnalyzed = new Set(objects.map((o) => o.file)).size;
  return finishKubernetes(d, objects, options);
}

/** The analysis over loaded objects (also used by the server and the admission controller). */
export async function analyzeKubernetes(objects: readonly K8sObject[], options: KubernetesScanOptions = {}): Promise<ScanResult> {
  return finishKubernetes(draft('kubernetes', 'objects'), objects, options);
}

async function finishKubernetes(d: ReturnType<typeof draft>, objects: readonly K8sObject[], options: KubernetesScanOptions): Promise<ScanResult> {
  const findings: Finding[] = [];
  const ran: Array<{ check: CheckDefinition; evaluated: number }> = [];
  const kinds: Record<string, number> = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;

  // Pod Security Standards, at each namespace's own level where it is labelled.
  const pss = scanPodSecurity(objects, { level: options.pssLevel ?? 'restricted', version: options.pssVersion ?? 'latest' });
  findings.push(...pss.findings);
  ran.push(...pss.ran);
  for (const e of pss.namespaceErrors) for (const m of e.errors) d.notices.push({ level: 'warning', message: `namespace ${e.namespace}: ${m}` });
  const admission: AdmissionSummary[] = [];
  for (const p of pss.pods) {
    if (!p.verdicts) continue;
    const v = p.verdicts;
    const a: AdmissionSummary = { object: p.pod.object.ref, appliesTo: v.appliesTo, level: formatLevelVersion(p.evaluatedAt.level, p.evaluatedAt.version), enforce: v.enforce, warn: v.warn, audit: v.audit };
    if (v.enforceMessage) a.enforceMessage = v.enforceMessage;
    if (v.exempt) a.exempt = v.exempt;
    admission.push(a);
  }

  // Workload hardening and control-plane flags, object by object.
  const noAutomount = new Set<string>();
  for (const o of objects) {
    const sa = serviceAccountWithoutAutomount(o);
    if (sa) noAutomount.add(sa);
  }
  let workloads = 0;
  let components = 0;
  for (const o of objects) {
    if (podOf(o)) workloads++;
    components += componentsIn(o).length;
    findings.push(...workloadFindings(o, { automountDisabledServiceAccounts: noAutomount }));
    findings.push(...controlPlaneFindings(o));
  }
  findings.push(...exposureFindings(objects));
  for (const check of workloadChecks) ran.push({ check, evaluated: workloads });
  if (components) for (const check of controlPlaneChecks) ran.push({ check, evaluated: components });

  // RBAC: effective permissions, risky grants, and the workloads that carry them.
  const rbacObjects = objects.filter((o) => o.apiVersion.startsWith('rbac.authorization.k8s.io/'));
  const rbac = analyzeRbac(objects, { includeDefaults: options.includeDefaults === true });
  findings.push(...rbac.findings);
  for (const p of rbac.problems) d.notices.push({ level: 'warning', message: p.message, where: p.where });
  if (rbacObjects.length) for (const check of rbacChecks) ran.push({ check, evaluated: rbacObjects.length });

  // NetworkPolicy segmentation and the connectivity it allows.
  let connectivity: KubernetesSummary['connectivity'];
  if (!options.skipNetpol && workloads) {
    const net = analyzeNetpol(objects, { riskyWorkloads: riskyWorkloads(objects, rbac.rbac) });
    findings.push(...net.findings);
    d.notices.push(...netpolNotices(net.model));
    connectivity = connectivityJson(net.connectivity);
    for (const check of netpolChecks) ran.push({ check, evaluated: workloads });
  }

  // The cluster version: support window, and the vulnerability DB's Kubernetes records.
  let version: KubernetesSummary['version'];
  let packages: Package[] = [];
  const seen = clusterVersion(objects, options.k8sVersion);
  if (seen) {
    const support = versionSupport(seen.version, options.today ?? new Date());
    version = { version: seen.version.upstream, source: seen.source, status: support.status, notes: support.notes };
    for (const n of support.notes) d.notices.push({ level: 'info', message: n });
    findings.push(...versionFindings(seen, options.today ?? new Date()));
    for (const check of versionChecks) ran.push({ check, evaluated: 1 });
    packages = kubernetesPackages(seen);
  }

  // Custom ValidatingAdmissionPolicies: from --policy files and from the inputs themselves.
  const policyObjects = options.policyFiles?.length ? await loadAll(options.policyFiles) : [];
  const policies = loadAdmissionPolicies([...policyObjects, ...objects], { onProblem: (p) => d.notices.push({ level: 'warning', message: p.message, where: p.where }) });
  if (policies.length) {
    findings.push(...evaluatePolicies(policies, objects));
    for (const p of policies) ran.push({ check: vapCheckDefinition(p), evaluated: objects.length });
  }

  let kept = findings;
  let frameworks: readonly Framework[] = FRAMEWORKS;
  if (options.compliance) {
    const framework = options.compliance;
    const ids = new Set(ran.filter((r) => complianceReport(framework, [r], []).controls.length).map((r) => r.check.id));
    kept = findings.filter((f) => ids.has(f.id));
    frameworks = [framework];
  }
  const compliance = frameworks.map((f) => complianceReport(f, ran, kept)).filter((r) => r.controls.length);
  const summary: KubernetesSummary = { objects: objects.length, kinds, admission };
  if (version) summary.version = version;
  if (connectivity) summary.connectivity = connectivity;
  if (!objects.length) d.notices.push({ level: 'warning', message: 'no Kubernetes objects were found in the inputs: nothing was checked' });
  const result = finish(d, { packages, findings: kept, compliance, kubernetes: summary }, { ...options, requirePackages: false });
  // The packages are the cluster's own components; only vulnerabilities are matched against them.
  return packages.length && options.matcher ? detect(result, options) : result;
}

/** Every Kubernetes check, for the registry and docs. */
export const kubernetesChecks: readonly CheckDefinition[] = [...workloadChecks, ...controlPlaneChecks, ...rbacChecks, ...netpolChecks, ...versionChecks];
