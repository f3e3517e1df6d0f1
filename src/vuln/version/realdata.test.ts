/**
 * The schemes against real data in the shared fixtures: every version in the
 * OSV records parses in its ecosystem's scheme, every range opens below where
 * it closes, and installed package databases parse. Skipped without ../shared.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerDigests, layerFiles } from '../../../test/helpers/shared-fixtures.js';
import { type VersionSchemeName, compareVersions, isValidVersion, schemeForEcosystem } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const SHARED = path.resolve(repoRoot, '../shared');

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
interface OsvRecord {
  id: string;
  affected?: Array<{ package?: { ecosystem?: string }; ranges?: Array<{ type: string; events: OsvEvent[] }> }>;
}

interface Survey {
  versions: Partial<Record<VersionSchemeName, number>>;
  invalid: string[];
  /** Ranges whose `introduced` does not sort below the `fixed` (or up to `last_affected`) after it. */
  inverted: string[];
}

function survey(dirs: string[]): Survey {
  const out: Survey = { versions: {}, invalid: [], inverted: [] };
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as OsvRecord;
      for (const affected of record.affected ?? []) {
        const scheme = schemeForEcosystem(affected.package?.ecosystem ?? '');
        if (!scheme) continue;
        for (const range of affected.ranges ?? []) {
          if (range.type === 'GIT') continue;
          let introduced: string | undefined;
          for (const event of range.events) {
            for (const [kind, version] of Object.entries(event) as Array<[keyof OsvEvent, string]>) {
              // `introduced: "0"` is OSV's "from the beginning", not a version.
              if (kind === 'introduced' && version === '0') {
                introduced = undefined;
                continue;
              }
              out.versions[scheme] = (out.versions[scheme] ?? 0) + 1;
              if (!isValidVersion(scheme, version)) {
                out.invalid.push(`${record.id} ${kind} ${version}`);
                continue;
              }
              if (kind === 'introduced') introduced = version;
              else if (introduced !== undefined && introduced !== version) {
                const c = compareVersions(scheme, introduced, version);
                if (kind === 'last_affected' ? c > 0 : c >= 0) out.inverted.push(`${record.id} ${introduced} ${kind} ${version}`);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

describe.skipIf(!existsSync(SHARED))('version schemes on the shared real data', () => {
  it('parses every version of the curated OSV records, and their ranges are in order', () => {
    const root = path.join(SHARED, 'vulndata');
    const dirs = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(root, d.name));
    const { versions, invalid, inverted } = survey(dirs);
    expect(invalid).toEqual([]);
    expect(inverted).toEqual([]);
    // Every scheme with records in the curated set (its NuGet record has versions lists only).
    expect(Object.keys(versions).sort()).toEqual(['apk', 'deb', 'gem', 'go', 'maven', 'packagist', 'pep440', 'rpm', 'semver']);
  });

  it('parses every version of the bulk OSV dumps (AlmaLinux, Go, Maven, Packagist, crates.io) in order', () => {
    const root = path.join(SHARED, 'vulndata-bulk');
    const { versions, invalid, inverted } = survey(['AlmaLinux', 'Go', 'Maven', 'Packagist', 'crates.io'].map((e) => path.join(root, e)));
    expect(invalid).toEqual([]);
    expect(inverted).toEqual([]);
    expect(versions.rpm).toBeGreaterThan(60_000);
    expect(versions.go).toBeGreaterThan(6_000);
    expect(versions.maven).toBeGreaterThan(1_000);
    expect(versions.packagist).toBeGreaterThan(1_000);
    expect(versions.semver).toBeGreaterThan(2_000);
  });

  it('orders the fixes of a real AlmaLinux advisory (ALSA-2022:1642, zlib)', () => {
    const alsa = JSON.parse(readFileSync(path.join(SHARED, 'vulndata/AlmaLinux/ALSA-2022:1642.json'), 'utf8')) as OsvRecord;
    const fixed = alsa.affected!.flatMap((a) => a.ranges!.flatMap((r) => r.events.map((e) => e.fixed))).filter((v) => v !== undefined);
    expect(fixed.length).toBeGreaterThan(0);
    for (const v of fixed) {
      expect(compareVersions('rpm', v, v.replace(/-([0-9]+)/, (_m, n: string) => `-${Number(n) - 1}`))).toBe(1);
    }
  });

  it('parses every version in the real Alpine package databases', () => {
    const dir = path.join(SHARED, 'fixtures/alpine');
    const versions = readdirSync(dir)
      .filter((f) => f.startsWith('installed.'))
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
      .filter((line) => line.startsWith('V:'))
      .map((line) => line.slice(2));
    expect(versions.length).toBeGreaterThan(100);
    expect(versions.filter((v) => !isValidVersion('apk', v))).toEqual([]);
  });

  it('parses every package and source version of the Debian 12 image', async () => {
    const [base] = layerDigests('debian-bookworm');
    const files = await layerFiles(base!, (p) => p === '/var/lib/dpkg/status');
    const status = files.get('/var/lib/dpkg/status')!.toString('utf8');
    const versions = [...status.matchAll(/^Version: (.+)$/gm)].map((m) => m[1]!);
    const sourceVersions = [...status.matchAll(/^Source: \S+ \((.+)\)$/gm)].map((m) => m[1]!);
    expect(versions).toHaveLength(88);
    expect(sourceVersions.length).toBeGreaterThan(0);
    expect([...versions, ...sourceVersions].filter((v) => !isValidVersion('deb', v))).toEqual([]);
    // Binary versions that differ from their source's: binNMUs (`+b13`) and
    // epochs added to the binary (`1:2.38.1-5+deb12u3`) sort after it.
    const pairs = [...status.matchAll(/^Source: \S+ \((.+)\)\nVersion: (.+)$/gm)];
    expect(pairs).toHaveLength(13);
    for (const [, source, binary] of pairs) expect([binary, compareVersions('deb', binary!, source!)]).toEqual([binary, 1]);
  });
});
