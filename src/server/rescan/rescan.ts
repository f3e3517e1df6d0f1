/**
 * Rescans: when the vulnerability database changes, every stored image is
 * re-matched from its stored inventory (no pulling), the new vulnerability set
 * is diffed against the previous one (vuln id + package), stored as a scan of
 * kind 'rescan', and new findings are POSTed to the configured webhooks.
 */
import type { Finding, ScanResult } from '../../core/types.js';
import { detect } from '../../pipeline/scan.js';
import type { VulnSource } from '../jobs/vulndb.js';
import type { Store } from '../store/index.js';

export const VULNDB_META_KEY = 'vulndb.version';

export interface RescanOutcome {
  images: number;
  newFindings: number;
  scans: string[];
}

export interface NewFindingsEvent {
  event: 'new-findings';
  image: string;
  target: string;
  scanId: string;
  vulnDbVersion: string | null;
  findings: Array<{ id: string; severity: string; package?: string; installedVersion?: string; fixedVersion?: string; title: string }>;
}

const keyOf = (f: Finding) => `${f.id}\u0000${f.package?.name ?? ''}\u0000${f.package?.version ?? ''}`;

export interface RescanDeps {
  store: Store;
  vuln: VulnSource;
  notify?: (event: NewFindingsEvent) => Promise<void>;
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

/** Re-matches every stored image inventory with the current database. */
export async function rescanAll(deps: RescanDeps): Promise<RescanOutcome> {
  const matcher = deps.vuln.matcher();
  const out: RescanOutcome = { images: 0, newFindings: 0, scans: [] };
  if (!matcher) return out;
  for (const digest of await deps.store.scans.inventoryDigests()) {
    const inventory = await deps.store.scans.getInventory(digest);
    const previous = await deps.store.scans.lastResultOfImage(digest);
    if (!inventory || !previous) continue;
    const before = new Set(previous.findings.filter((f) => f.kind === 'vulnerability').map(keyOf));
    const fresh: ScanResult = {
      ...previous,
      createdAt: new Date().toISOString(),
      packages: inventory.packages,
      findings: previous.findings.filter((f) => f.kind !== 'vulnerability'),
      notices: previous.notices.filter((n) => !/vulnerab/i.test(n.message)),
      ...(inventory.os ? { os: inventory.os } : {}),
    };
    detect(fresh, { matcher, scanners: ['vuln'] });
    const added = fresh.findings.filter((f) => f.kind === 'vulnerability' && !f.suppressedBy && !before.has(keyOf(f)));
    const scan = await deps.store.scans.recordRescan(inventory.target, fresh);
    out.images++;
    out.scans.push(scan.id);
    out.newFindings += added.length;
    if (added.length && deps.notify) {
      await deps.notify({
        event: 'new-findings',
        image: digest,
        target: inventory.target,
        scanId: scan.id,
        vulnDbVersion: deps.vuln.version(),
        findings: added.map((f) => ({
          id: f.id,
          severity: f.severity,
          title: f.title,
          ...(f.package ? { package: f.package.name } : {}),
          ...(f.installedVersion ? { installedVersion: f.installedVersion } : {}),
          ...(f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}),
        })),
      });
    }
  }
  return out;
}

/**
 * Compares the database version with the one last seen (stored in `meta`);
 * when it changed, records the new one and rescans. The first version seen
 * is only recorded: images scanned before were matched against it.
 */
export async function rescanIfDbChanged(deps: RescanDeps): Promise<RescanOutcome | null> {
  const version = deps.vuln.version();
  if (!version) return null;
  const seen = await deps.store.admin.getMeta(VULNDB_META_KEY);
  if (seen === version) return null;
  // Several servers on one PostgreSQL see the change together: only the one whose swap succeeds rescans.
  if (!(await deps.store.admin.swapMeta(VULNDB_META_KEY, seen, version))) return null;
  if (seen === null) return null;
  deps.log?.('vulnerability database changed: rescanning stored images', { from: seen, to: version });
  return rescanAll(deps);
}
