/**
 * Cancelling an image scan with an AbortSignal: a real fixture image (the
 * shared OCI layout's app-node, four layers), read from the layout and from
 * a real docker-registry, aborted when the first layer is done. The scan
 * must reject with "scan cancelled" and stop reading the remaining layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import type { ProgressReporter } from '../core/progress.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { FIXTURE_LAYOUT, hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from '../registry/testing/registry-server.js';
import { scanImage, type ScanOptions } from './scan.js';

const FIXTURE = 'app-node';
const FIXTURE_LAYERS = 4;

/** Counts the layers read and aborts the scan as soon as the first one is done. */
function abortAfterFirstLayer(): { controller: AbortController; progress: ProgressReporter; read: () => number } {
  const controller = new AbortController();
  let read = 0;
  const progress: ProgressReporter = {
    start() {},
    layerDone(_index, _bytes, fromCache) {
      if (fromCache) return;
      read++;
      controller.abort();
    },
    finish() {},
  };
  return { controller, progress, read: () => read };
}

async function cancelled(reference: string, extra: ScanOptions = {}): Promise<{ error: unknown; read: number }> {
  const { controller, progress, read } = abortAfterFirstLayer();
  let error: unknown;
  try {
    await scanImage(reference, { ...extra, scanners: ['secret'], cache: null, progress, signal: controller.signal, requirePackages: false });
  } catch (e) {
    error = e;
  }
  return { error, read: read() };
}

function expectCancelled(error: unknown, reference: string): void {
  expect(error).toBeInstanceOf(BulkheadError);
  const e = error as BulkheadError;
  expect(e.code).toBe('LIMIT_EXCEEDED');
  expect(e.message).toMatch(/^scan cancelled/);
  expect(e.where).toBe(reference);
}

describe.skipIf(!hasFixtures)('scanImage with an AbortSignal (OCI layout)', () => {
  const reference = `oci:${FIXTURE_LAYOUT}:${FIXTURE}`;

  it('reads every layer when nothing aborts (the baseline the other tests compare with)', async () => {
    let read = 0;
    const progress: ProgressReporter = { start() {}, layerDone: () => void read++, finish() {} };
    const result = await scanImage(reference, { scanners: ['secret'], cache: null, progress, signal: new AbortController().signal, requirePackages: false });
    expect(read).toBe(FIXTURE_LAYERS);
    expect(result.stats.layersRead).toBe(FIXTURE_LAYERS);
  });

  it('stops after the layer during which it was aborted', async () => {
    const { error, read } = await cancelled(reference);
    expectCancelled(error, reference);
    expect(read).toBe(1);
  });

  it('destroys the layer stream when aborted mid-layer', async () => {
    // An analyzer that wants every file and aborts the scan at the first one, in the middle of layer 0.
    const seen = { calls: 0 };
    const everyFile = (controller?: AbortController): Analyzer => ({
      id: 'test-every-file',
      version: 1,
      description: 'counts the files it is given',
      targets: ['image'],
      wants: () => true,
      analyze: () => {
        seen.calls++;
        controller?.abort();
        return {};
      },
    });
    const full = await scanImage(reference, { analyzers: [everyFile()], cache: null, requirePackages: false });
    const baseline = seen.calls;
    expect(full.stats.layersRead).toBe(FIXTURE_LAYERS);
    expect(baseline).toBeGreaterThan(100);

    seen.calls = 0;
    const controller = new AbortController();
    let layers = 0;
    const progress: ProgressReporter = { start() {}, layerDone: () => void layers++, finish() {} };
    const error = await scanImage(reference, { analyzers: [everyFile(controller)], cache: null, progress, signal: controller.signal }).catch((e: unknown) => e);
    expectCancelled(error, reference);
    expect(layers).toBe(0);
    expect(seen.calls).toBeLessThan(baseline / 10);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let layers = 0;
    const progress: ProgressReporter = { start() {}, layerDone: () => void layers++, finish() {} };
    const error = await scanImage(reference, { scanners: ['secret'], cache: null, progress, signal: controller.signal }).catch((e: unknown) => e);
    expectCancelled(error, reference);
    expect(layers).toBe(0);
  });

  it('says why when the signal carries a reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the admission deadline passed'));
    const error = await scanImage(reference, { scanners: ['secret'], cache: null, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as BulkheadError).message).toBe('scan cancelled: the admission deadline passed');
  });
});

describe.skipIf(!hasFixtures || !hasRegistry)('scanImage with an AbortSignal (docker-registry)', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushFixture(reg, FIXTURE, 'apps/node', { destTag: '1.0' });
  }, 120_000);
  afterAll(async () => {
    await reg?.stop();
  });

  it('stops streaming the layers still in flight and opens no new ones', async () => {
    const reference = `${reg.host}/apps/node:1.0`;
    // One layer at a time: the count of layers read is then exact.
    const { error, read } = await cancelled(reference, { registry: optionsFor(reg, { layerConcurrency: 1 }) });
    expectCancelled(error, reference);
    expect(read).toBe(1);
  });

  it('with parallel downloads, fewer layers than the image has are read', async () => {
    const reference = `${reg.host}/apps/node:1.0`;
    const { error, read } = await cancelled(reference, { registry: optionsFor(reg) });
    expectCancelled(error, reference);
    expect(read).toBeGreaterThanOrEqual(1);
    expect(read).toBeLessThan(FIXTURE_LAYERS);
  });
});
