/**
 * The dashboard in real headless Chromium against the real server: scans of the
 * fixture images and the example image, then every page, with screenshots in
 * test-artifacts/screenshots/ and the numbers on screen checked against the API.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, SHARED_OCI } from '../../test/helpers/shared-fixtures.js';
import { importDb } from '../../src/vuln/db/index.js';
import type { ImageDetail, ImageItem, KubernetesView, Overview, Page as ApiPage, RegistryWatch, RuntimeAlert } from '../src/api/types.js';
import {
  apiClient,
  buildDashboard,
  launchChromium,
  loadServer,
  removeTempDirs,
  repoRoot,
  screenshotDir,
  serveDashboardFromDisk,
  serverServesDashboard,
  tempDir,
  waitForScan,
} from './harness.js';

const server = await loadServer();
if ('missing' in server) console.warn(`dashboard e2e skipped: ${server.missing} (the real server is required; no fake API is used)`);
if (!hasShared) console.warn(`dashboard e2e: shared fixtures missing at ${SHARED_OCI}; only the example image is scanned`);

const TARGETS = [
  ...(hasShared ? ['app-node', 'app-python', 'debian-bookworm'].map((t) => `oci:${SHARED_OCI}:${t}`) : []),
  `oci:${path.join(repoRoot, 'examples/image')}:example`,
];

describe.skipIf('missing' in server)('dashboard end to end (real server, real Chromium)', () => {
  const token = `bh_e2e_${randomBytes(16).toString('hex')}`;
  let base = '';
  let close: (() => Promise<void>) | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  let api: ReturnType<typeof apiClient>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if ('missing' in server) return;
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });
    const dbDir = tempDir('bulkhead-e2e-vulndb-');
    await Promise.all([buildDashboard(), importDb({ dir: dbDir, source: path.join(repoRoot, 'examples/osv') })]);
    const started = await server.startServer({ listen: '127.0.0.1:0', dataDir: tempDir('bulkhead-e2e-data-'), workers: 2, allowLocalTargets: true, dbDir, adminToken: token, logger: false, rescanIntervalMs: 0, watchIntervalMs: 0 });
    base = started.url.replace(/\/+$/, '');
    close = () => started.close();
    api = apiClient(base, token);

    const manifests = readFileSync(path.join(repoRoot, 'web/e2e/testdata/cluster.yaml'), 'utf8');
    const submitted = await Promise.all([
      ...TARGETS.map((target) => api.post<{ id: string }>('/scans', { target, kind: 'image' })),
      api.post<{ id: string }>('/scans', { target: 'e2e-cluster', kind: 'kubernetes', content: manifests }),
    ]);
    const finished = await Promise.all(submitted.map((s) => waitForScan(api, s.id, 150_000)));
    finished.forEach((f, i) => expect(f, `scan of ${TARGETS[i] ?? 'cluster.yaml'}: ${f.error ?? ''}`).toMatchObject({ status: 'done' }));
    // Runtime alerts through the real API so the timeline has something to draw.
    const now = Date.now();
    await api.post('/runtime/alerts', [
      { time: new Date(now - 50 * 60_000).toISOString(), rule: 'Terminal shell in container', priority: 'Notice', source: 'syscall', output: 'shell spawned (e2e)', outputFields: {}, tags: ['e2e'], container: { id: 'abc123def456', name: 'web', image: 'app-node' } },
      { time: new Date(now - 20 * 60_000).toISOString(), rule: 'Write below etc', priority: 'Error', source: 'syscall', output: 'file below /etc opened for writing (e2e)', outputFields: {}, tags: ['e2e'], container: { id: 'abc123def456', name: 'web' } },
      { time: new Date(now - 5 * 60_000).toISOString(), rule: 'Drift detected', priority: 'Critical', source: 'syscall', output: 'new executable run (e2e)', outputFields: {}, tags: ['e2e'] },
    ]);

    ctx = await launchChromium();
    if (!(await serverServesDashboard(base))) {
      console.warn('dashboard e2e: the server does not serve dist/web at / yet; the browser gets dist/web from disk on the server origin, /api goes to the real server');
      await serveDashboardFromDisk(ctx, base);
    }
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Failed requests show up as console errors too; a 401 (wrong token) and a 404 (no Kubernetes report yet) are
    // answers the pages handle, a 5xx is not.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && pageErrors.push(m.text()));
    page.on('response', (r) => r.status() >= 500 && pageErrors.push(`HTTP ${r.status()} from ${r.url()}`));
  }, 240_000);

  afterAll(async () => {
    await ctx?.close();
    await close?.();
    removeTempDirs();
  });

  async function shot(name: string, fullPage = true) {
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage });
  }
  async function expectNoErrorState() {
    expect(await page.locator('[data-testid="error-state"]').count(), await page.locator('main').innerText()).toBe(0);
  }
  async function go(hash: string, heading: string) {
    await page.locator(`nav a[href="${hash}"]`).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.locator('.state.loading').waitFor({ state: 'detached' });
  }

  it('refuses a wrong token, then logs in with the admin token using the keyboard', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API token').fill('not-a-token');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).not.toBe('');
    await shot('00-login-rejected');
    await page.getByLabel('API token').fill(token);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => sessionStorage.getItem('bulkhead.token'))).toBe(token);
  });

  it('overview: counts match the API', async () => {
    await page.locator('.tile').first().waitFor();
    const o = await api.get<Overview>('/overview');
    for (const k of ['images', 'scans', 'critical', 'high', 'fixable', 'runtimeAlerts24h'] as const) {
      expect(await page.getByTestId(`count-${k}`).locator('.tile-value').innerText(), k).toBe(String(o.counts[k]));
    }
    expect(o.counts.images).toBe(TARGETS.length);
    if (o.topIssues.length) expect(await page.getByTestId('top-issues').locator('tbody tr').count()).toBe(o.topIssues.length);
    await expectNoErrorState();
    await shot('01-overview');
  });

  it('images: one row per image with totals and package counts from the API', async () => {
    await go('#/images', 'Images');
    const { items } = await api.get<ApiPage<ImageItem>>('/images');
    expect(items).toHaveLength(TARGETS.length);
    const rows = page.getByTestId('images-table').locator('tbody tr');
    expect(await rows.count()).toBe(items.length);
    for (const i of items) {
      const row = page.locator(`tr[data-digest="${i.digest}"]`);
      expect(await row.getByTestId('vuln-total').innerText()).toBe(String(i.summary?.total ?? 0));
      expect(await row.getByTestId('pkg-count').innerText()).toBe(String(i.packages));
      const signed = i.signed === true ? 'signed' : i.signed === false ? 'unsigned' : 'not checked';
      expect(await row.locator('.badge').innerText()).toContain(signed);
    }
    await expectNoErrorState();
    await shot('02-images');
  });

  it('image detail of app-node: layers, vulnerabilities, inventory filter, SBOM download', async () => {
    const { items } = await api.get<ApiPage<ImageItem>>('/images');
    const node = items.find((i) => i.references.some((r) => r.includes('app-node'))) ?? items.find((i) => i.references.some((r) => r.includes('example')));
    expect(node, JSON.stringify(items.map((i) => i.references))).toBeDefined();
    const d = await api.get<ImageDetail>(`/images/${encodeURIComponent(node!.digest)}`);
    await page.locator(`tr[data-digest="${node!.digest}"] a`).first().click();
    await page.getByRole('heading', { level: 2, name: /^Layers/ }).waitFor();
    await expectNoErrorState();
    expect(await page.getByTestId('layers').locator('li').count()).toBe(d.layers.length);
    expect(await page.getByRole('heading', { level: 2, name: /^Vulnerabilities/ }).innerText()).toBe(`Vulnerabilities (${d.vulnerabilities.length})`);
    expect(await page.getByRole('heading', { level: 2, name: /^Inventory/ }).innerText()).toBe(`Inventory (${d.packages.length} packages)`);
    if (d.vulnerabilities.length) expect(await page.getByTestId('vulns-table').locator('tbody tr').count()).toBe(d.vulnerabilities.length);
    const first = d.layers.find((l) => l.createdBy)?.createdBy;
    if (first) expect(await page.getByTestId('layers').innerText()).toContain(first.slice(0, 40));
    await page.getByTestId('layers').locator('details').first().locator('summary').click();
    await shot('03-image-detail', false);
    await shot('03-image-detail-full');

    // The inventory filter narrows the table to matching packages.
    const some = d.packages[0];
    if (some) {
      await page.getByLabel('Filter packages').fill(some.name);
      const want = d.packages.filter((p) => `${p.type} ${p.name} ${p.version} ${p.purl} ${p.licenses?.join(' ') ?? ''}`.toLowerCase().includes(some.name.toLowerCase())).length;
      expect(await page.getByTestId('packages-table').locator('tbody tr').count()).toBe(Math.min(500, want));
      await page.getByLabel('Filter packages').fill('');
    }

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download SBOM (CycloneDX)' }).click()]);
    const file = path.join(screenshotDir, download.suggestedFilename());
    await download.saveAs(file);
    const bom = JSON.parse(readFileSync(file, 'utf8')) as { bomFormat?: string; components?: unknown[] };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.components?.length ?? 0).toBeGreaterThan(0);
    rmSync(file);
    expect(await page.locator('.form-error').count()).toBe(0);
  });

  it('kubernetes: compliance, findings with the namespace filter, connectivity', async () => {
    await go('#/kubernetes', 'Kubernetes');
    await expectNoErrorState();
    const k = await api.get<KubernetesView>('/kubernetes');
    expect(k.scanId).toBeTruthy();
    expect(k.findings.length).toBeGreaterThan(0);
    for (const c of k.compliance) expect(await page.getByTestId(`framework-${c.framework}`).innerText()).toContain(`${Math.round(Math.min(100, Math.max(0, c.score)))}%`);
    expect(await page.getByRole('heading', { level: 2, name: /^Findings/ }).innerText()).toBe(`Findings (${k.findings.length} of ${k.findings.length})`);
    expect(await page.getByTestId('k8s-findings').locator('tbody tr').count()).toBe(k.findings.length);
    // Filtering by namespace narrows the table to that namespace's findings.
    const inShop = k.findings.filter((f) => f.location.object?.namespace === 'shop').length;
    expect(inShop).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: 'Namespace' }).selectOption('shop');
    expect(await page.getByTestId('k8s-findings').locator('tbody tr').count()).toBe(inShop);
    await page.getByRole('combobox', { name: 'Namespace' }).selectOption('');
    const edges = k.connectivity?.connections.length ?? 0;
    if (edges) expect(await page.locator('.netgraph svg').getAttribute('aria-label')).toMatch(new RegExp(`endpoints, \\d+ connections$`));
    else console.warn('dashboard e2e: the Kubernetes report carries no connectivity; the network graph was not drawn');
    await page.locator('.framework summary').first().click().catch(() => undefined);
    await shot('04-kubernetes');
  });

  it('runtime: the timeline and one row per alert', async () => {
    await go('#/runtime', 'Runtime');
    await expectNoErrorState();
    const { items } = await api.get<ApiPage<RuntimeAlert>>('/runtime/alerts?limit=500');
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('alerts-table').locator('tbody tr').count()).toBe(items.length);
    expect(await page.getByRole('heading', { level: 2, name: /^Alerts over time/ }).innerText()).toBe(`Alerts over time (${items.length})`);
    expect(await page.locator('main').innerText()).toContain('Drift detected');
    await shot('05-runtime');
  });

  it('registries: the watch list or its empty state', async () => {
    await go('#/registries', 'Registries');
    await expectNoErrorState();
    const { items } = await api.get<ApiPage<RegistryWatch>>('/registries');
    if (items.length === 0) expect(await page.getByTestId('empty-state').innerText()).toContain('POST /api/v1/registries');
    else expect(await page.getByTestId('registries-table').locator('tbody tr').count()).toBe(items.length);
    await shot('06-registries');
  });

  it('threw no script errors and met no server errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
