/**
 * The dashboard in real headless Chromium against the real server: scans of the
 * fixture images and the example image, then every page, with screenshots in
 * test-artifacts/screenshots/ and the numbers on screen checked against the API.
 * With Debian's docker-registry and the shared fixtures, two images also come
 * from a real registry (one signed with a generated key the server trusts, one
 * unsigned), so the signature badges show real verification results.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hasShared, SHARED_OCI } from '../../test/helpers/shared-fixtures.js';
import { repositoryStore } from '../../src/registry/index.js';
import { hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from '../../src/registry/testing/registry-server.js';
import { generateKeyPair, loadPublicKey, signImage, type PublicKey } from '../../src/sign/index.js';
import { importDb } from '../../src/vuln/db/index.js';
import type { FindingItem, ImageDetail, ImageItem, ImageSignature, KubernetesView, Overview, Page as ApiPage, RegistryWatch, RuntimeAlert, ScanItem } from '../src/api/types.js';
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

/** An image that does not exist: its scan must fail, and the scans page must show why. */
const MISSING_TARGET = `oci:${path.join(repoRoot, 'web/e2e/testdata/no-such-layout')}:missing`;

const TARGETS = [
  ...(hasShared ? ['app-node', 'app-python', 'debian-bookworm'].map((t) => `oci:${SHARED_OCI}:${t}`) : []),
  `oci:${path.join(repoRoot, 'examples/image')}:example`,
];

/**
 * Registry images: two different fixtures, since the signature status is kept per digest. They may have the
 * same digests as the local fixture scans above (skopeo keeps OCI manifests as they are); then the registry
 * scan adds a reference and a signature status to that image rather than a new image.
 */
const withRegistry = hasRegistry && hasFixtures;
if (!withRegistry) console.warn('dashboard e2e: signature badges of registry images skipped: no /usr/bin/docker-registry or no ../shared fixtures');
const REGISTRY_IMAGES = { signed: 'debian-bookworm', unsigned: 'app-python' } as const;
type RegistryCase = keyof typeof REGISTRY_IMAGES;
/** The badge text each expected signature state must show. */
const BADGE: Record<RegistryCase, { state: ImageSignature['state']; signed: boolean; text: string }> = {
  signed: { state: 'verified', signed: true, text: '✔ signed' },
  unsigned: { state: 'unsigned', signed: false, text: '✘ unsigned' },
};

describe.skipIf('missing' in server)('dashboard end to end (real server, real Chromium)', () => {
  const token = `bh_e2e_${randomBytes(16).toString('hex')}`;
  let base = '';
  let close: (() => Promise<void>) | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  let api: ReturnType<typeof apiClient>;
  const pageErrors: string[] = [];
  let failedScanId = '';
  let reg: TestRegistry | undefined;
  /** Registry scans: target and the digest the registry holds for it. */
  const registryImages: Partial<Record<RegistryCase, { target: string; digest: string }>> = {};
  /** The image digests of all done image scans: the images the API must list. */
  const scannedDigests = new Set<string>();

  beforeAll(async () => {
    if ('missing' in server) return;
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });
    const dbDir = tempDir('bulkhead-e2e-vulndb-');
    const [, , verifyKeys] = await Promise.all([buildDashboard(), importDb({ dir: dbDir, source: path.join(repoRoot, 'examples/osv') }), withRegistry ? prepareRegistry() : undefined]);
    const started = await server.startServer({
      listen: '127.0.0.1:0',
      dataDir: tempDir('bulkhead-e2e-data-'),
      workers: 2,
      allowLocalTargets: true,
      dbDir,
      adminToken: token,
      logger: false,
      rescanIntervalMs: 0,
      watchIntervalMs: 0,
      ...(reg && verifyKeys ? { registry: optionsFor(reg), verifyKeys } : {}),
    });
    base = started.url.replace(/\/+$/, '');
    close = () => started.close();
    api = apiClient(base, token);

    const manifests = readFileSync(path.join(repoRoot, 'web/e2e/testdata/cluster.yaml'), 'utf8');
    const imageTargets = allImageTargets();
    const submitted = await Promise.all([
      ...imageTargets.map((target) => api.post<{ id: string }>('/scans', { target, kind: 'image' })),
      api.post<{ id: string }>('/scans', { target: 'e2e-cluster', kind: 'kubernetes', content: manifests }),
    ]);
    const finished = await Promise.all(submitted.map((s) => waitForScan(api, s.id, 150_000)));
    finished.forEach((f, i) => expect(f, `scan of ${imageTargets[i] ?? 'cluster.yaml'}: ${f.error ?? ''}`).toMatchObject({ status: 'done' }));
    for (const s of submitted.slice(0, imageTargets.length)) {
      const digest = (await api.get<ScanItem>(`/scans/${encodeURIComponent(s.id)}`)).imageDigest;
      expect(digest, `scan ${s.id} names its image`).toBeTruthy();
      scannedDigests.add(digest!);
    }
    for (const [name, r] of Object.entries(registryImages)) expect(scannedDigests.has(r.digest), `the ${name} registry scan found the digest the registry holds`).toBe(true);
    const missing = await api.post<{ id: string }>('/scans', { target: MISSING_TARGET, kind: 'image' });
    failedScanId = missing.id;
    expect(await waitForScan(api, missing.id, 60_000)).toMatchObject({ status: 'failed' });
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
    await reg?.stop();
    removeTempDirs();
  });

  /** Starts the registry, pushes the two fixtures and signs one; returns the key the server verifies with. */
  async function prepareRegistry(): Promise<PublicKey[]> {
    reg = await startRegistry();
    const r = reg;
    await Promise.all(Object.entries(REGISTRY_IMAGES).map(([name, fixture]) => pushFixture(r, fixture, `e2e/${name}`, { destTag: '1.0' })));
    const key = await generateKeyPair('', { scrypt: { N: 32768, r: 8, p: 1 } });
    for (const name of Object.keys(REGISTRY_IMAGES) as RegistryCase[]) {
      const store = repositoryStore(`${r.host}/e2e/${name}`, optionsFor(r));
      const manifest = await store.getManifest('1.0');
      if (!manifest) throw new Error(`the registry has no ${r.host}/e2e/${name}:1.0 after pushing it`);
      if (name === 'signed') await signImage(store, manifest.digest, store.repository, key.privateKey);
      registryImages[name] = { target: `${r.host}/e2e/${name}:1.0`, digest: manifest.digest };
    }
    return [loadPublicKey(key.publicKeyPem, { where: 'dashboard e2e signing key' })];
  }
  function allImageTargets(): string[] {
    return [...TARGETS, ...Object.values(registryImages).map((r) => r.target)];
  }

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
    expect(o.counts.images).toBe(scannedDigests.size);
    if (o.topIssues.length) expect(await page.getByTestId('top-issues').locator('tbody tr').count()).toBe(o.topIssues.length);
    await expectNoErrorState();
    await shot('01-overview');
  });

  it('images: one row per image with totals and package counts from the API', async () => {
    await go('#/images', 'Images');
    const { items } = await api.get<ApiPage<ImageItem>>('/images');
    expect(items.map((i) => i.digest).sort()).toEqual([...scannedDigests].sort());
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

  it.skipIf(!withRegistry)('images: the registry images carry the signature badge of their verification', async () => {
    const { items } = await api.get<ApiPage<ImageItem>>('/images');
    for (const name of Object.keys(REGISTRY_IMAGES) as RegistryCase[]) {
      const { target, digest } = registryImages[name]!;
      const item = items.find((i) => i.digest === digest);
      expect(item, `${target} in the images list`).toBeDefined();
      expect(item!.signature?.state, target).toBe(BADGE[name].state);
      expect(item!.signed, target).toBe(BADGE[name].signed);
      const badge = page.locator(`tr[data-digest="${digest}"] .badge`);
      expect(await badge.innerText(), target).toBe(BADGE[name].text);
      // The tooltip gives the API's reason.
      expect(await badge.getAttribute('title'), target).toContain(item!.signature!.reason);
    }
    await page.getByTestId('images-table').screenshot({ path: path.join(screenshotDir, '02-images-signatures.png') });
  });

  it.skipIf(!withRegistry)('image detail: the signature badge and the reason from the API', async () => {
    // The next test starts from the images list: go back there whatever happens here.
    onTestFinished(() => go('#/images', 'Images'));
    for (const name of Object.keys(REGISTRY_IMAGES) as RegistryCase[]) {
      const { target, digest } = registryImages[name]!;
      const d = await api.get<ImageDetail>(`/images/${encodeURIComponent(digest)}`);
      expect(d.signature?.state, target).toBe(BADGE[name].state);
      expect(d.signature!.reason, target).not.toBe('');
      await page.goto(`${base}/#/images/${encodeURIComponent(digest)}`);
      const sig = page.getByTestId('signature');
      await sig.waitFor();
      await expectNoErrorState();
      expect(await sig.locator('.badge').innerText(), target).toBe(BADGE[name].text);
      expect(await sig.locator('.muted').last().innerText(), target).toBe(d.signature!.reason.trim());
      await shot(`03-image-detail-${name}`, false);
    }
    if (registryImages.signed) expect((await api.get<ImageDetail>(`/images/${encodeURIComponent(registryImages.signed.digest)}`)).signature!.reason).toMatch(/sha256-[a-f0-9]{64}\.sig/);
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

  /** Waits until a paged list shows the answer to exactly this API path (not the previous page's). */
  async function waitForList(testid: string, apiPath: string) {
    await page.locator(`[data-testid="${testid}"][data-path="${apiPath}"][aria-busy="false"]`).waitFor({ timeout: 20_000 });
  }
  async function rowIds(attr: string): Promise<string[]> {
    return page.locator(`tbody tr[${attr}]`).evaluateAll((rows, a) => rows.map((r) => r.getAttribute(a) ?? ''), attr);
  }

  it('scans: every submitted scan with its status, the failed one with its error', async () => {
    await go('#/scans', 'Scans');
    await expectNoErrorState();
    const apiPath = '/scans?limit=25&offset=0';
    await waitForList('scans-results', apiPath);
    const { items, total } = await api.get<ApiPage<ScanItem>>(apiPath);
    expect(total).toBe(allImageTargets().length + 2);
    expect(await rowIds('data-scan-id')).toEqual(items.map((s) => s.id));
    for (const s of items) expect(await page.locator(`tr[data-scan-id="${s.id}"]`).getAttribute('data-status'), s.target).toBe(s.status);
    expect(await page.getByTestId('page-range').innerText()).toBe(`1–${items.length} of ${total} · page 1 of 1`);
    const failed = items.find((s) => s.id === failedScanId);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toBeTruthy();
    const row = page.locator(`tr[data-scan-id="${failedScanId}"]`);
    expect(await row.locator('.badge').innerText()).toContain('failed');
    expect(await row.getByTestId('scan-error').innerText()).toBe(failed!.error!.trim());
    expect(await row.innerText()).toContain(MISSING_TARGET);
    // Done image scans link to their image, with the API's finding total.
    for (const s of items.filter((x) => x.status === 'done' && x.imageDigest)) {
      const r = page.locator(`tr[data-scan-id="${s.id}"]`);
      expect(await r.locator(`a[href="#/images/${encodeURIComponent(s.imageDigest!)}"]`).count()).toBe(1);
      expect(await r.getByTestId('scan-summary').getAttribute('data-total')).toBe(String(s.summary?.total ?? ''));
    }
    expect(await page.getByTestId('updated-ago').innerText()).toMatch(/^updated (just now|\d+s ago)$/);
    await shot('07-scans');
    // The status filter lives in the URL and narrows the list to the API's answer.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('failed');
    await waitForList('scans-results', '/scans?status=failed&limit=25&offset=0');
    expect(page.url()).toContain('#/scans?status=failed');
    expect(await rowIds('data-scan-id')).toEqual((await api.get<ApiPage<ScanItem>>('/scans?status=failed&limit=25&offset=0')).items.map((s) => s.id));
    await shot('08-scans-failed');
  });

  it('scans: paging moves through pages and each page holds the API page', async () => {
    await page.evaluate(() => (location.hash = '#/scans?size=2'));
    const { total } = await api.get<ApiPage<ScanItem>>('/scans?limit=1');
    const pages = Math.ceil((total ?? 0) / 2);
    expect(pages).toBeGreaterThan(1);
    for (let p = 1; p <= pages; p++) {
      const apiPath = `/scans?limit=2&offset=${(p - 1) * 2}`;
      await waitForList('scans-results', apiPath);
      expect(await rowIds('data-scan-id'), `page ${p}`).toEqual((await api.get<ApiPage<ScanItem>>(apiPath)).items.map((s) => s.id));
      expect(await page.getByTestId('page-range').innerText()).toContain(`of ${total} · page ${p} of ${pages}`);
      const next = page.getByRole('button', { name: 'Next →' });
      if (p < pages) await next.click();
      else expect(await next.isDisabled()).toBe(true);
    }
    await page.getByRole('button', { name: '← Previous' }).click();
    await waitForList('scans-results', `/scans?limit=2&offset=${(pages - 2) * 2}`);
    expect(page.url()).toContain(`page=${pages - 1}`);
  });

  it('images: paged in the browser when the API returns them all', async () => {
    await page.evaluate(() => (location.hash = '#/images?size=2'));
    await page.getByRole('heading', { level: 1, name: 'Images' }).waitFor();
    const { items } = await api.get<ApiPage<ImageItem>>('/images');
    const pages = Math.ceil(items.length / 2);
    for (let p = 1; p <= pages; p++) {
      await page.getByTestId('page-range').filter({ hasText: `page ${p} of ${pages}` }).waitFor();
      expect(await rowIds('data-digest'), `page ${p}`).toEqual(items.slice((p - 1) * 2, p * 2).map((i) => i.digest));
      if (p < pages) await page.getByRole('button', { name: 'Next →' }).click();
    }
    await expectNoErrorState();
  });

  it('findings: the severity filter shows exactly the API count, pages match, rows expand', async () => {
    await go('#/findings', 'Findings');
    await expectNoErrorState();
    await waitForList('findings-results', '/findings?limit=25&offset=0');
    const all = await api.get<ApiPage<FindingItem>>('/findings?limit=1');
    expect(await page.getByTestId('page-range').innerText()).toContain(`of ${all.total}`);
    // The severity with the most findings, so that paging has somewhere to go.
    const counts = await Promise.all(
      (['critical', 'high', 'medium', 'low', 'unknown'] as const).map(async (sev) => [sev, (await api.get<ApiPage<FindingItem>>(`/findings?severity=${sev}&limit=1`)).total ?? 0] as const),
    );
    const [sev, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    expect(count).toBeGreaterThan(0);
    await page.getByRole('combobox', { name: 'Severity' }).selectOption(sev);
    await waitForList('findings-results', `/findings?severity=${sev}&limit=25&offset=0`);
    expect(page.url()).toContain(`#/findings?severity=${sev}`);
    expect(await page.getByTestId('page-range').innerText()).toContain(`of ${count}`);
    expect(await page.getByTestId('findings-table').locator('tbody tr.finding-row').count()).toBe(Math.min(25, count));
    const first = await api.get<ApiPage<FindingItem>>(`/findings?severity=${sev}&limit=25&offset=0`);
    expect(first.total).toBe(count);
    expect(first.items.every((f) => f.severity === sev)).toBe(true);
    expect(await rowIds('data-finding-id')).toEqual(first.items.map((f) => f.id));
    await shot('09-findings-filtered');

    // Page size 10 and through the pages (the first few), each equal to the API's page.
    await page.getByRole('combobox', { name: 'Per page' }).selectOption('10');
    const pages = Math.ceil(count / 10);
    for (let p = 1; p <= Math.min(pages, 4); p++) {
      const apiPath = `/findings?severity=${sev}&limit=10&offset=${(p - 1) * 10}`;
      await waitForList('findings-results', apiPath);
      expect(await rowIds('data-finding-id'), `page ${p}`).toEqual((await api.get<ApiPage<FindingItem>>(apiPath)).items.map((f) => f.id));
      if (p < Math.min(pages, 4)) await page.getByRole('button', { name: 'Next →' }).click();
    }

    // A linked view opens as it was: the URL carries filter, page and size.
    const linkPage = Math.min(pages, 2);
    await page.goto(`${base}/#/findings?severity=${sev}&page=${linkPage}&size=10`);
    const linkPath = `/findings?severity=${sev}&limit=10&offset=${(linkPage - 1) * 10}`;
    await waitForList('findings-results', linkPath);
    const linked = await api.get<ApiPage<FindingItem>>(linkPath);
    expect(await rowIds('data-finding-id')).toEqual(linked.items.map((f) => f.id));
    expect(await page.getByRole('combobox', { name: 'Severity' }).inputValue()).toBe(sev);

    // Expanding a row shows its id, package and fix, location and references.
    const f = linked.items[0]!;
    await page.locator('tr.finding-row').first().getByRole('button').click();
    const detail = page.getByTestId('finding-detail');
    await detail.waitFor();
    const text = await detail.innerText();
    expect(text).toContain(f.id);
    expect(text).toContain(f.title);
    if (f.package?.name) expect(await detail.getByTestId('detail-package').innerText()).toContain(`${f.package.name}@`);
    if (f.fixedVersion) expect(text).toContain(`→ ${f.fixedVersion}`);
    for (const r of f.references.filter((x) => /^https?:\/\//.test(x)).slice(0, 3)) expect(await detail.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toContain(new URL(r).href);
    expect(await page.locator('tr.finding-row').first().getByRole('button').getAttribute('aria-expanded')).toBe('true');
    await expectNoErrorState();
    await shot('10-finding-expanded');

    // A fixable vulnerability writes package@installed → fixed in its details.
    const vulnPath = '/findings?fixable=true&kind=vulnerability&limit=25&offset=0';
    const vulns = await api.get<ApiPage<FindingItem>>(vulnPath);
    expect(vulns.items.length).toBeGreaterThan(0);
    await page.evaluate(() => (location.hash = '#/findings?kind=vulnerability&fixable=true'));
    await waitForList('findings-results', vulnPath);
    expect(await page.getByRole('checkbox', { name: 'Only fixable' }).isChecked()).toBe(true);
    expect(await page.getByTestId('page-range').innerText()).toContain(`of ${vulns.total}`);
    const v = vulns.items[0]!;
    await page.locator('tr.finding-row').first().getByRole('button').click();
    expect(await page.getByTestId('detail-package').innerText()).toBe(`${v.package!.name}@${v.installedVersion ?? v.package!.version} → ${v.fixedVersion}`);
  });

  it('live refresh: a scan submitted while the scans page is open appears and finishes without a reload', async () => {
    await go('#/scans', 'Scans');
    await waitForList('scans-results', '/scans?limit=25&offset=0');
    // A marker on the window object survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { e2eNoReload: boolean }).e2eNoReload = true));
    const target = TARGETS[TARGETS.length - 1]!;
    const { id } = await api.post<{ id: string }>('/scans', { target, kind: 'image' });
    const row = page.locator(`tr[data-scan-id="${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await page.locator(`tr[data-scan-id="${id}"][data-status="done"]`).waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true);
    expect(await row.innerText()).toContain(target);
    await shot('11-scans-live');

    // Pause, submit, resume: resuming fetches at once and the new scan shows up.
    await page.getByRole('button', { name: 'Pause auto-refresh' }).click();
    expect(await page.getByTestId('livebar').innerText()).toContain('auto-refresh paused');
    expect(await page.getByRole('button', { name: 'Resume auto-refresh' }).getAttribute('aria-pressed')).toBe('true');
    const second = await api.post<{ id: string }>('/scans', { target, kind: 'image' });
    await waitForScan(api, second.id, 60_000);
    await page.getByRole('button', { name: 'Resume auto-refresh' }).click();
    await page.locator(`tr[data-scan-id="${second.id}"][data-status="done"]`).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true);
    await expectNoErrorState();
  }, 120_000);

  it('threw no script errors and met no server errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
