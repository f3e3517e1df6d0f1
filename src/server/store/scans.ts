/** Scans, their findings, images and inventories. */
import { randomUUID } from 'node:crypto';
import type { Finding, OSInfo, Package, ScanResult } from '../../core/types.js';
import { signedFlag, type SignatureState, type SignatureStatus } from '../../sign/status.js';
import type { Db, Param, Row } from './db.js';
import { emptySummary, num, parseJson, scanItem, SEVERITY_RANK, str, summarize, summaryOf, type ScanItem, type ScanKind, type ScanStatus, type Summary } from './rows.js';

export interface NewScan {
  kind: ScanKind;
  target: string;
  content?: string;
}

export interface ListScans {
  limit?: number;
  offset?: number;
  kind?: string;
  status?: string;
}

export interface ImageItem {
  digest: string;
  references: string[];
  os: string | null;
  lastScanId: string | null;
  lastScannedAt: string | null;
  summary: Summary;
  packages: number;
  /** true: a signature verified against the server's keys; false: unsigned or invalid; null: not checked or not checkable. */
  signed: boolean | null;
  /** The last signature check, when there was one. */
  signature: ImageSignature | null;
}

export interface ImageSignature {
  state: SignatureState;
  signatures: number;
  reason: string;
  keys: string[];
  checkedAt: string;
}

export interface FindingQuery {
  kind?: string;
  severity?: string;
  status?: string;
  /** Exact package name. */
  package?: string;
  /** Exact finding id (CVE-…, BH-…). */
  id?: string;
  /** Exact scan target. */
  target?: string;
  scanId?: string;
  /** true: a fixed version exists; false: none. */
  fixable?: boolean;
  /** Substring of id, title or package, any case. */
  q?: string;
  limit?: number;
  offset?: number;
}

export interface FindingItem extends Finding {
  scanId: string;
  target: string;
}

export interface Inventory {
  digest: string;
  scanId: string;
  target: string;
  packages: Package[];
  os?: OSInfo;
}

const now = () => new Date().toISOString();
const clampLimit = (n: number | undefined, max = 500) => Math.max(1, Math.min(max, n ?? 50));

/** The digest an image result is keyed by: the manifest digest, else the config digest. */
export function imageDigestOf(result: ScanResult): string | null {
  return result.image?.manifestDigest ?? result.image?.configDigest ?? null;
}

/** Latest done scan per target: the "current" view of findings and counts. */
const LATEST = `s.status = 'done' AND s.id = (SELECT s2.id FROM scans s2 WHERE s2.target = s.target AND s2.status = 'done'
  ORDER BY s2.finished_at DESC, s2.id DESC LIMIT 1)`;

export class ScanStore {
  constructor(private readonly db: Db) {}

  async createScan(scan: NewScan): Promise<ScanItem> {
    const id = randomUUID();
    await this.db.exec('INSERT INTO scans (id, kind, target, content, status, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      id,
      scan.kind,
      scan.target,
      scan.content ?? null,
      'queued',
      now(),
    ]);
    return (await this.getScan(id))!;
  }

  async getScan(id: string, withResult = false): Promise<ScanItem | null> {
    const rows = await this.db.query(`SELECT * FROM scans WHERE id = ?`, [id]);
    const r = rows[0];
    if (!r) return null;
    const item = scanItem(r);
    if (withResult && item.status === 'done' && typeof r.result === 'string') item.result = parseJson<ScanResult>(r.result, undefined as never);
    return item;
  }

  /** The scan's submitted content (SBOM, manifests), for the worker. */
  async scanContent(id: string): Promise<string | null> {
    const rows = await this.db.query('SELECT content FROM scans WHERE id = ?', [id]);
    return str(rows[0]?.content);
  }

  async listScans(q: ListScans = {}): Promise<{ items: ScanItem[]; total: number }> {
    const where: string[] = [];
    const params: Param[] = [];
    if (q.kind) {
      where.push('kind = ?');
      params.push(q.kind);
    }
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = num((await this.db.query(`SELECT COUNT(*) AS n FROM scans ${w}`, params))[0]?.n);
    const rows = await this.db.query(`SELECT * FROM scans ${w} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, [
      ...params,
      clampLimit(q.limit),
      Math.max(0, q.offset ?? 0),
    ]);
    return { items: rows.map(scanItem), total };
  }

  async countByStatus(): Promise<Record<ScanStatus, number>> {
    const out: Record<ScanStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of await this.db.query('SELECT status, COUNT(*) AS n FROM scans GROUP BY status')) out[String(r.status) as ScanStatus] = num(r.n);
    return out;
  }

  /** queued|running → running. False when the scan is already finished (a duplicate delivery). */
  async startScan(id: string, worker: string): Promise<boolean> {
    const n = await this.db.exec(`UPDATE scans SET status = 'running', started_at = ?, worker = ? WHERE id = ? AND status IN ('queued', 'running')`, [
      now(),
      worker,
      id,
    ]);
    return n === 1;
  }

  /**
   * running → done, storing the result, findings, image and inventory, in one
   * transaction. The conditional update makes completion happen once: a late
   * duplicate (a worker thought dead) changes nothing and gets `false`.
   */
  async completeScan(id: string, result: ScanResult): Promise<boolean> {
    const summary = summarize(result.findings);
    const digest = imageDigestOf(result);
    return this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `UPDATE scans SET status = 'done', finished_at = ?, error = NULL, image_digest = ?, result = ?, completions = completions + 1,
          n_critical = ?, n_high = ?, n_medium = ?, n_low = ?, n_unknown = ?, n_fixable = ?, n_total = ?
          WHERE id = ? AND status = 'running'`,
        [now(), digest, JSON.stringify(result), summary.critical, summary.high, summary.medium, summary.low, summary.unknown, summary.fixable, summary.total, id],
      );
      if (n !== 1) return false;
      let seq = 0;
      for (const f of result.findings) {
        await tx.exec(
          `INSERT INTO findings (scan_id, seq, id, kind, severity, status, package, package_version, fixed_version, title, location, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            seq++,
            f.id,
            f.kind,
            f.severity,
            f.status ?? null,
            f.package?.name ?? null,
            f.package?.version ?? f.installedVersion ?? null,
            f.fixedVersion ?? null,
            f.title,
            f.location.path ?? (f.location.object ? `${f.location.object.kind}/${f.location.object.name}` : null),
            JSON.stringify(f),
          ],
        );
      }
      if (digest && result.image) {
        const scan = (await tx.query('SELECT target FROM scans WHERE id = ?', [id]))[0];
        const target = String(scan?.target ?? result.target.name);
        const at = now();
        const existing = (await tx.query('SELECT refs FROM images WHERE digest = ?', [digest]))[0];
        const refs = new Set<string>(parseJson<string[]>(existing?.refs, []));
        refs.add(result.image.reference);
        for (const t of result.image.repoTags ?? []) refs.add(t);
        const os = result.os ? `${result.os.family} ${result.os.version}` : `${result.image.os}/${result.image.architecture}`;
        await tx.exec(
          `INSERT INTO images (digest, refs, os, layers, packages, first_seen, last_scanned_at, last_scan_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (digest) DO UPDATE SET refs = excluded.refs, os = excluded.os, layers = excluded.layers, packages = excluded.packages,
           last_scanned_at = excluded.last_scanned_at, last_scan_id = excluded.last_scan_id`,
          [digest, JSON.stringify([...refs]), os, JSON.stringify(result.image.layers), result.packages.length, at, at, id],
        );
        await tx.exec(
          `INSERT INTO inventories (digest, scan_id, target, packages, os, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (digest) DO UPDATE SET scan_id = excluded.scan_id, target = excluded.target, packages = excluded.packages,
           os = excluded.os, updated_at = excluded.updated_at`,
          [digest, id, target, JSON.stringify(result.packages), result.os ? JSON.stringify(result.os) : null, at],
        );
      }
      return true;
    });
  }

  /** running|queued → failed (conditional like completion). */
  async failScan(id: string, message: string): Promise<boolean> {
    const n = await this.db.exec(`UPDATE scans SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status IN ('queued', 'running')`, [
      now(),
      message.slice(0, 4000),
      id,
    ]);
    return n === 1;
  }

  /** Stores a finished rescan directly (kind 'rescan', no job). */
  async recordRescan(target: string, result: ScanResult): Promise<ScanItem> {
    const scan = await this.createScan({ kind: 'rescan', target });
    await this.startScan(scan.id, 'rescan');
    await this.completeScan(scan.id, result);
    return (await this.getScan(scan.id))!;
  }

  async findingsOfScan(scanId: string): Promise<Finding[]> {
    const rows = await this.db.query('SELECT data FROM findings WHERE scan_id = ? ORDER BY seq', [scanId]);
    return rows.map((r) => parseJson<Finding>(r.data, null as never)).filter(Boolean);
  }

  async listFindings(q: FindingQuery): Promise<{ items: FindingItem[]; total: number }> {
    const where = [LATEST];
    const params: Param[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined || value === '') return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    equal('f.kind', q.kind);
    equal('f.severity', q.severity);
    equal('f.status', q.status);
    equal('f.package', q.package);
    equal('f.id', q.id);
    equal('s.target', q.target);
    equal('f.scan_id', q.scanId);
    if (q.fixable === true) where.push('f.fixed_version IS NOT NULL');
    if (q.fixable === false) where.push('f.fixed_version IS NULL');
    if (q.q) {
      // Case-insensitive substring of id, title or package; LIKE wildcards in the text are matched literally.
      const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(LOWER(f.id) LIKE ? ESCAPE '\\' OR LOWER(f.title) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(f.package, '')) LIKE ? ESCAPE '\\')");
      params.push(like, like, like);
    }
    const from = `FROM findings f JOIN scans s ON s.id = f.scan_id WHERE ${where.join(' AND ')}`;
    const total = num((await this.db.query(`SELECT COUNT(*) AS n ${from}`, params))[0]?.n);
    const rows = await this.db.query(`SELECT f.data, f.scan_id, s.target ${from} ORDER BY s.finished_at DESC, f.scan_id, f.seq LIMIT ? OFFSET ?`, [
      ...params,
      clampLimit(q.limit, 1000),
      Math.max(0, q.offset ?? 0),
    ]);
    return { items: rows.map((r) => ({ ...parseJson<Finding>(r.data, {} as Finding), scanId: String(r.scan_id), target: String(r.target) })), total };
  }

  /** Images, most recently scanned first; all of them unless limit is given. */
  async listImages(q: { limit?: number; offset?: number } = {}): Promise<{ items: ImageItem[]; total: number }> {
    const total = num((await this.db.query('SELECT COUNT(*) AS n FROM images'))[0]?.n);
    const page = q.limit === undefined ? '' : ' LIMIT ? OFFSET ?';
    const rows = await this.db.query(
      `SELECT i.*, s.n_critical, s.n_high, s.n_medium, s.n_low, s.n_unknown, s.n_fixable, s.n_total, g.signed, g.state AS signature_state, g.details AS signature_details, g.checked_at AS signature_checked_at
       FROM images i LEFT JOIN scans s ON s.id = i.last_scan_id LEFT JOIN signatures g ON g.digest = i.digest
       ORDER BY i.last_scanned_at DESC, i.digest${page}`,
      q.limit === undefined ? [] : [clampLimit(q.limit, 1000), Math.max(0, q.offset ?? 0)],
    );
    return { items: rows.map(imageItem), total };
  }

  async getImage(digest: string): Promise<(ImageItem & { layers: unknown[] }) | null> {
    const rows = await this.db.query(
      `SELECT i.*, s.n_critical, s.n_high, s.n_medium, s.n_low, s.n_unknown, s.n_fixable, s.n_total, g.signed, g.state AS signature_state, g.details AS signature_details, g.checked_at AS signature_checked_at
       FROM images i LEFT JOIN scans s ON s.id = i.last_scan_id LEFT JOIN signatures g ON g.digest = i.digest WHERE i.digest = ?`,
      [digest],
    );
    const r = rows[0];
    return r ? { ...imageItem(r), layers: parseJson<unknown[]>(r.layers, []) } : null;
  }

  async imageHistory(digest: string): Promise<Array<{ scanId: string; at: string; summary: Summary }>> {
    const rows = await this.db.query(`SELECT * FROM scans WHERE image_digest = ? AND status = 'done' ORDER BY finished_at DESC LIMIT 100`, [digest]);
    return rows.map((r) => ({ scanId: String(r.id), at: String(r.finished_at), summary: summaryOf(r) }));
  }

  async getInventory(digest: string): Promise<Inventory | null> {
    const r = (await this.db.query('SELECT * FROM inventories WHERE digest = ?', [digest]))[0];
    if (!r) return null;
    const inv: Inventory = { digest, scanId: String(r.scan_id), target: String(r.target), packages: parseJson<Package[]>(r.packages, []) };
    const os = parseJson<OSInfo | null>(r.os, null);
    if (os) inv.os = os;
    return inv;
  }

  async inventoryDigests(): Promise<string[]> {
    return (await this.db.query('SELECT digest FROM inventories ORDER BY digest')).map((r) => String(r.digest));
  }

  /** The stored result of the image's last scan (for SBOM export and rescans). */
  async lastResultOfImage(digest: string): Promise<ScanResult | null> {
    const r = (await this.db.query('SELECT s.result FROM images i JOIN scans s ON s.id = i.last_scan_id WHERE i.digest = ?', [digest]))[0];
    return parseJson<ScanResult | null>(r?.result, null);
  }

  async latestScanOfKind(kind: ScanKind): Promise<(ScanItem & { result: ScanResult }) | null> {
    const r = (await this.db.query(`SELECT * FROM scans WHERE kind = ? AND status = 'done' ORDER BY finished_at DESC, id DESC LIMIT 1`, [kind]))[0];
    if (!r) return null;
    const result = parseJson<ScanResult | null>(r.result, null);
    return result ? { ...scanItem(r), result } : null;
  }

  /** Adds a reference (another tag of a known digest) to an image; false when the image is not known. */
  async addImageRef(digest: string, ref: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const row = (await tx.query('SELECT refs FROM images WHERE digest = ?', [digest]))[0];
      if (!row) return false;
      const refs = new Set<string>(parseJson<string[]>(row.refs, []));
      if (!refs.has(ref)) {
        refs.add(ref);
        await tx.exec('UPDATE images SET refs = ? WHERE digest = ?', [JSON.stringify([...refs]), digest]);
      }
      return true;
    });
  }

  /** Records the latest signature check of an image (one row per digest). */
  async setSignature(digest: string, status: SignatureStatus): Promise<void> {
    const details = { signatures: status.signatures, reason: status.reason, keys: status.keys };
    await this.db.exec(
      `INSERT INTO signatures (digest, signed, state, checked_at, details) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (digest) DO UPDATE SET signed = excluded.signed, state = excluded.state, checked_at = excluded.checked_at, details = excluded.details`,
      [digest, status.state === 'verified' ? 1 : 0, status.state, now(), JSON.stringify(details)],
    );
  }

  async overview(since24h: string): Promise<{
    counts: { images: number; scans: number; critical: number; high: number; fixable: number; runtimeAlerts24h: number };
    riskTrend: Array<{ date: string; critical: number; high: number; medium: number; low: number }>;
    topIssues: Array<{ id: string; title: string; severity: string; images: number; fixable: boolean }>;
  }> {
    const one = async (sql: string, p: Param[] = []) => num((await this.db.query(sql, p))[0]?.n);
    const latest = `FROM scans s WHERE ${LATEST}`;
    const sums = (await this.db.query(`SELECT SUM(s.n_critical) AS c, SUM(s.n_high) AS h, SUM(s.n_fixable) AS f ${latest}`))[0] ?? {};
    const counts = {
      images: await one('SELECT COUNT(*) AS n FROM images'),
      scans: await one('SELECT COUNT(*) AS n FROM scans'),
      critical: num(sums.c),
      high: num(sums.h),
      fixable: num(sums.f),
      runtimeAlerts24h: await one('SELECT COUNT(*) AS n FROM runtime_alerts WHERE time >= ?', [since24h]),
    };
    const trendFrom = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const done = await this.db.query(`SELECT * FROM scans WHERE status = 'done' AND finished_at >= ? ORDER BY finished_at`, [trendFrom]);
    const byDay = new Map<string, Map<string, Row>>();
    for (const r of done) {
      const day = String(r.finished_at).slice(0, 10);
      if (!byDay.has(day)) byDay.set(day, new Map());
      byDay.get(day)!.set(String(r.target), r);
    }
    const riskTrend = [...byDay.entries()].map(([date, m]) => {
      const t = { date, critical: 0, high: 0, medium: 0, low: 0 };
      for (const r of m.values()) {
        const s = summaryOf(r);
        t.critical += s.critical;
        t.high += s.high;
        t.medium += s.medium;
        t.low += s.low;
      }
      return t;
    });
    const grouped = await this.db.query(
      `SELECT f.id, MAX(f.title) AS title, MAX(f.severity) AS severity, COUNT(DISTINCT s.target) AS images,
         MAX(CASE WHEN f.fixed_version IS NULL THEN 0 ELSE 1 END) AS fixable
       FROM findings f JOIN scans s ON s.id = f.scan_id WHERE ${LATEST} AND f.kind = 'vulnerability' GROUP BY f.id`,
    );
    const topIssues = grouped
      .map((r) => ({ id: String(r.id), title: String(r.title), severity: String(r.severity), images: num(r.images), fixable: num(r.fixable) === 1 }))
      .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || b.images - a.images || a.id.localeCompare(b.id))
      .slice(0, 10);
    return { counts, riskTrend, topIssues };
  }
}

function imageItem(r: Row): ImageItem {
  return {
    digest: String(r.digest),
    references: parseJson<string[]>(r.refs, []),
    os: str(r.os),
    lastScanId: str(r.last_scan_id),
    lastScannedAt: str(r.last_scanned_at),
    summary: r.n_total === null || r.n_total === undefined ? emptySummary() : summaryOf(r),
    packages: num(r.packages),
    signed: typeof r.signature_state === 'string' ? signedFlag(r.signature_state as SignatureState) : null,
    signature: imageSignature(r),
  };
}

const SIGNATURE_STATES: ReadonlySet<string> = new Set<SignatureState>(['verified', 'invalid', 'unsigned', 'unverified']);

function imageSignature(r: Row): ImageSignature | null {
  const state = str(r.signature_state);
  if (!state || !SIGNATURE_STATES.has(state)) return null;
  const d = parseJson<{ signatures?: number; reason?: string; keys?: string[] }>(r.signature_details, {});
  return { state: state as SignatureState, signatures: d.signatures ?? 0, reason: d.reason ?? '', keys: d.keys ?? [], checkedAt: String(r.signature_checked_at) };
}
