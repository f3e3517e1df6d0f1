/**
 * The admission decision, pure of HTTP: AdmissionReview in, AdmissionReview
 * out. Named steps: read the review → skip what is not ours → run the gates
 * under the deadline → apply the mode (enforce/warn/audit) → on failure or
 * timeout, answer per failurePolicy.
 */
import { BulkheadError } from '../../core/errors.js';
import type { ScanResult } from '../../core/types.js';
import { repositoryStore, type RegistryOptions } from '../../registry/index.js';
import type { ArtifactStore } from '../../sign/index.js';
import type { AdmissionConfig } from './config.js';
import { pssGate, trustGate, vapGate, vulnerabilityGate, type GateResult, type OnDemandScanner, type ScanLookup } from './gates.js';
import { parseAdmissionReview, reviewResponse, uidOf, type AdmissionRequest, type AdmissionResponse, type AdmissionReviewResponse } from './review.js';
import { podUnchanged, subjectOf, type Subject } from './subject.js';
import { requestResolver, requestScopedStores } from './resolve.js';
import { serverScanLookup } from './stored-scans.js';
import { createScanSubmitter, type ScanSubmissionEvent, type ScanSubmitter } from './submit.js';

export interface AdmissionDependencies {
  /** Stored scan results (default: the Bulkhead server of the config's `server`, if any). */
  scanLookup?: ScanLookup;
  /** A scan on demand when nothing is stored. */
  scanner?: OnDemandScanner;
  /**
   * Store a scan made on demand: called after the request's answer is
   * decided, never awaited, errors logged; never for dry-run requests.
   * Default: with the config's `server`, the image is submitted to it by
   * digest (see submit.ts).
   */
  onScanned?: (imageRef: string, result: ScanResult) => Promise<void> | void;
  /** Replaces the default submitter to the config's `server` (tests: concurrency, window, fetch). */
  scanSubmitter?: ScanSubmitter;
  /** The repository store for an image (default: the registry client with `registryOptions` and the config's registries). */
  storeFor?: (imageRef: string) => ArtifactStore;
  registryOptions?: RegistryOptions;
  /** One line per decision (and per submission of a scan on demand), for the server's log. */
  log?: (event: AdmissionLogEvent) => void;
}

/** What the webhook logs: a decision, or what became of a scan on demand handed to the Bulkhead server (`event: 'scan-submission'`). */
export type AdmissionLogEvent = AdmissionDecisionEvent | ScanSubmissionEvent;

export interface AdmissionDecisionEvent {
  uid: string;
  kind?: string;
  namespace?: string;
  name?: string;
  operation?: string;
  allowed: boolean;
  outcome: 'skipped' | 'admitted' | 'denied' | 'warned' | 'audited' | 'failed-open' | 'failed-closed';
  durationMs: number;
  message?: string;
}

export type AdmissionHandler = (review: unknown) => Promise<AdmissionReviewResponse>;

const ANNOTATION_KEY: Record<GateResult['gate'], string> = {
  pss: 'pss',
  trust: 'trust',
  vulnerabilities: 'vulnerabilities',
  vap: 'vap',
};

class DeadlineExceeded extends Error {}

/** The registry client settings of the webhook: the dependencies' options plus the config's insecure hosts and CA file. */
export function registryOptionsOf(config: AdmissionConfig, deps: Pick<AdmissionDependencies, 'registryOptions'>): RegistryOptions {
  return {
    ...deps.registryOptions,
    insecureRegistries: [...(deps.registryOptions?.insecureRegistries ?? []), ...config.registries.insecure],
    ...(config.registries.caFile ? { caFile: config.registries.caFile } : {}),
  };
}

function storeFactory(config: AdmissionConfig, deps: AdmissionDependencies): (imageRef: string) => ArtifactStore {
  if (deps.storeFor) return deps.storeFor;
  const options = registryOptionsOf(config, deps);
  const stores = new Map<string, ArtifactStore>();
  return (imageRef) => {
    // One store (and its keep-alive sockets) per repository, reused across requests.
    const key = imageRef.replace(/[@:][^/]*$/, '');
    let store = stores.get(key);
    if (!store) {
      if (stores.size > 500) stores.clear();
      stores.set(key, (store = repositoryStore(imageRef, options)));
    }
    return store;
  };
}

/** Build the handler once (it holds the compiled policies and the registry stores) and call it per review. */
export function createAdmissionHandler(config: AdmissionConfig, deps: AdmissionDependencies = {}): AdmissionHandler {
  const storeFor = storeFactory(config, deps);
  const log = deps.log ?? (() => undefined);
  const scanLookup = deps.scanLookup ?? (config.server ? serverScanLookup(config.server) : undefined);
  const gateDeps: AdmissionDependencies = { ...deps, ...(scanLookup ? { scanLookup } : {}) };
  const submitter = deps.onScanned ? undefined : (deps.scanSubmitter ?? (config.server ? createScanSubmitter(config.server, { log }) : undefined));
  /** Hand the request's scans on demand over, once its answer is decided; nothing here can change or delay that answer. */
  const storeScans = (uid: string, scanned: readonly { image: string; result: ScanResult }[]) => {
    for (const { image, result } of scanned) {
      if (submitter) {
        submitter.submit(uid, image, result);
        continue;
      }
      const failed = (e: unknown) => log({ event: 'scan-submission', uid, image, outcome: 'failed', message: e instanceof BulkheadError ? e.describe() : e instanceof Error ? e.message : String(e) });
      try {
        void Promise.resolve(deps.onScanned?.(image, result)).catch(failed);
      } catch (e) {
        failed(e);
      }
    }
  };

  return async (review: unknown) => {
    const started = Date.now();
    let request: AdmissionRequest;
    try {
      request = parseAdmissionReview(review);
    } catch (e) {
      const uid = uidOf(review);
      if (!uid) throw e;
      // A review we cannot read is a failure of ours, not a policy decision.
      return failure(config, uid, (e as Error).message, started, log, {});
    }
    const who = { uid: request.uid, kind: request.kind.kind, namespace: request.namespace, name: request.name, operation: request.operation };
    const skip = (message: string) => {
      log({ ...who, allowed: true, outcome: 'skipped', durationMs: Date.now() - started, message });
      return reviewResponse({ uid: request.uid, allowed: true });
    };

    if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return skip(`${request.operation} is not checked`);
    if (request.subResource && request.subResource !== 'ephemeralcontainers') return skip(`subresource ${request.subResource} is not checked`);
    let subject: Subject | undefined;
    try {
      subject = subjectOf(request);
      if (subject && podUnchanged(request, subject)) return skip('the pod spec did not change');
    } catch (e) {
      // Hostile shapes (e.g. nesting deeper than the stack) are a failure to check, not a crash.
      return failure(config, request.uid, `the object cannot be read: ${e instanceof Error ? e.message : String(e)}`, started, log, who);
    }
    if (!subject) return skip(`${request.kind.kind} has no pod template`);

    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new Error(`the ${config.deadlineMs} ms admission deadline passed`));
        reject(new DeadlineExceeded(`the checks did not finish within the ${config.deadlineMs} ms deadline`));
      }, config.deadlineMs);
    });
    let results: GateResult[];
    // Scans on demand of this request (not of dry runs), handed over once the answer is decided.
    const scanned: { image: string; result: ScanResult }[] = [];
    const onScanned = submitter || deps.onScanned ? (image: string, result: ScanResult) => void scanned.push({ image, result }) : undefined;
    try {
      results = await Promise.race([runGates(config, gateDeps, subject, request, requestScopedStores(storeFor), controller.signal, onScanned), deadline]);
    } catch (e) {
      const message = e instanceof BulkheadError ? e.describe() : e instanceof Error ? e.message : String(e);
      const answer = failure(config, request.uid, message, started, log, who);
      storeScans(request.uid, scanned);
      return answer;
    } finally {
      clearTimeout(timer);
      // Whatever ended the race (answer, failure, deadline), nothing of this request keeps running.
      if (!controller.signal.aborted) controller.abort(new Error('the admission request was answered'));
    }
    const response = decide(config, request.uid, results);
    const denied = results.flatMap((r) => r.denials);
    const outcome = !denied.length ? 'admitted' : config.mode === 'enforce' ? 'denied' : config.mode === 'warn' ? 'warned' : 'audited';
    log({ ...who, allowed: response.allowed, outcome, durationMs: Date.now() - started, ...(denied.length ? { message: denied.join('; ') } : {}) });
    storeScans(request.uid, scanned);
    return reviewResponse(response);
  };
}

async function runGates(
  config: AdmissionConfig,
  deps: AdmissionDependencies,
  subject: Subject,
  request: AdmissionRequest,
  storeFor: (imageRef: string) => ArtifactStore,
  signal: AbortSignal,
  onScanned: ((imageRef: string, result: ScanResult) => void) | undefined,
): Promise<GateResult[]> {
  const dryRun = request.dryRun === true;
  const [trust, vulns] = await Promise.all([
    trustGate(config, subject, { storeFor }),
    vulnerabilityGate(config, subject, {
      ...(deps.scanLookup ? { lookup: deps.scanLookup, resolve: requestResolver(storeFor, config.vulnerabilities?.platform) } : {}),
      ...(deps.scanner ? { scanner: deps.scanner } : {}),
      ...(onScanned ? { onScanned } : {}),
      dryRun,
      signal,
    }),
  ]);
  return [pssGate(config, subject), trust, vulns, vapGate(config, subject)];
}

/** Apply the mode: enforce denies, warn turns denials into warnings, audit into audit annotations. */
function decide(config: AdmissionConfig, uid: string, results: GateResult[]): AdmissionResponse {
  const warnings = results.flatMap((r) => r.warnings);
  const audit: Record<string, string> = {};
  for (const r of results) if (r.audit.length) audit[ANNOTATION_KEY[r.gate]] = r.audit.join('\n');
  const denials = results.flatMap((r) => r.denials);
  const response: AdmissionResponse = { uid, allowed: true };
  if (denials.length) {
    if (config.mode === 'enforce') {
      response.allowed = false;
      response.status = { code: 403, message: `bulkhead admission denied the request: ${denials.join('; ')}` };
    } else if (config.mode === 'warn') {
      warnings.unshift(...denials.map((d) => `bulkhead (warn mode) would deny: ${d}`));
    } else {
      for (const r of results) if (r.denials.length) audit[`${ANNOTATION_KEY[r.gate]}-violations`] = r.denials.join('\n');
    }
  }
  if (warnings.length) response.warnings = warnings;
  if (Object.keys(audit).length) response.auditAnnotations = audit;
  return response;
}

/** The checks could not decide (error or deadline): allow with a warning (open) or refuse with 500 (closed). */
function failure(
  config: AdmissionConfig,
  uid: string,
  message: string,
  started: number,
  log: (event: AdmissionLogEvent) => void,
  who: Partial<AdmissionDecisionEvent>,
): AdmissionReviewResponse {
  const open = config.failurePolicy === 'open';
  log({ uid, ...who, allowed: open, outcome: open ? 'failed-open' : 'failed-closed', durationMs: Date.now() - started, message });
  if (open) {
    return reviewResponse({
      uid,
      allowed: true,
      warnings: [`bulkhead admission could not check the request and admitted it (failurePolicy open): ${message}`],
      auditAnnotations: { failure: message },
    });
  }
  return reviewResponse({
    uid,
    allowed: false,
    status: { code: 500, message: `bulkhead admission could not check the request and refused it (failurePolicy closed): ${message}` },
    auditAnnotations: { failure: message },
  });
}
