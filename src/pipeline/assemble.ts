/**
 * From the merged filesystem view to the inventory: the OS, every package
 * with its id, purl and the layer that added it, OS packages with the files
 * they own, and language packages marked when an OS package installed them.
 */
import type { LayerRef, OSInfo, Package, PackageType } from '../core/types.js';
import { OS_PACKAGE_TYPES } from '../core/types.js';
import type { PackageRecord } from '../inventory/analyzer.js';
import { mergeOsFacts } from '../inventory/os/index.js';
import { buildPurl } from '../inventory/purl.js';
import type { FileVersion, MergedView } from './merge.js';

export interface Inventory {
  os?: OSInfo;
  packages: Package[];
}

const sameRecord = (a: PackageRecord, b: PackageRecord) =>
  a.type === b.type && a.name === b.name && a.version === b.version && a.namespace === b.namespace;

/** The layer that first added `record`: walk back while earlier versions of the file still list it. */
function introducedIn(chain: readonly FileVersion[], analyzer: string, record: PackageRecord): number {
  let layer = chain[chain.length - 1]!.layer;
  for (let i = chain.length - 2; i >= 0; i--) {
    const v = chain[i]!;
    const had = v.results.some((r) => r.analyzer === analyzer && r.result.packages?.some((p) => sameRecord(p, record)));
    if (!had) break;
    layer = v.layer;
  }
  return layer;
}

/** The package type an OS package database implies when the image has no os-release. */
const distrolessFamily: Partial<Record<PackageType, string>> = { deb: 'debian', apk: 'alpine', rpm: 'rpm' };

export function assembleInventory(view: MergedView, refs: readonly LayerRef[] | undefined): Inventory {
  const paths = [...view.versions.keys()].sort();
  const osFacts: Array<{ path: string; os: Omit<OSInfo, 'source'> }> = [];
  for (const path of paths) {
    const last = view.versions.get(path)!.at(-1)!;
    for (const r of last.results) if (r.result.os) osFacts.push({ path, os: r.result.os });
  }
  let os = mergeOsFacts(osFacts);

  const owners = new Map<string, { type: PackageType; name: string }>();
  const ownedFiles = new Map<string, string[]>();
  for (const path of paths) {
    for (const r of view.versions.get(path)!.at(-1)!.results) {
      for (const o of r.result.ownership ?? []) {
        const key = `${o.type}:${o.name}`;
        const list = ownedFiles.get(key) ?? [];
        for (const f of o.files) {
          list.push(f);
          owners.set(f, { type: o.type, name: o.name });
        }
        ownedFiles.set(key, list);
      }
    }
  }

  const found: Array<{ record: PackageRecord; analyzer: string; path: string; layer?: number }> = [];
  for (const path of paths) {
    const chain = view.versions.get(path)!;
    for (const r of chain.at(-1)!.results) {
      for (const record of r.result.packages ?? []) {
        found.push({ record, analyzer: r.analyzer, path, layer: refs ? introducedIn(chain, r.analyzer, record) : undefined });
      }
    }
  }

  if (!os) {
    const osPkg = found.find((f) => OS_PACKAGE_TYPES.has(f.record.type));
    if (osPkg) {
      os = { family: distrolessFamily[osPkg.record.type] ?? 'unknown', version: '', distroless: true, source: osPkg.path };
    }
  }

  const ids = new Set<string>();
  const packages: Package[] = found.map(({ record, analyzer, path, layer }) => {
    const locations = record.locations ?? [path];
    const ns = record.namespace ? `${record.namespace}/` : '';
    let id = `${record.type}:${ns}${record.name}@${record.version}`;
    if (ids.has(id)) id = `${id}:${locations[0]}`;
    for (let n = 2; ids.has(id); n++) id = `${id.replace(/#\d+$/, '')}#${n}`;
    ids.add(id);
    const { locations: _l, ...rest } = record;
    const pkg: Package = { ...rest, id, purl: buildPurl(record, os), foundBy: analyzer, locations };
    if (layer !== undefined && refs?.[layer]) pkg.layer = refs[layer];
    if (OS_PACKAGE_TYPES.has(record.type)) {
      const files = ownedFiles.get(`${record.type}:${record.name}`);
      // Files a later layer deleted are no longer the package's.
      const kept = files?.filter((f) => !view.deleted.has(f));
      if (kept?.length && !pkg.files) pkg.files = kept;
    } else {
      for (const loc of locations) {
        const owner = owners.get(loc.split('!')[0]!);
        if (owner) {
          pkg.ownedBy = owner;
          break;
        }
      }
    }
    return pkg;
  });
  packages.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.id.localeCompare(b.id));
  return os ? { os, packages } : { packages };
}
