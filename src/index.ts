/**
 * Bulkhead's library API: the table of contents. Everything else is internal.
 */

// Scanning: one call per target kind.
export { scanImage, scanDirectory, SCANNERS, DEFAULT_SCANNERS } from './pipeline/scan.js';
export { scanSbom } from './pipeline/scan-sbom.js';
export type { ScanOptions, Scanner } from './pipeline/scan.js';

// The data model.
export type {
  Finding,
  FindingKind,
  FindingStatus,
  HistoryEntry,
  ImageConfigSummary,
  ImageLayerInfo,
  ImageMetadata,
  LayerRef,
  Location,
  NotableFile,
  Notice,
  OSInfo,
  Package,
  PackageRef,
  PackageType,
  ScanResult,
  Severity,
  TargetKind,
} from './core/types.js';
export { SCAN_RESULT_SCHEMA_VERSION, SEVERITIES } from './core/types.js';
export { BulkheadError, ExitCode, exitCodeFor, isBulkheadError } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';

// Building blocks for embedders: image sources, the layer walker, analyzers, the cache.
export { openImage } from './artifact/image/open.js';
export { parsePlatform, formatPlatform, DEFAULT_PLATFORM } from './artifact/image/source.js';
export type { ImageSource, LayerBlob, Platform, ResolvedImage } from './artifact/image/source.js';
export { walkLayer } from './artifact/image/layer-walker.js';
export type { LayerEntry, LayerVisitorCallbacks } from './artifact/image/layer-walker.js';
export { analyzers, analyzersFor } from './inventory/registry.js';
export type { Analyzer, AnalysisResult, AnalyzerInput, FileInfo, PackageRecord } from './inventory/analyzer.js';
export { buildPurl } from './inventory/purl.js';
export { LayerCache, defaultCacheDir } from './cache/layer-cache.js';

// Output and SBOM input.
export { renderers, rendererFor } from './report/registry.js';
export { renderJson } from './report/json.js';
export { renderTable } from './report/table.js';
export { renderCycloneDx } from './sbom/cyclonedx.js';
export { renderSpdxJson } from './sbom/spdx.js';
export { readSbom } from './sbom/read.js';

// The command line, runnable in-process.
export { run as runCli } from './cli/main.js';
