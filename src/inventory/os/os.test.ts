import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult, Analyzer } from '../analyzer.js';
import { alpineReleaseAnalyzer } from './alpine-release.js';
import { debianVersionAnalyzer } from './debian-version.js';
import { osAnalyzers, mergeOsFacts } from './index.js';
import type { OsFact } from './merge.js';
import { lsbReleaseAnalyzer } from './lsb-release.js';
import { osReleaseAnalyzer } from './os-release.js';
import { redhatReleaseAnalyzer } from './redhat-release.js';
import { hasShared, layerDigests, layerFiles } from '../../../test/helpers/shared-fixtures.js';
import { bestOf3Async, withinBaselineAsync } from '../../../test/helpers/relative-time.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const ctx = { targetKind: 'image' as const };
const info = (p: string, size: number) => ({ path: p, size, mode: 0o644, uid: 0, gid: 0 });

async function run(a: Analyzer, p: string, content: Buffer): Promise<AnalysisResult | null> {
  return a.analyze({ path: p, info: info(p, content.length), content }, ctx);
}

/** Runs every OS analyzer that wants each file, as the pipeline would, and returns the facts. */
async function factsOf(files: Record<string, Buffer>): Promise<OsFact[]> {
  const facts: OsFact[] = [];
  for (const [p, content] of Object.entries(files)) {
    for (const a of osAnalyzers) {
      if (!a.wants(p, info(p, content.length))) continue;
      const r = await run(a, p, content);
      if (r?.os) facts.push({ path: p, os: r.os });
    }
  }
  return facts;
}

const fixture = (dir: string, file: string) => readFileSync(path.join(testdata, dir, file));

describe('os analyzers on real release files', () => {
  it('Debian 12: os-release says 12, debian_version says 12.15', async () => {
    const facts = await factsOf({
      '/usr/lib/os-release': fixture('debian-12', 'os-release'),
      '/etc/debian_version': fixture('debian-12', 'debian_version'),
    });
    expect(facts).toEqual([
      {
        path: '/usr/lib/os-release',
        os: { family: 'debian', version: '12', name: 'Debian GNU/Linux', prettyName: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm' },
      },
      { path: '/etc/debian_version', os: { family: 'debian', version: '12.15' } },
    ]);
    expect(mergeOsFacts(facts)).toEqual({
      family: 'debian',
      version: '12.15',
      name: 'Debian GNU/Linux',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      codename: 'bookworm',
      source: '/usr/lib/os-release',
    });
  });

  it('Alpine 3.20.3', async () => {
    const facts = await factsOf({
      '/etc/os-release': fixture('alpine-3.20', 'os-release'),
      '/etc/alpine-release': fixture('alpine-3.20', 'alpine-release'),
    });
    expect(mergeOsFacts(facts)).toEqual({
      family: 'alpine',
      version: '3.20.3',
      name: 'Alpine Linux',
      prettyName: 'Alpine Linux v3.20',
      source: '/etc/os-release',
    });
  });

  it('Alpine without os-release still gets its version from alpine-release', async () => {
    const facts = await factsOf({ '/etc/alpine-release': fixture('alpine-3.20', 'alpine-release') });
    expect(mergeOsFacts(facts)).toEqual({ family: 'alpine', version: '3.20.3', source: '/etc/alpine-release' });
  });

  it("Ubuntu 22.04 ignores the debian_version it inherits (bookworm/sid)", async () => {
    const facts = await factsOf({
      '/etc/os-release': fixture('ubuntu-22.04', 'os-release'),
      '/etc/debian_version': fixture('ubuntu-22.04', 'debian_version'),
      '/etc/lsb-release': fixture('ubuntu-22.04', 'lsb-release'),
    });
    expect(facts.find((f) => f.path === '/etc/debian_version')?.os).toEqual({ family: 'debian', version: 'bookworm/sid', codename: 'bookworm' });
    expect(mergeOsFacts(facts)).toEqual({
      family: 'ubuntu',
      version: '22.04',
      name: 'Ubuntu',
      prettyName: 'Ubuntu 22.04.4 LTS',
      codename: 'jammy',
      source: '/etc/os-release',
    });
  });

  it('lsb-release alone is a fallback', async () => {
    const facts = await factsOf({ '/etc/lsb-release': fixture('ubuntu-22.04', 'lsb-release') });
    expect(mergeOsFacts(facts)).toEqual({
      family: 'ubuntu',
      version: '22.04',
      name: 'Ubuntu',
      prettyName: 'Ubuntu 22.04.4 LTS',
      codename: 'jammy',
      source: '/etc/lsb-release',
    });
  });

  it('CentOS 7: centos-release gives 7.9.2009 where os-release says 7', async () => {
    const facts = await factsOf({
      '/etc/os-release': fixture('centos-7', 'os-release'),
      '/etc/centos-release': fixture('centos-7', 'centos-release'),
    });
    expect(facts.find((f) => f.path === '/etc/centos-release')?.os).toEqual({
      family: 'centos',
      version: '7.9.2009',
      name: 'CentOS Linux',
      prettyName: 'CentOS Linux release 7.9.2009 (Core)',
      codename: 'Core',
    });
    expect(mergeOsFacts(facts)).toMatchObject({ family: 'centos', version: '7.9.2009', prettyName: 'CentOS Linux 7 (Core)', source: '/etc/os-release' });
  });

  it('Rocky 9.4: the release file adds the codename', async () => {
    const facts = await factsOf({
      '/etc/os-release': fixture('rocky-9', 'os-release'),
      '/etc/rocky-release': fixture('rocky-9', 'rocky-release'),
    });
    expect(mergeOsFacts(facts)).toEqual({
      family: 'rocky',
      version: '9.4',
      name: 'Rocky Linux',
      prettyName: 'Rocky Linux 9.4 (Blue Onyx)',
      // os-release has no VERSION_CODENAME; the release line's parenthesis supplies it.
      codename: 'Blue Onyx',
      source: '/etc/os-release',
    });
  });
});

describe('redhat-release lines', () => {
  it.each([
    ['/etc/redhat-release', 'Red Hat Enterprise Linux release 9.4 (Plow)', 'rhel', '9.4', 'Plow'],
    ['/etc/redhat-release', 'Red Hat Enterprise Linux Server release 7.9 (Maipo)', 'rhel', '7.9', 'Maipo'],
    ['/etc/almalinux-release', 'AlmaLinux release 9.4 (Seafoam Ocelot)', 'almalinux', '9.4', 'Seafoam Ocelot'],
    ['/etc/fedora-release', 'Fedora release 40 (Forty)', 'fedora', '40', 'Forty'],
    ['/etc/centos-release', 'CentOS Stream release 9', 'centos', '9', undefined],
  ])('%s: %s', async (p, line, family, version, codename) => {
    const r = await run(redhatReleaseAnalyzer, p, Buffer.from(`${line}\n`));
    expect(r?.os?.family).toBe(family);
    expect(r?.os?.version).toBe(version);
    expect(r?.os?.codename).toBe(codename);
  });

  it('warns about a line it cannot read', async () => {
    expect(await run(redhatReleaseAnalyzer, '/etc/redhat-release', Buffer.from('hello\n'))).toEqual({
      warnings: ['not a "<name> release <version>" line'],
    });
  });
});

describe('mergeOsFacts', () => {
  it('is undefined without facts', () => {
    expect(mergeOsFacts([])).toBeUndefined();
  });

  it('prefers /etc/os-release over /usr/lib/os-release', () => {
    const merged = mergeOsFacts([
      { path: '/usr/lib/os-release', os: { family: 'debian', version: '11' } },
      { path: '/etc/os-release', os: { family: 'debian', version: '12' } },
    ]);
    expect(merged).toEqual({ family: 'debian', version: '12', source: '/etc/os-release' });
  });

  it('does not take a point release of another major version', () => {
    const merged = mergeOsFacts([
      { path: '/etc/os-release', os: { family: 'debian', version: '12' } },
      { path: '/etc/debian_version', os: { family: 'debian', version: '11.9' } },
    ]);
    expect(merged?.version).toBe('12');
  });

  it('Debian testing without VERSION_ID takes the codename/sid line', () => {
    const merged = mergeOsFacts([
      { path: '/etc/os-release', os: { family: 'debian', version: '', codename: 'trixie' } },
      { path: '/etc/debian_version', os: { family: 'debian', version: 'trixie/sid', codename: 'trixie' } },
    ]);
    expect(merged).toEqual({ family: 'debian', version: 'trixie/sid', codename: 'trixie', source: '/etc/os-release' });
  });
});

describe('os analyzers on hostile input', () => {
  it('only want their own files', () => {
    const wanted = (p: string) => osAnalyzers.filter((a) => a.wants(p, info(p, 1))).map((a) => a.id);
    expect(wanted('/etc/os-release')).toEqual(['os-release']);
    expect(wanted('/usr/lib/os-release')).toEqual(['os-release']);
    expect(wanted('/etc/debian_version')).toEqual(['debian-version']);
    expect(wanted('/etc/rocky-release')).toEqual(['redhat-release']);
    expect(wanted('/etc/lsb-release')).toEqual(['lsb-release']);
    expect(wanted('/app/etc/os-release')).toEqual([]);
    expect(wanted('/etc/os-release.bak')).toEqual([]);
  });

  it('os-release without ID reports a warning and no OS', async () => {
    expect(await run(osReleaseAnalyzer, '/etc/os-release', Buffer.from('NAME=x\n'))).toEqual({
      warnings: ['no ID= line, the distribution is unknown'],
    });
  });

  it('release files with binary content are rejected', async () => {
    expect(await run(alpineReleaseAnalyzer, '/etc/alpine-release', Buffer.from([0, 1, 2, 0x33]))).toEqual({ warnings: ['not an Alpine version'] });
    expect(await run(debianVersionAnalyzer, '/etc/debian_version', Buffer.from('12 15\n'))).toEqual({ warnings: ['not a Debian version'] });
    expect(await run(lsbReleaseAnalyzer, '/etc/lsb-release', Buffer.from('X=1\n'))).toEqual({ warnings: ['no DISTRIB_ID= line'] });
  });

  it('random bytes never throw and cost about what a real release file costs', async () => {
    const paths = ['/etc/os-release', '/etc/alpine-release', '/etc/debian_version', '/etc/redhat-release', '/etc/lsb-release'];
    const base = fixture('centos-7', 'os-release');
    // Benign baseline: the real file under every name, each inside the 4096-byte size the fuzz inputs reach.
    const benignMs = await bestOf3Async(async () => {
      for (const p of paths) mergeOsFacts(await factsOf({ [p]: base }));
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 })),
        async (p, input) => {
          let content: Buffer;
          if (input instanceof Uint8Array) content = Buffer.from(input);
          else {
            content = Buffer.from(base);
            for (const [i, b] of input) content[i] = b;
          }
          await withinBaselineAsync(benignMs, async () => mergeOsFacts(await factsOf({ [p]: content })), p);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!hasShared)('os analyzers on the shared debian-bookworm image', () => {
  it('finds Debian 12.15 bookworm', async () => {
    const files = await layerFiles(layerDigests('debian-bookworm')[0]!, (p) => osAnalyzers.some((a) => a.wants(p, info(p, 0))));
    // /etc/os-release is a symlink to ../usr/lib/os-release: only the target is a regular file.
    expect([...files.keys()].sort()).toEqual(['/etc/debian_version', '/usr/lib/os-release']);
    const merged = mergeOsFacts(await factsOf(Object.fromEntries(files)));
    expect(merged).toEqual({
      family: 'debian',
      version: '12.15',
      name: 'Debian GNU/Linux',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      codename: 'bookworm',
      source: '/usr/lib/os-release',
    });
  });
});
