/**
 * The four gates a pod passes: Pod Security Standards, the trust policy,
 * the vulnerability gate and ValidatingAdmissionPolicies. Each returns what
 * it would deny, warn about and audit; the handler applies the mode.
 */
import { BulkheadError } from '../../core/errors.js';
import type { Finding, ScanResult, Severity } from '../../core/types.js';
import { vulnerabilitiesMatched } from '../../pipeline/scan.js';
import { SEVERITIES } from '../../core/types.js';
import { evaluateAdmission } from '../../misconfig/kubernetes/cel/index.js';
import type { JsonObject, K8sObject } from '../../misconfig/kubernetes/input/index.js';
import { admissionVerdicts, namespacePolicy } from '../../misconfig/kubernetes/pss/index.js';
import type { ArtifactStore } from '../../sign/index.js';
import { evaluatePolicy, splitReference } from '../../sign/index.js';
import type { AdmissionConfig, VulnerabilityGate } from './config.js';
import { objectOf, type Subject } from './subject.js';

export type GateName = 'pss' | 'trust' | 'vulnerabilities' | 'vap';

export interface GateResult {
  gate: GateName;
  /** What the gate denies (in enforce mode). */
  denials: string[];
  /** Warnings the gate itself raises whatever the mode (PSS warn labels, VAP Warn actions, unscanned images). */
  warnings: string[];
  /** Audit annotation values the gate itself raises whatever the mode. */
  audit: string[];
}

const empty = (gate: GateName): GateResult => ({ gate, denials: [], warnings: [], audit: [] });

/** Pod Security Standards: the configured level for the namespace, or its labels when the request carried them. */
export function pssGate(config: AdmissionConfig, subject: Subject): GateResult {
  const out = empty('pss');
  const configured = config.pss.namespaces[subject.namespace] ?? config.pss.default;
  const labels = config.pss.namespaceLabels ? subject.namespaceLabels : undefined;
  const policy = namespacePolicy(labels, { enforce: configured });
  const v = admissionVerdicts(subject.pod, policy, { exemptNamespaces: config.pss.exemptNamespaces });
  if (v.exempt) return out;
  if (v.enforce === 'rejected' && v.enforceMessage) out.denials.push(v.enforceMessage);
  out.warnings.push(...v.warn);
  out.audit.push(...v.audit, ...v.errors);
  return out;
}

export interface TrustContext {
  storeFor: (imageRef: string) => ArtifactStore;
}

/** The trust policy, for every image of the pod. Registry failures propagate (the handler applies failurePolicy). */
export async function trustGate(config: AdmissionConfig, subject: Subject, ctx: TrustContext): Promise<GateResult> {
  const out = empty('trust');
  const policy = config.trustPolicy;
  if (!policy) return out;
  const decisions = await Promise.all(
    subject.images.map(async (image) => {
      const ref = splitReference(image);
      // evaluatePolicy judges an unparsable reference itself; the store is only opened for a real one.
      const decision = await evaluatePolicy(policy, image, ref ? ctx.storeFor(image) : unusableStore(image));
      return { image, decision };
    }),
  );
  for (const { image, decision } of decisions) {
    if (decision.allowed) continue;
    const failed = decision.reasons.filter((r) => !r.ok).map((r) => (r.rule ? `${r.rule}: ${r.message}` : r.message));
    out.denials.push(`image ${image} is not trusted: ${failed.join('; ')}`);
  }
  return out;
}

/** For references that do not parse: evaluatePolicy denies them before it touches a store; any use is a bug. */
function unusableStore(image: string): ArtifactStore {
  const fail = (): Promise<never> => Promise.reject(new Error(`no registry for the unparsable reference ${JSON.stringify(image.slice(0, 200))}`));
  return { repository: '', getManifest: fail, putManifest: fail, getBlob: fail, putBlob: fail, referrers: fail, listTags: fail };
}

/** What an image resolves to for the lookup: the digest scans are filed under, or why there is none. */
export type ResolvedImage = { digest: string } | { none: string };

export interface LookupContext {
  /**
   * The digest a scan of the image is filed under (the platform manifest of
   * an index), resolved once per request with the registry store the trust
   * gate uses. Registry failures reject (a failure of ours, not "no scan").
   */
  resolve(imageRef: string): Promise<ResolvedImage>;
  /** Aborted at the request's deadline. */
  signal: AbortSignal;
}

/** A stored scan's vulnerability findings, or why nothing usable is stored; undefined means "nothing stored". */
export type StoredScan = { findings: Finding[] } | { none: string } | undefined;

/**
 * Stored scan results (a Bulkhead server's database). Throws when it cannot
 * tell (unreachable, refused, broken answer): the handler applies
 * failurePolicy; it never answers "no findings" for an image it could not look up.
 */
export interface ScanLookup {
  latestFor(imageRef: string, context: LookupContext): Promise<StoredScan>;
}

export interface ScanContext {
  dryRun: boolean;
  /** Aborted when the scan's budget or the request's deadline runs out: stop and free resources. */
  signal: AbortSignal;
}

/** A scan on demand (e.g. pipeline scanImage with the vulnerability matcher), given its time budget. */
export type OnDemandScanner = (imageRef: string, budgetMs: number, context: ScanContext) => Promise<ScanResult>;

export interface VulnerabilityContext {
  lookup?: ScanLookup;
  /** Resolution of image references to digests for the lookup (see LookupContext.resolve). */
  resolve?: (imageRef: string) => Promise<ResolvedImage>;
  scanner?: OnDemandScanner;
  /** Called with a scan made on demand so the caller can store it (the handler only collects it here: it is handed over after the answer); never called for dry-run requests. */
  onScanned?: (imageRef: string, result: ScanResult) => Promise<void> | void;
  dryRun: boolean;
  signal: AbortSignal;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Why `finding` fails the gate, if it does. Suppressed and non-vulnerability findings never do. */
export function vulnerabilityProblem(gate: VulnerabilityGate, f: Finding): string | undefined {
  if (f.kind !== 'vulnerability' || f.suppressedBy) return undefined;
  const pkg = f.package ? ` in ${f.package.name}${f.package.version ? `@${f.package.version}` : ''}` : '';
  if (gate.denyUnfixedCritical && f.severity === 'critical' && (f.status === 'unfixed' || f.status === 'will-not-fix' || (!f.fixedVersion && f.status !== 'fixed'))) {
    return `${f.id}${pkg} is critical and has no fix`;
  }
  // `unknown` sorts last in SEVERITIES; it is never "above" a threshold.
  if (gate.maxSeverity && f.severity !== 'unknown' && rank(f.severity) < rank(gate.maxSeverity)) {
    return `${f.id}${pkg} is ${f.severity} (above ${gate.maxSeverity})${f.fixedVersion ? `, fixed in ${f.fixedVersion}` : ''}`;
  }
  return undefined;
}

const MAX_LISTED = 5;

export async function vulnerabilityGate(config: AdmissionConfig, subject: Subject, ctx: VulnerabilityContext): Promise<GateResult> {
  const out = empty('vulnerabilities');
  const gate = config.vulnerabilities;
  if (!gate) return out;
  const resolve = ctx.resolve ?? (() => Promise.resolve<ResolvedImage>({ none: 'image references cannot be resolved here' }));
  const failures: string[] = [];
  await Promise.all(
    subject.images.map(async (image) => {
      const stored = await ctx.lookup?.latestFor(image, { resolve, signal: ctx.signal });
      let findings = stored && 'findings' in stored ? stored.findings : undefined;
      const noStored = stored && 'none' in stored ? `has no stored scan (${stored.none})` : 'has no stored scan';
      let why = 'no scan on demand is configured';
      if (!findings && ctx.scanner) {
        const result = await withinBudget(ctx.scanner, image, gate.scanBudgetMs, ctx);
        if (result && !vulnerabilitiesMatched(result)) {
          // A scan without a vulnerability database says nothing about vulnerabilities: never "no findings".
          why = 'the scan on demand did not match vulnerabilities (no vulnerability database)';
        } else if (result) {
          findings = result.findings;
          if (!ctx.dryRun && !ctx.signal.aborted) await ctx.onScanned?.(image, result);
        } else why = `the scan on demand did not finish within its ${gate.scanBudgetMs} ms budget`;
      }
      if (!findings) {
        const message = `image ${image} ${noStored} and ${why}`;
        if (gate.unscanned === 'deny') out.denials.push(message);
        else if (gate.unscanned === 'fail') failures.push(message);
        else out.warnings.push(`${message}; admitted unchecked`);
        return;
      }
      const problems = findings.flatMap((f) => vulnerabilityProblem(gate, f) ?? []);
      if (!problems.length) return;
      const more = problems.length > MAX_LISTED ? ` and ${problems.length - MAX_LISTED} more` : '';
      out.denials.push(`image ${image} fails the vulnerability gate: ${problems.slice(0, MAX_LISTED).join('; ')}${more}`);
    }),
  );
  // unscanned: fail — the gate could not check these images; the handler answers per failurePolicy.
  if (failures.length) throw new BulkheadError('SERVER_SCAN_FAILED', failures.join('; '), { where: 'vulnerabilities.unscanned: fail', hint: 'scan the image on the Bulkhead server before deploying it, or configure vulnDb for scans on demand' });
  return out;
}

/** Run a scan on demand for at most `budgetMs`: undefined when the budget ran out (the scan is told to stop); scanner errors propagate. */
async function withinBudget(scanner: OnDemandScanner, image: string, budgetMs: number, ctx: VulnerabilityContext): Promise<ScanResult | undefined> {
  const budget = new AbortController();
  const stop = () => budget.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      budget.abort(new Error(`its ${budgetMs} ms budget ran out`));
      resolve(undefined);
    }, budgetMs);
  });
  try {
    return await Promise.race([scanner(image, budgetMs, { dryRun: ctx.dryRun, signal: budget.signal }), expired]);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', stop);
  }
}

/** ValidatingAdmissionPolicies from the configured files, with the request's namespace (and its labels when known). */
export function vapGate(config: AdmissionConfig, subject: Subject): GateResult {
  const out = empty('vap');
  if (!config.vap.length) return out;
  const objects: K8sObject[] = [subject.object, ...config.vapObjects];
  const nsData: JsonObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: subject.namespace, labels: subject.namespaceLabels ?? {} } };
  const ns = objectOf(nsData, undefined, 'admission:namespace');
  if (ns && !config.vapObjects.some((o) => o.kind === 'Namespace' && o.name === subject.namespace)) objects.push(ns);
  const evaluation = evaluateAdmission(config.vap, objects);
  for (const d of evaluation.decisions) {
    if (d.object !== subject.object) continue;
    if (d.denial) out.denials.push(d.denial);
    if (d.warning) out.warnings.push(d.warning);
    if (d.audit) out.audit.push(d.audit);
  }
  for (const a of evaluation.auditAnnotations) if (a.object === subject.object) out.audit.push(`${a.key}: ${a.value}`);
  return out;
}
