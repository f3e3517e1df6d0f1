/**
 * What one layer contributes, independent of every other layer: the files it
 * adds (with analyzer results for the wanted ones), what it deletes, and the
 * notable files it carries. This is the unit the layer cache stores.
 */
import type { Readable } from 'node:stream';
import { walkLayer, type LayerEntry, type LayerWalkStats } from '../artifact/image/layer-walker.js';
import type { LayerBlob } from '../artifact/image/source.js';
import type { NotableFile } from '../core/types.js';
import type { FileAnalysisRunner, FileResult } from './file-analysis.js';

export const LAYER_ANALYSIS_FORMAT = 1;

export interface LayerAnalysis {
  diffID: string;
  /** Every non-directory entry the layer adds or replaces. */
  paths: string[];
  /** Analyzer results of the files that were analysed. */
  files: Record<string, FileResult[]>;
  whiteouts: string[];
  opaqueDirs: string[];
  notableFiles: Array<Omit<NotableFile, 'layer'>>;
  warnings: string[];
  stats: { entries: number; filesAnalyzed: number; uncompressedBytes: number; compressedBytes: number };
}

export function notableReasons(e: { type: string; mode: number }): NotableFile['reasons'] {
  const reasons: NotableFile['reasons'] = [];
  if (e.type !== 'file') return reasons;
  if (e.mode & 0o4000) reasons.push('setuid');
  if (e.mode & 0o2000) reasons.push('setgid');
  if (e.mode & 0o002) reasons.push('world-writable');
  return reasons;
}

export function emptyLayerAnalysis(diffID: string): LayerAnalysis {
  return {
    diffID,
    paths: [],
    files: {},
    whiteouts: [],
    opaqueDirs: [],
    notableFiles: [],
    warnings: [],
    stats: { entries: 0, filesAnalyzed: 0, uncompressedBytes: 0, compressedBytes: 0 },
  };
}

export async function analyzeLayer(layer: LayerBlob, blob: Readable, runner: FileAnalysisRunner): Promise<LayerAnalysis> {
  const out = emptyLayerAnalysis(layer.diffID);
  const hardlinks: Array<[string, string]> = [];
  const stats: LayerWalkStats = await walkLayer(layer, blob, {
    entry: (e: LayerEntry) => {
      if (e.type === 'directory') return 0;
      out.paths.push(e.path);
      const reasons = notableReasons(e);
      if (reasons.length) out.notableFiles.push({ path: e.path, mode: e.mode, uid: e.uid, gid: e.gid, reasons });
      const info = { path: e.path, size: e.size, mode: e.mode, uid: e.uid, gid: e.gid };
      if (e.type === 'hardlink' && e.linkTarget) {
        if (runner.limitFor({ ...info, mode: e.mode | 0o100000 }) > 0) hardlinks.push([e.path, e.linkTarget]);
        return 0;
      }
      if (e.type !== 'file') return 0;
      const limit = runner.limitFor(info);
      if (runner.tooLarge(info, limit)) {
        out.warnings.push(`${e.path}: ${e.size} bytes, larger than analyzers accept (${limit}); not analysed`);
        return 0;
      }
      return limit;
    },
    file: async (e, content) => {
      out.stats.filesAnalyzed++;
      const results = await runner.run({ path: e.path, size: e.size, mode: e.mode, uid: e.uid, gid: e.gid }, content, out.warnings);
      if (results.length) out.files[e.path] = results;
    },
    whiteout: (p) => out.whiteouts.push(p),
    opaque: (d) => out.opaqueDirs.push(d),
  });
  // A hard link to an analysed file of the same layer carries the same facts.
  for (const [link, target] of hardlinks) {
    const results = out.files[target];
    if (results) out.files[link] = results;
  }
  out.stats.entries = stats.entries;
  out.stats.uncompressedBytes = stats.uncompressedBytes;
  out.stats.compressedBytes = stats.compressedBytes;
  return out;
}
