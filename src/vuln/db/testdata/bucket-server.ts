/**
 * A local HTTP server in the OSV bucket's layout, for tests: serves
 * `<Ecosystem>/all.zip` (built here from the records), `<Ecosystem>/modified_id.csv`
 * (newest first) and `<Ecosystem>/<id>.json`, from a folder laid out as
 * `<Ecosystem>/<id>.json`. Records can be changed between requests, and any
 * path can be made to fail.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { zipSync } from 'fflate';

interface StoredRecord {
  id: string;
  modified: string;
  text: string;
}

export type Fault = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => void;

export class BucketServer {
  /** Ecosystem -> id -> record. */
  readonly ecosystems = new Map<string, Map<string, StoredRecord>>();
  /** Paths requested, decoded (`/npm/all.zip`), in order. */
  readonly requests: string[] = [];
  /** Per decoded path: answer differently (a status, a truncated body…). */
  readonly faults = new Map<string, Fault>();
  private server: Server | undefined;
  private zipCache = new Map<string, Buffer>();
  url = '';

  /** Load `<dir>/<Ecosystem>/*.json`; `only` limits the ecosystems. */
  static fromDirectory(dir: string, only?: string[]): BucketServer {
    const bucket = new BucketServer();
    for (const eco of readdirSync(dir).sort()) {
      if (only && !only.includes(eco)) continue;
      const ecoDir = path.join(dir, eco);
      if (!statSync(ecoDir).isDirectory()) continue;
      for (const name of readdirSync(ecoDir).sort()) {
        if (!name.endsWith('.json')) continue;
        bucket.put(eco, readFileSync(path.join(ecoDir, name), 'utf8'));
      }
    }
    return bucket;
  }

  /** Add or replace a record (its id and modified are read from the JSON). */
  put(ecosystem: string, text: string): void {
    const value = JSON.parse(text) as { id: string; modified: string };
    let records = this.ecosystems.get(ecosystem);
    if (!records) this.ecosystems.set(ecosystem, (records = new Map()));
    records.set(value.id, { id: value.id, modified: value.modified, text });
    this.zipCache.delete(ecosystem);
  }

  /** Put a record whose JSON is given as a raw string under an explicit id (e.g. malformed ones). */
  putRaw(ecosystem: string, id: string, modified: string, text: string): void {
    let records = this.ecosystems.get(ecosystem);
    if (!records) this.ecosystems.set(ecosystem, (records = new Map()));
    records.set(id, { id, modified, text });
    this.zipCache.delete(ecosystem);
  }

  zipOf(ecosystem: string): Buffer {
    let zip = this.zipCache.get(ecosystem);
    if (!zip) {
      const files: Record<string, Uint8Array> = {};
      for (const r of this.ecosystems.get(ecosystem)?.values() ?? []) files[`${r.id}.json`] = Buffer.from(r.text);
      zip = Buffer.from(zipSync(files, { level: 6 }));
      this.zipCache.set(ecosystem, zip);
    }
    return zip;
  }

  modifiedIdCsv(ecosystem: string): string {
    const rows = [...(this.ecosystems.get(ecosystem)?.values() ?? [])].sort(
      (a, b) => Date.parse(b.modified) - Date.parse(a.modified) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    return rows.map((r) => `${r.modified},${r.id}\n`).join('');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const segments = pathname.split('/').slice(1).map(decodeURIComponent);
    const decoded = '/' + segments.join('/');
    this.requests.push(decoded);
    const body = this.bodyFor(segments);
    const fault = this.faults.get(decoded);
    if (fault) return fault(req, res, body);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  }

  private bodyFor(segments: string[]): Buffer | undefined {
    if (segments.length !== 2) return undefined;
    const [eco, file] = segments as [string, string];
    const records = this.ecosystems.get(eco);
    if (!records) return undefined;
    if (file === 'all.zip') return this.zipOf(eco);
    if (file === 'modified_id.csv') return Buffer.from(this.modifiedIdCsv(eco));
    if (file.endsWith('.json')) {
      const r = records.get(file.slice(0, -'.json'.length));
      return r ? Buffer.from(r.text) : undefined;
    }
    return undefined;
  }
}
