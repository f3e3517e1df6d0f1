/**
 * Layers applied in order, as a container runtime would: a whiteout or an
 * opaque directory hides what lower layers had, a later file replaces an
 * earlier one. The result is the final filesystem view, plus every version a
 * file had on its way there (so a package can be traced to the layer that
 * first added it).
 */
import type { LayerRef, NotableFile } from '../core/types.js';
import type { FileResult } from './file-analysis.js';
import type { LayerAnalysis } from './layer-analysis.js';

export interface FileVersion {
  layer: number;
  results: FileResult[];
}

export interface MergedView {
  /** Path → index of the layer whose entry is visible. */
  present: Map<string, number>;
  /** Analysed path → its unbroken chain of versions, oldest first; the last is visible. */
  versions: Map<string, FileVersion[]>;
  /** Paths a later layer deleted (whiteout or opaque directory) and nothing re-added. */
  deleted: Set<string>;
  notableFiles: NotableFile[];
  warnings: string[];
}

function hiddenBy(path: string, deleted: Set<string>): boolean {
  if (deleted.size === 0) return false;
  for (let p = path; p.length > 0; p = p.slice(0, p.lastIndexOf('/'))) {
    if (deleted.has(p)) return true;
  }
  return false;
}

export function mergeLayers(layers: readonly LayerAnalysis[], refs: readonly LayerRef[]): MergedView {
  const present = new Map<string, number>();
  const versions = new Map<string, FileVersion[]>();
  const notable = new Map<string, NotableFile>();
  const deletedPaths = new Set<string>();
  const warnings: string[] = [];

  layers.forEach((layer, index) => {
    // Deletions apply to lower layers only, so before this layer's own entries.
    const deleted = new Set(layer.whiteouts);
    const opaque = new Set(layer.opaqueDirs.map((d) => (d === '/' ? '' : d)));
    if (deleted.size || opaque.size) {
      // An opaque directory hides what is below it (its root form `''` hides everything lower).
      const gone = (p: string) => hiddenBy(p, deleted) || opaque.has('') || hiddenBy(p.slice(0, p.lastIndexOf('/')), opaque);
      for (const p of [...present.keys()]) {
        if (gone(p)) {
          deletedPaths.add(p);
          present.delete(p);
          versions.delete(p);
          notable.delete(p);
        }
      }
    }
    for (const w of layer.whiteouts) deletedPaths.add(w);
    for (const p of layer.paths) {
      deletedPaths.delete(p);
      present.set(p, index);
      const results = layer.files[p];
      if (results) {
        const chain = versions.get(p) ?? [];
        chain.push({ layer: index, results });
        versions.set(p, chain);
      } else {
        // Replaced by something no analyzer reads (a symlink, an unreadable file): old facts are gone.
        versions.delete(p);
      }
      notable.delete(p);
    }
    for (const n of layer.notableFiles) {
      const ref = refs[index];
      notable.set(n.path, ref ? { ...n, layer: ref } : { ...n });
    }
    warnings.push(...layer.warnings.map((w) => `layer ${index}: ${w}`));
  });
  return { present, versions, deleted: deletedPaths, notableFiles: [...notable.values()].sort((a, b) => a.path.localeCompare(b.path)), warnings };
}
