/** Tokens, audit log, runtime alerts, watched registries, notifications, meta. */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { num, parseJson, str } from './rows.js';

export type Role = 'viewer' | 'scanner' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'scanner', 'admin'];

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface AuditEntry {
  id: string;
  time: string;
  actor: string | null;
  action: string;
  target: string | null;
  details: unknown;
}

export interface RuntimeAlert {
  time: string;
  rule: string;
  priority: string;
  source?: string;
  output: string;
  outputFields?: Record<string, unknown>;
  tags?: string[];
  container?: unknown;
}

export interface RegistryWatch {
  id: string;
  host: string;
  repositories: string[];
  intervalSeconds: number;
  username: string | null;
  /** True when a password is stored (never returned). */
  hasPassword: boolean;
  createdAt: string;
  lastPolledAt: string | null;
}

const now = () => new Date().toISOString();
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export class AdminStore {
  constructor(private readonly db: Db) {}

  async createToken(name: string, role: Role, token: string): Promise<TokenRow> {
    const id = randomUUID();
    const at = now();
    await this.db.exec('INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)', [id, name, role, hashToken(token), at]);
    return { id, name, role, createdAt: at, lastUsedAt: null };
  }

  /** The token whose hash equals sha256(token). Lookup by hash: the secret itself is never compared or stored. */
  async tokenByHash(hash: string): Promise<TokenRow | null> {
    const r = (await this.db.query('SELECT * FROM tokens WHERE hash = ?', [hash]))[0];
    return r ? { ...tokenRow(r), hash: String(r.hash) } as TokenRow & { hash: string } : null;
  }

  async touchToken(id: string): Promise<void> {
    await this.db.exec('UPDATE tokens SET last_used_at = ? WHERE id = ?', [now(), id]);
  }

  async listTokens(): Promise<TokenRow[]> {
    return (await this.db.query('SELECT * FROM tokens ORDER BY created_at')).map(tokenRow);
  }

  async countTokens(): Promise<number> {
    return num((await this.db.query('SELECT COUNT(*) AS n FROM tokens'))[0]?.n);
  }

  async deleteToken(id: string): Promise<boolean> {
    return (await this.db.exec('DELETE FROM tokens WHERE id = ?', [id])) === 1;
  }

  async audit(actor: string | null, action: string, target: string | null, details?: unknown): Promise<void> {
    await this.db.exec('INSERT INTO audit_log (id, time, actor, action, target, details) VALUES (?, ?, ?, ?, ?, ?)', [
      randomUUID(),
      now(),
      actor,
      action,
      target,
      details === undefined ? null : JSON.stringify(details),
    ]);
  }

  async listAudit(limit = 100, offset = 0): Promise<AuditEntry[]> {
    const rows = await this.db.query('SELECT * FROM audit_log ORDER BY time DESC, id LIMIT ? OFFSET ?', [Math.min(1000, Math.max(1, limit)), Math.max(0, offset)]);
    return rows.map((r) => ({
      id: String(r.id),
      time: String(r.time),
      actor: str(r.actor),
      action: String(r.action),
      target: str(r.target),
      details: parseJson<unknown>(r.details, null),
    }));
  }

  async addAlerts(alerts: readonly RuntimeAlert[]): Promise<number> {
    await this.db.transaction(async (tx) => {
      for (const a of alerts) {
        await tx.exec(
          'INSERT INTO runtime_alerts (id, time, rule, priority, source, container, output, fields, tags, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            randomUUID(),
            a.time,
            a.rule,
            a.priority,
            a.source ?? null,
            a.container === undefined ? null : JSON.stringify(a.container),
            a.output,
            JSON.stringify(a.outputFields ?? {}),
            JSON.stringify(a.tags ?? []),
            now(),
          ],
        );
      }
    });
    return alerts.length;
  }

  async listAlerts(since: string | undefined, limit = 100): Promise<Array<RuntimeAlert & { id: string }>> {
    const rows = await this.db.query('SELECT * FROM runtime_alerts WHERE time >= ? ORDER BY time DESC LIMIT ?', [since ?? '', Math.min(1000, Math.max(1, limit))]);
    return rows.map((r) => {
      const a: RuntimeAlert & { id: string } = {
        id: String(r.id),
        time: String(r.time),
        rule: String(r.rule),
        priority: String(r.priority),
        output: String(r.output),
        outputFields: parseJson<Record<string, unknown>>(r.fields, {}),
        tags: parseJson<string[]>(r.tags, []),
      };
      if (r.source !== null) a.source = String(r.source);
      if (r.container !== null) a.container = parseJson<unknown>(r.container, null);
      return a;
    });
  }

  /**
   * Stores a watched registry. The password, when given, is stored as is in
   * the column `password_plaintext_secret` (clearly marked; protect the
   * database) and never returned by the API nor logged.
   */
  async addRegistry(r: { host: string; repositories: string[]; intervalSeconds: number; username?: string; password?: string }): Promise<RegistryWatch> {
    const id = randomUUID();
    await this.db.exec(
      'INSERT INTO registries (id, host, repositories, interval_seconds, username, password_plaintext_secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, r.host, JSON.stringify(r.repositories), r.intervalSeconds, r.username ?? null, r.password ?? null, now()],
    );
    return (await this.getRegistry(id))!;
  }

  async getRegistry(id: string): Promise<RegistryWatch | null> {
    const r = (await this.db.query('SELECT * FROM registries WHERE id = ?', [id]))[0];
    return r ? registryRow(r) : null;
  }

  async listRegistries(): Promise<RegistryWatch[]> {
    return (await this.db.query('SELECT * FROM registries ORDER BY created_at')).map(registryRow);
  }

  /** The stored credentials of a watched registry, for the poller only. */
  async registryCredentials(id: string): Promise<{ username: string; password: string } | null> {
    const r = (await this.db.query('SELECT username, password_plaintext_secret FROM registries WHERE id = ?', [id]))[0];
    return r?.username && r.password_plaintext_secret ? { username: String(r.username), password: String(r.password_plaintext_secret) } : null;
  }

  async deleteRegistry(id: string): Promise<boolean> {
    await this.db.exec('DELETE FROM registry_tags WHERE registry_id = ?', [id]);
    return (await this.db.exec('DELETE FROM registries WHERE id = ?', [id])) === 1;
  }

  async markPolled(id: string): Promise<void> {
    await this.db.exec('UPDATE registries SET last_polled_at = ? WHERE id = ?', [now(), id]);
  }

  /** Records the digest a tag points at; true when it is new or changed. */
  async seeTag(registryId: string, repository: string, tag: string, digest: string): Promise<boolean> {
    const r = (await this.db.query('SELECT digest FROM registry_tags WHERE registry_id = ? AND repository = ? AND tag = ?', [registryId, repository, tag]))[0];
    if (r && String(r.digest) === digest) return false;
    await this.db.exec(
      `INSERT INTO registry_tags (registry_id, repository, tag, digest, seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (registry_id, repository, tag) DO UPDATE SET digest = excluded.digest, seen_at = excluded.seen_at`,
      [registryId, repository, tag, digest, now()],
    );
    return true;
  }

  async addNotification(url: string): Promise<{ id: string; url: string }> {
    const id = randomUUID();
    await this.db.exec('INSERT INTO notifications (id, url, created_at) VALUES (?, ?, ?)', [id, url, now()]);
    return { id, url };
  }

  async listNotifications(): Promise<Array<{ id: string; url: string }>> {
    return (await this.db.query('SELECT id, url FROM notifications ORDER BY created_at')).map((r) => ({ id: String(r.id), url: String(r.url) }));
  }

  async deleteNotification(id: string): Promise<boolean> {
    return (await this.db.exec('DELETE FROM notifications WHERE id = ?', [id])) === 1;
  }

  async getMeta(key: string): Promise<string | null> {
    return str((await this.db.query('SELECT value FROM meta WHERE key = ?', [key]))[0]?.value);
  }

  /**
   * Compare-and-set: stores `next` only if the value is still `expected`
   * (null: absent). True for the one caller that changed it, so several
   * servers seeing the same change act on it once.
   */
  async swapMeta(key: string, expected: string | null, next: string): Promise<boolean> {
    const changed =
      expected === null
        ? await this.db.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, next])
        : await this.db.exec('UPDATE meta SET value = ? WHERE key = ? AND value = ?', [next, key, expected]);
    return changed === 1;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }
}

function tokenRow(r: Record<string, unknown>): TokenRow {
  return { id: String(r.id), name: String(r.name), role: String(r.role) as Role, createdAt: String(r.created_at), lastUsedAt: str(r.last_used_at) };
}

function registryRow(r: Record<string, unknown>): RegistryWatch {
  return {
    id: String(r.id),
    host: String(r.host),
    repositories: parseJson<string[]>(r.repositories, []),
    intervalSeconds: num(r.interval_seconds),
    username: str(r.username),
    hasPassword: r.password_plaintext_secret !== null && r.password_plaintext_secret !== undefined,
    createdAt: String(r.created_at),
    lastPolledAt: str(r.last_polled_at),
  };
}
