/**
 * What the dashboard's end-to-end test needs around the browser: the real
 * Bulkhead server (src/server, loaded only if it exists yet), a build of the
 * dashboard, and Debian's Chromium driven by playwright-core.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Route } from 'playwright-core';
import type { RegistryOptions } from '../../src/registry/index.js';
import type { PublicKey } from '../../src/sign/index.js';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const webOut = path.join(repoRoot, 'dist/web');
export const screenshotDir = path.join(repoRoot, 'test-artifacts/screenshots');
export const CHROMIUM = process.env.BULKHEAD_CHROMIUM ?? '/usr/bin/chromium';

/** The server's exported entry point, as its contract describes it. */
export interface StartServerOptions {
  listen: string;
  dataDir: string;
  workers: number;
  allowLocalTargets: boolean;
  dbDir: string;
  adminToken?: string;
  database?: string;
  logger?: boolean;
  rescanIntervalMs?: number;
  watchIntervalMs?: number;
  /** For registry images: insecure hosts, CA file, credentials. */
  registry?: RegistryOptions;
  /** Keys registry images' signatures are verified against after each scan. */
  verifyKeys?: readonly PublicKey[];
}
export type StartServer = (o: StartServerOptions) => Promise<{ url: string; close(): Promise<void> }>;

const serverEntry = path.join(repoRoot, 'src/server/index.ts');

/** The real server's startServer, or why it is not there yet. */
export async function loadServer(): Promise<{ startServer: StartServer } | { missing: string }> {
  if (!existsSync(serverEntry)) return { missing: `${path.relative(repoRoot, serverEntry)} does not exist yet` };
  const mod = (await import(pathToFileURL(serverEntry).href)) as { startServer?: StartServer };
  if (typeof mod.startServer !== 'function') return { missing: 'src/server/index.ts does not export startServer' };
  return { startServer: mod.startServer };
}

const made: string[] = [];
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every temp dir tempDir made (server data, vuln DB, browser profile). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Builds web/ into dist/web with Vite's JS API (the same as `npm run build:web`). */
export async function buildDashboard(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(repoRoot, 'web/vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(path.join(webOut, 'index.html'))) throw new Error(`vite build left no ${webOut}/index.html`);
}

export async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium) or set BULKHEAD_CHROMIUM`);
  // A persistent context is how playwright takes a fresh --user-data-dir.
  return chromium.launchPersistentContext(tempDir('bulkhead-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

/** True when the server itself serves the dashboard at `/`. */
export async function serverServesDashboard(base: string): Promise<boolean> {
  const res = await fetch(`${base}/`).catch(() => null);
  if (!res || !res.ok) return false;
  return (await res.text()).includes('<div id="root">');
}

/**
 * When the server does not serve dist/web (yet), the browser still loads it from
 * the server's origin: requests outside /api are answered from dist/web, and
 * /api goes to the real server untouched.
 */
export async function serveDashboardFromDisk(ctx: BrowserContext, base: string): Promise<void> {
  const origin = new URL(base).origin;
  await ctx.route(
    (url) => url.origin === origin && !url.pathname.startsWith('/api/'),
    (route: Route) => {
      const { pathname } = new URL(route.request().url());
      const rel = pathname === '/' ? 'index.html' : path.normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
      const file = path.join(webOut, rel);
      if (!file.startsWith(webOut + path.sep) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, body: readFileSync(file), contentType: TYPES[path.extname(file)] ?? 'application/octet-stream' });
    },
  );
}

/** Client for the real API, used to submit scans and to know what the pages must show. */
export function apiClient(base: string, token: string) {
  async function call<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return { get: <T>(p: string) => call<T>('GET', p), post: <T>(p: string, body: unknown) => call<T>('POST', p, body) };
}

export async function waitForScan(api: ReturnType<typeof apiClient>, id: string, timeoutMs: number): Promise<{ status: string; error: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await api.get<{ status: string; error: string | null }>(`/scans/${encodeURIComponent(id)}`);
    if (s.status === 'done' || s.status === 'failed') return s;
    if (Date.now() > deadline) throw new Error(`scan ${id} still ${s.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
