/**
 * The analyzer contract. An analyzer says which files it wants (by path and
 * file facts, before any byte is read), then turns one file's bytes into
 * facts. It sees one file of one layer at a time, so its output can be cached
 * per layer; facts that need several files (dpkg status + info/*.list) are
 * joined after the layers are merged, in `assemble.ts`.
 *
 * Analyzers never execute, extract or trust what they read: contents are
 * hostile, sizes are bounded by `maxBytes`, and a malformed file yields a
 * `warnings` entry rather than an exception that aborts the scan.
 */
import type { Finding, OSInfo, Package, PackageType, TargetKind } from '../core/types.js';

export interface FileInfo {
  /** `/`-rooted path inside the artifact, normalised (no `.`/`..`, no trailing `/`). */
  path: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
}

export interface AnalyzerInput {
  path: string;
  info: FileInfo;
  content: Buffer;
}

export interface AnalyzerContext {
  targetKind: TargetKind;
}

/** A package as an analyzer reports it; the assembler adds id, purl, layer and foundBy. */
export type PackageRecord = Omit<Package, 'id' | 'purl' | 'foundBy' | 'locations' | 'layer'> & {
  /** Defaults to the analysed file. A lock file can name the manifest beside it too. */
  locations?: string[];
};

/** Files owned by an OS package (dpkg info/*.list, rpm file lists). */
export interface Ownership {
  type: PackageType;
  name: string;
  arch?: string;
  files: string[];
}

export interface AnalysisResult {
  os?: Omit<OSInfo, 'source'>;
  packages?: PackageRecord[];
  ownership?: Ownership[];
  /** Findings about the file itself (secrets); the pipeline adds the layer to their location. */
  findings?: Finding[];
  /** Things the user should know (a malformed entry skipped, a limit hit). */
  warnings?: string[];
}

export interface Analyzer {
  /** Stable id, e.g. `dpkg`, `npm-package-json`. Part of the cache key. */
  readonly id: string;
  /** Bump when output changes for the same input: it invalidates cached layers. */
  readonly version: number;
  readonly description: string;
  /** Target kinds the analyzer runs on (lock files in `fs`, installed metadata in images and rootfs). */
  readonly targets: readonly TargetKind[];
  /** The scanner that enables it (`--scanners`); inventory analyzers, without one, always run. */
  readonly scanner?: 'secret' | 'misconfig' | 'license';
  /** Files larger than this are not buffered; the skip is reported. */
  readonly maxBytes?: number;
  /** Decide from the path and file facts alone; called for every regular file, so keep it cheap. */
  wants(path: string, info: FileInfo): boolean;
  analyze(input: AnalyzerInput, ctx: AnalyzerContext): AnalysisResult | null | Promise<AnalysisResult | null>;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Helpers shared by analyzers. */
export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i <= 0) return i === 0 ? '/' : '.';
  return path.slice(0, i);
}

/** True when `path` has a directory component named `name` (e.g. `node_modules`). */
export function hasSegment(path: string, name: string): boolean {
  return path.includes(`/${name}/`) || path.startsWith(`${name}/`);
}
