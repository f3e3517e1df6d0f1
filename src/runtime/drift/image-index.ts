/**
 * The file inventory of an image as drift detection needs it: every path of
 * the final filesystem (layers applied in order, whiteouts and opaque
 * directories honoured) with its type and mode, and the sha256 of every
 * executable regular file. Built in one streaming pass per layer with the
 * shared layer walker; serialisable, so callers cache it by config digest.
 */
import { createHash } from 'node:crypto';
import { walkLayer, type LayerEntry } from '../../artifact/image/layer-walker.js';
import { openImage } from '../../artifact/image/open.js';
import { DEFAULT_PLATFORM, type ImageSource, type Platform } from '../../artifact/image/source.js';
import { BulkheadError } from '../../core/errors.js';

export type IndexedType = 'file' | 'symlink' | 'directory' | 'other';

export interface IndexedFile {
  type: IndexedType;
  mode: number;
  size: number;
  /** sha256 (hex) of executable regular files up to maxHashBytes. */
  sha256?: string;
  /** Symlink target as stored. */
  target?: string;
  /** Index of the layer that last wrote the path. */
  layer: number;
}

export interface DriftIndex {
  version: 1;
  /** What the user named. */
  reference: string;
  configDigest: string;
  manifestDigest?: string;
  files: Map<string, IndexedFile>;
  /** Executables larger than maxHashBytes: only their size is compared. */
  unhashed: number;
}

export interface BuildIndexOptions {
  platform?: Platform;
  /** Executables above this size are not hashed (default 512 MiB). */
  maxHashBytes?: number;
}

interface LayerResult {
  index: number;
  entries: Array<[string, IndexedFile]>;
  hardlinks: Array<[string, string]>;
  whiteouts: string[];
  opaque: string[];
}

const isExecutable = (mode: number) => (mode & 0o111) !== 0;

function typeOf(e: LayerEntry): IndexedType {
  return e.type === 'file' ? 'file' : e.type === 'symlink' ? 'symlink' : e.type === 'directory' ? 'directory' : 'other';
}

function deleteTree(files: Map<string, IndexedFile>, path: string, belowLayer?: number): void {
  const prefix = path === '/' ? '/' : `${path}/`;
  for (const [p, f] of files) {
    if ((p === path && belowLayer === undefined) || p.startsWith(prefix)) {
      if (belowLayer === undefined || f.layer < belowLayer) files.delete(p);
    }
  }
}

/** Build the index of an image: an ImageSource, or a reference `openImage` understands (`oci:dir:tag`, archives). */
export async function buildImageFileIndex(image: ImageSource | string, options: BuildIndexOptions = {}): Promise<DriftIndex> {
  const source = typeof image === 'string' ? await openImage(image) : image;
  const maxHash = options.maxHashBytes ?? 512 * 1024 * 1024;
  let unhashed = 0;
  try {
    const resolved = await source.resolve(options.platform ?? DEFAULT_PLATFORM);
    const results: LayerResult[] = [];
    await source.streamLayers(resolved.layers, async (layer, blob) => {
      const r: LayerResult = { index: layer.index, entries: [], hardlinks: [], whiteouts: [], opaque: [] };
      const byPath = new Map<string, IndexedFile>();
      await walkLayer(layer, blob, {
        entry: (e) => {
          if (e.type === 'hardlink') {
            if (e.linkTarget) r.hardlinks.push([e.path, e.linkTarget]);
            return 0;
          }
          const f: IndexedFile = { type: typeOf(e), mode: e.mode, size: e.size, layer: layer.index };
          if (e.type === 'symlink' && e.linkTarget !== undefined) f.target = e.linkTarget;
          byPath.set(e.path, f);
          r.entries.push([e.path, f]);
          if (e.type !== 'file' || !isExecutable(e.mode)) return 0;
          if (e.size > maxHash) {
            unhashed++;
            return 0;
          }
          return Math.max(e.size, 1);
        },
        file: (e, content) => {
          const f = byPath.get(e.path);
          if (f) f.sha256 = createHash('sha256').update(content).digest('hex');
        },
        whiteout: (p) => r.whiteouts.push(p),
        opaque: (d) => r.opaque.push(d),
      });
      results.push(r);
    });
    results.sort((a, b) => a.index - b.index);
    const files = new Map<string, IndexedFile>();
    for (const r of results) {
      for (const d of r.opaque) deleteTree(files, d, r.index);
      for (const w of r.whiteouts) deleteTree(files, w);
      for (const [p, f] of r.entries) {
        // A file replacing a directory hides what the directory held.
        if (f.type !== 'directory' && files.get(p)?.type === 'directory') deleteTree(files, p);
        files.set(p, f);
      }
      for (const [link, target] of r.hardlinks) {
        const t = files.get(target);
        if (t) files.set(link, { ...t, layer: r.index });
      }
    }
    return {
      version: 1,
      reference: source.description,
      configDigest: resolved.metadata.configDigest,
      ...(resolved.metadata.manifestDigest ? { manifestDigest: resolved.metadata.manifestDigest } : {}),
      files,
      unhashed,
    };
  } finally {
    await source.close();
  }
}

/** JSON form for caching (the files map as sorted entries). */
export function serializeDriftIndex(index: DriftIndex): string {
  const files = [...index.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ ...index, files });
}

export function parseDriftIndex(text: string, where = 'drift index'): DriftIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BulkheadError('CONFIG_INVALID', `cannot parse the drift index: ${(e as Error).message}`, { where, hint: 'rebuild it from the image' });
  }
  const o = raw as Partial<Omit<DriftIndex, 'files'>> & { files?: unknown };
  if (o?.version !== 1 || typeof o.configDigest !== 'string' || typeof o.reference !== 'string' || !Array.isArray(o.files)) {
    throw new BulkheadError('CONFIG_INVALID', 'not a drift index of version 1', { where, hint: 'rebuild it from the image' });
  }
  const files = new Map<string, IndexedFile>();
  for (const entry of o.files as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'object' || entry[1] === null) {
      throw new BulkheadError('CONFIG_INVALID', 'drift index entry is malformed', { where, hint: 'rebuild it from the image' });
    }
    files.set(entry[0], entry[1] as IndexedFile);
  }
  return { version: 1, reference: o.reference, configDigest: o.configDigest, ...(o.manifestDigest ? { manifestDigest: o.manifestDigest } : {}), files, unhashed: o.unhashed ?? 0 };
}

/**
 * The image's entry for `path`, following the image's own symlinks (bounded),
 * for callers whose path is not canonical in the image (e.g. /bin/ls where
 * the image has /bin -> usr/bin).
 */
export function lookupInIndex(index: DriftIndex, path: string): { path: string; file: IndexedFile } | undefined {
  let parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (let hops = 0; hops < 40; ) {
    let cur = '';
    let restarted = false;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part === '..') {
        cur = cur.slice(0, cur.lastIndexOf('/'));
        continue;
      }
      const next = `${cur}/${part}`;
      const f = index.files.get(next);
      if (f?.type === 'symlink' && f.target !== undefined) {
        hops++;
        const target = f.target.split('/').filter((p) => p !== '' && p !== '.');
        const base = f.target.startsWith('/') ? [] : cur.split('/').filter(Boolean);
        parts = [...base, ...target, ...parts.slice(i + 1)];
        restarted = true;
        break;
      }
      cur = next;
    }
    if (!restarted) {
      const file = index.files.get(cur || '/');
      return file ? { path: cur || '/', file } : undefined;
    }
  }
  return undefined;
}
