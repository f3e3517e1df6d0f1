/**
 * The one pipeline: target → artifact → analyzers → (detectors, filters in
 * later stages) → ScanResult. Each scan function is a short list of named
 * steps; the CLI, the library API and the server all call these.
 */
import type { Readable } from 'node:stream';
import { openImage } from '../artifact/image/open.js';
import type { RegistryOptions } from '../registry/index.js';
import { DEFAULT_PLATFORM, type LayerBlob, type Platform } from '../artifact/image/source.js';
import { FS_SKIP_NAMES, ROOTFS_SKIP_DIRS, walkDirectory } from '../artifact/fs/walker.js';
import { LayerCache } from '../cache/layer-cache.js';
import { BulkheadError } from '../core/errors.js';
import { silentProgress, type ProgressReporter } from '../core/progress.js';
import type { Finding, LayerRef, Notice, ScanResult, TargetKind } from '../core/types.js';
import { SCAN_RESULT_SCHEMA_VERSION } from '../core/types.js';
import { toolVersion } from '../core/version.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { analyzerFingerprint } from '../inventory/registry.js';
import { pipelineAnalyzers } from './analyzers.js';
import type { SecretRule } from '../secrets/index.js';
import type { Matcher } from '../vuln/match/index.js';
import { checkImage, redactImageMetadata } from '../misconfig/image/index.js';
import { assembleInventory } from './assemble.js';
import { FileAnalysisRunner } from './file-analysis.js';
import { analyzeLayer, emptyLayerAnalysis, LAYER_ANALYSIS_FORMAT, notableReasons, type LayerAnalysis } from './layer-analysis.js';
import { mergeLayers, type MergedView } from './merge.js';

export const SCANNERS = ['vuln', 'secret', 'misconfig', 'license'] as const;
export type Scanner = (typeof SCANNERS)[number];
export const DEFAULT_SCANNERS: readonly Scanner[] = ['vuln', 'secret', 'misconfig'];

export interface ScanOptions {
  platform?: Platform;
  scanners?: readonly Scanner[];
  /** A layer cache; `null` disables caching. Default: none (the CLI opens one). */
  cache?: LayerCache | null;
  /** Override the analyzer list (tests, embedders). */
  analyzers?: readonly Analyzer[];
  progress?: ProgressReporter;
  /**
   * The vulnerability matcher (`createMatcher(VulnDb.open(file))`), used when
   * the `vuln` scanner is on. Without one, the result says matching did not run.
   */
  matcher?: Matcher;
  /** Custom secret rules (config), run after the built-in ones. */
  secretRules?: readonly SecretRule[];
  /** Fail when nothing is found (image, rootfs, sbom); default true. */
  requirePackages?: boolean;
  /** Credentials, CA file and insecure hosts for registry images. */
  registry?: RegistryOptions;
  /**
   * Stops an image scan: checked before the image is opened, before each
   * layer is read, and while a layer streams (the stream is destroyed, which
   * closes its file or registry connection). The scan then rejects with
   * LIMIT_EXCEEDED "scan cancelled" (see scanCancelled).
   */
  signal?: AbortSignal;
}

/** The notice `detect` leaves when the vuln scanner is on but no matcher was given: the result says nothing about vulnerabilities. */
export const NO_VULN_DB_NOTICE = 'vulnerability matching did not run: no vulnerability database was given';

/** True when the result's vulnerability findings can be trusted as complete: the vuln scanner ran with a database. */
export function vulnerabilitiesMatched(result: Pick<ScanResult, 'scanners' | 'notices'>): boolean {
  return result.scanners.includes('vuln') && !result.notices.some((n) => n.message === NO_VULN_DB_NOTICE);
}

/**
 * The error a cancelled scan rejects with. LIMIT_EXCEEDED: cancelling is how
 * callers enforce a time budget (the admission webhook's scan budget and
 * deadline), so it is a limit that was reached, not a broken input.
 */
export function scanCancelled(reference: string, signal?: AbortSignal): BulkheadError {
  const reason = signal?.reason instanceof Error && signal.reason.name !== 'AbortError' ? `: ${signal.reason.message}` : '';
  return new BulkheadError('LIMIT_EXCEEDED', `scan cancelled${reason}`, {
    where: reference,
    hint: 'the caller stopped the scan before it finished (its time budget or deadline ran out); give it more time or scan the image ahead of time',
  });
}

/** The detectors over a finished inventory: vulnerability matching, for every target kind. */
export function detect(result: ScanResult, options: ScanOptions): ScanResult {
  if (!scanners(options).includes('vuln') || result.packages.length === 0) return result;
  if (!options.matcher) {
    result.notices.push({ level: 'warning', message: NO_VULN_DB_NOTICE });
    return result;
  }
  const out = options.matcher.match(result);
  for (const f of out.findings) {
    const detail = out.details.get(f);
    if (!detail) continue;
    const aliases = detail.aliases.filter((a) => a !== f.id);
    if (aliases.length) f.aliases = aliases;
    f.severitySource = detail.severityDetail || detail.severitySource;
  }
  result.findings.push(...out.findings);
  result.notices.push(...out.notices);
  return result;
}

function scanners(options: ScanOptions): readonly Scanner[] {
  return options.scanners ?? DEFAULT_SCANNERS;
}

export interface Draft {
  kind: TargetKind;
  name: string;
  started: number;
  notices: Notice[];
  stats: ScanResult['stats'];
}

export function draft(kind: TargetKind, name: string): Draft {
  return {
    kind,
    name,
    started: Date.now(),
    notices: [],
    stats: { layersRead: 0, layersFromCache: 0, filesAnalyzed: 0, bytesRead: 0, durationMs: 0 },
  };
}

export function finish(d: Draft, body: Pick<ScanResult, 'packages'> & Partial<ScanResult>, options: ScanOptions): ScanResult {
  const result: ScanResult = {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'bulkhead', version: toolVersion() },
    createdAt: new Date(d.started).toISOString(),
    target: { kind: d.kind, name: d.name },
    ...body,
    findings: body.findings ?? [],
    notices: d.notices,
    scanners: [...(options.scanners ?? DEFAULT_SCANNERS)],
    stats: { ...d.stats, durationMs: Date.now() - d.started },
  };
  if (result.packages.length === 0 && d.kind !== 'dockerfile' && d.kind !== 'kubernetes' && d.kind !== 'container-config') {
    const what = d.kind === 'fs' ? 'no packages, lock files or manifests' : 'no OS or language packages';
    if (d.kind !== 'fs' && options.requirePackages !== false) {
      throw new BulkheadError('NOTHING_FOUND', `found ${what} in ${d.name}`, {
        where: d.name,
        hint: 'this is not a clean result: the target may be empty, unsupported, or from scratch; pass --allow-empty if that is expected',
      });
    }
    result.notices.push({ level: 'warning', message: `found ${what}: nothing could be checked for vulnerabilities` });
  }
  return result;
}

/**
 * Findings analyzers made about files (secrets, Dockerfile checks), from EVERY
 * layer: a secret added in one layer and deleted in a later one is still in
 * the image's layer history, so it is reported, and said to be deleted.
 */
function fileFindings(layers: readonly LayerAnalysis[], refs: readonly LayerRef[] | undefined, view: MergedView): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  layers.forEach((layer, index) => {
    for (const [path, results] of Object.entries(layer.files)) {
      for (const r of results) {
        for (const f of r.result.findings ?? []) {
          const key = `${f.id}\0${path}\0${f.location.startLine ?? ''}\0${f.evidence ?? ''}`;
          if (seen.has(key)) continue; // the same file carried unchanged into another layer position
          seen.add(key);
          const finding: Finding = { ...f, location: { ...f.location, path } };
          const ref = refs?.[index];
          if (ref) {
            finding.location.layer = ref;
            if (view.present.get(path) !== index) {
              finding.title = `${f.title} (removed or replaced in a later layer, but still in the image's layer ${index})`;
            }
          }
          out.push(finding);
        }
      }
    }
  });
  return out;
}

/** analyzeLayer, stopped by `signal`: refused before the first byte is read, and the stream destroyed when it aborts mid-layer. */
async function analyzeCancellable(layer: LayerBlob, blob: Readable, runner: FileAnalysisRunner, reference: string, signal: AbortSignal | undefined): Promise<LayerAnalysis> {
  if (!signal) return analyzeLayer(layer, blob, runner);
  if (signal.aborted) {
    blob.destroy();
    throw scanCancelled(reference, signal);
  }
  const stop = () => blob.destroy(scanCancelled(reference, signal));
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await analyzeLayer(layer, blob, runner);
  } catch (e) {
    // The walker reports a destroyed stream as a corrupt layer; say what really happened.
    if (signal.aborted) throw scanCancelled(reference, signal);
    throw e;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** Scan a container image (archive, layout or registry reference). */
export async function scanImage(reference: string, options: ScanOptions = {}): Promise<ScanResult> {
  const d = draft('image', reference);
  const progress = options.progress ?? silentProgress;
  const analyzers = options.analyzers ?? pipelineAnalyzers('image', scanners(options), options.secretRules);
  const runner = new FileAnalysisRunner(analyzers, { targetKind: 'image' });
  const fingerprint = analyzerFingerprint(analyzers);
  const signal = options.signal;
  const stopIfCancelled = () => {
    if (signal?.aborted) throw scanCancelled(reference, signal);
  };
  stopIfCancelled();
  const source = await openImage(reference, options.registry);
  try {
    stopIfCancelled();
    const { metadata, layers } = await source.resolve(options.platform ?? DEFAULT_PLATFORM);
    stopIfCancelled();
    const results: Array<LayerAnalysis | undefined> = layers.map(() => undefined);
    const keys = layers.map((l) => LayerCache.key(l.diffID, fingerprint, LAYER_ANALYSIS_FORMAT));
    progress.start(layers.length, layers.reduce((n, l) => n + (l.size ?? 0), 0));
    layers.forEach((l, i) => {
      const hit = options.cache?.get<LayerAnalysis>(keys[i]!);
      if (hit && hit.diffID === l.diffID) {
        results[i] = hit;
        d.stats.layersFromCache++;
        progress.layerDone(i, l.size ?? 0, true);
      }
    });
    // Identical diffIDs at several positions are read once.
    const missing = layers.filter((l, i) => !results[i] && layers.findIndex((o) => o.diffID === l.diffID) === i);
    await source.streamLayers(missing, async (layer, blob) => {
      const analysis = await analyzeCancellable(layer, blob, runner, reference, signal);
      layers.forEach((l, i) => {
        if (l.diffID === layer.diffID) results[i] = analysis;
      });
      d.stats.layersRead++;
      d.stats.bytesRead += analysis.stats.compressedBytes;
      d.stats.filesAnalyzed += analysis.stats.filesAnalyzed;
      options.cache?.put(keys[layer.index]!, layer.diffID, analysis);
      progress.layerDone(layer.index, analysis.stats.compressedBytes, false);
    });
    stopIfCancelled();
    progress.finish();
    const analyses = results.map((r, i) => {
      if (!r) throw new BulkheadError('INTERNAL', `layer ${i} was never read`);
      return r;
    });
    // Reports carry the metadata and layer refs; secrets in them (Env, labels, build steps) are
    // masked. Only the image checks see the raw metadata, which they need to find those secrets.
    const shown = redactImageMetadata(metadata);
    const refs: LayerRef[] = shown.layers.map(({ mediaType: _m, size: _s, ...ref }) => ref);
    const view = mergeLayers(analyses, refs);
    for (const w of view.warnings) d.notices.push({ level: 'warning', message: w });
    const inventory = assembleInventory(view, refs);
    const findings = fileFindings(analyses, refs, view);
    const result = finish(d, { image: shown, ...inventory, findings, notableFiles: view.notableFiles }, options);
    detect(result, options);
    if (scanners(options).includes('misconfig')) result.findings.push(...checkImage({ ...result, image: metadata }));
    return result;
  } finally {
    await source.close();
  }
}

/** Scan a directory: `fs` for a project checkout (lock files), `rootfs` for an unpacked root filesystem. */
export async function scanDirectory(dir: string, kind: 'fs' | 'rootfs', options: ScanOptions = {}): Promise<ScanResult> {
  const d = draft(kind, dir);
  const analyzers = options.analyzers ?? pipelineAnalyzers(kind, scanners(options), options.secretRules);
  const runner = new FileAnalysisRunner(analyzers, { targetKind: kind });
  // A directory is one layer without a diffID.
  const layer = emptyLayerAnalysis('');
  await walkDirectory(
    dir,
    { skipDirs: kind === 'rootfs' ? ROOTFS_SKIP_DIRS : new Set(), skipNames: kind === 'fs' ? FS_SKIP_NAMES : new Set() },
    {
      entry: (e) => {
        layer.paths.push(e.path);
        const reasons = notableReasons(e);
        if (reasons.length && kind === 'rootfs') layer.notableFiles.push({ path: e.path, mode: e.mode, uid: e.uid, gid: e.gid, reasons });
        if (e.type !== 'file') return 0;
        const info = { path: e.path, size: e.size, mode: e.mode, uid: e.uid, gid: e.gid };
        const limit = runner.limitFor(info);
        if (runner.tooLarge(info, limit)) layer.warnings.push(`${e.path}: ${e.size} bytes, larger than analyzers accept; not analysed`);
        return limit;
      },
      file: async (e, content) => {
        layer.stats.filesAnalyzed++;
        d.stats.bytesRead += content.length;
        const results = await runner.run({ path: e.path, size: e.size, mode: e.mode, uid: e.uid, gid: e.gid }, content, layer.warnings);
        if (results.length) layer.files[e.path] = results;
      },
      warning: (m) => layer.warnings.push(m),
    },
  );
  d.stats.filesAnalyzed = layer.stats.filesAnalyzed;
  const view = mergeLayers([layer], []);
  for (const w of layer.warnings) d.notices.push({ level: 'warning', message: w });
  const inventory = assembleInventory(view, undefined);
  const findings = fileFindings([layer], undefined, view);
  return detect(finish(d, { ...inventory, findings, notableFiles: view.notableFiles }, options), options);
}
