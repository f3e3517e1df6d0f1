/**
 * The realistic multi-namespace example (testdata/realistic): its full
 * connectivity matrix is a reviewed golden file, in text and JSON. The golden
 * files were written by hand from the manifests (expected.json converted from
 * expected.txt outside this code) and must not be regenerated from the
 * analysis without review: set UPDATE_GOLDEN=1 to rewrite them, then read the
 * diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConnectivity } from './render.js';
import { analyzeFixture, realisticDir as dir } from './testdata/fixtures.js';

const realistic = () => analyzeFixture([dir]);

function golden(name: string, actual: string) {
  const path = `${dir}${name}`;
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('realistic multi-namespace example', () => {
  it('has no model problems', async () => {
    const { model } = await realistic();
    expect(model.problems).toEqual([]);
    expect(model.workloads.map((w) => w.key)).toEqual([
      'backend/api/Deployment',
      'backend/worker/Deployment',
      'db/postgres/StatefulSet',
      'db/redis/Deployment',
      'frontend/web/Deployment',
      'kube-system/coredns/Deployment',
      'monitoring/prometheus/Deployment',
    ]);
  });

  it('connectivity matrix matches the reviewed golden text', async () => {
    golden('expected.txt', renderConnectivity((await realistic()).connectivity, 'text'));
  });

  it('connectivity matrix matches the reviewed golden JSON', async () => {
    golden('expected.json', renderConnectivity((await realistic()).connectivity, 'json'));
  });
});
