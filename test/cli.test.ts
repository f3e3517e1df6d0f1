import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type CliIO } from '../src/cli/main.js';
import type { ScanResult } from '../src/core/types.js';
import { EXAMPLE_DIR, EXAMPLE_REF } from './helpers/example-image.js';
import { tempDir, writeOciLayout } from './helpers/image-builder.js';
import { importDb } from '../src/vuln/db/index.js';

// The hand-written example OSV records (examples/osv) as the database every scan here uses.
const exampleDbDir = tempDir('bulkhead-cli-db-');
await importDb({ dir: exampleDbDir, source: path.join(process.cwd(), 'examples/osv') });

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { BULKHEAD_CACHE_DIR: tempDir('bulkhead-cli-cache-'), BULKHEAD_DB_DIR: exampleDbDir, ...env },
    isTTY: false,
    cwd: process.cwd(),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

describe('bulkhead image (the bundled example)', () => {
  it('prints the inventory as a table with OS, source packages and layers', async () => {
    const r = await cli(['image', EXAMPLE_REF]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    expect(r.stdout).toMatch(/zlib1g\s+1:1\.2\.13\.dfsg-1\s+zlib/);
    expect(r.stdout).toMatch(/lodash\s+4\.17\.15\s+.*1\s+\/app\/node_modules\/lodash\/package\.json/);
    expect(r.stdout).toMatch(/\/usr\/bin\/passwd\s+04755\s+setuid\s+0/);
    expect(r.stderr).toMatch(/scanned .*: 8 packages, 2 layers read, 0 from cache/);
  });

  it('writes the ScanResult JSON to a file, atomically', async () => {
    const out = path.join(tempDir(), 'r.json');
    const r = await cli(['image', EXAMPLE_REF, '--format', 'json', '--output', out, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    const result = JSON.parse(readFileSync(out, 'utf8')) as ScanResult;
    expect(result.schemaVersion).toBe(1);
    expect(result.os).toMatchObject({ family: 'debian', version: '12.15', codename: 'bookworm' });
    const zlib = result.packages.find((p) => p.name === 'zlib1g')!;
    expect(zlib).toMatchObject({ type: 'deb', version: '1:1.2.13.dfsg-1', sourceName: 'zlib', epoch: 1, arch: 'amd64' });
    expect(zlib.purl).toBe('pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&distro=debian-12.15&epoch=1&upstream=zlib');
    expect(zlib.files).toContain('/usr/lib/x86_64-linux-gnu/libz.so.1.2.13');
    expect(result.packages.find((p) => p.name === 'minimist')?.layer?.createdBy).toBe('COPY app /app');
    expect(result.image?.config.exposedPorts).toEqual(['22/tcp', '3000/tcp']);
    expect(readdirSync(path.dirname(out))).toEqual(['r.json']);
  });

  it('reads every layer from the cache on the second run', async () => {
    const env = { BULKHEAD_CACHE_DIR: tempDir() };
    await cli(['image', EXAMPLE_REF, '-q'], env);
    const again = await cli(['image', EXAMPLE_REF], env);
    expect(again.stderr).toMatch(/0 layers read, 2 from cache/);
  });

  it('takes flags from the environment and from the config file, the command line winning', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'bulkhead.yaml');
    writeFileSync(config, 'format: json\nquiet: true\n');
    const fromConfig = await cli(['image', EXAMPLE_REF, '--config', config]);
    expect(() => JSON.parse(fromConfig.stdout)).not.toThrow();
    expect(fromConfig.stderr).toBe('');
    const fromEnv = await cli(['image', EXAMPLE_REF, '--config', config], { BULKHEAD_FORMAT: 'cyclonedx' });
    expect(JSON.parse(fromEnv.stdout).bomFormat).toBe('CycloneDX');
    const fromFlag = await cli(['image', EXAMPLE_REF, '--config', config, '--format', 'spdx-json'], { BULKHEAD_FORMAT: 'cyclonedx' });
    expect(JSON.parse(fromFlag.stdout).spdxVersion).toBe('SPDX-2.3');
  });
});

describe('bad input', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['a missing path', ['image', 'oci:/nonexistent/layout'], /\/nonexistent\/layout does not exist/],
    ['an unknown tag', ['image', `oci:${EXAMPLE_DIR}:nope`], /no image tagged "nope".*available tags: example/],
    ['a bad platform', ['image', EXAMPLE_REF, '--platform', 'linux'], /invalid platform "linux"/],
    ['an unknown format', ['image', EXAMPLE_REF, '--format', 'xml'], /argument 'xml' is invalid|Allowed choices/],
    ['a bad config file', ['image', EXAMPLE_REF, '--config', '/nonexistent.yaml'], /config file \/nonexistent.yaml cannot be read/],
    ['a directory that is not a layout', ['image', `oci:${path.dirname(EXAMPLE_DIR)}`], /not an OCI image layout/],
  ];
  for (const [label, args, message] of cases) {
    it(`exits 2 with a one-line message for ${label}`, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('fails loudly on an image without packages, and accepts it with --allow-empty', async () => {
    const { dir } = await writeOciLayout({ layers: [{ entries: [{ name: 'hello.txt', content: 'hi' }] }] });
    const r = await cli(['image', `oci:${dir}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/found no OS or language packages.*not a clean result/);
    const ok = await cli(['image', `oci:${dir}`, '--allow-empty', '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).notices[0].message).toMatch(/found no OS or language packages/);
  });

  it('leaves no partial output file behind when the scan fails', async () => {
    const out = path.join(tempDir(), 'r.json');
    const r = await cli(['image', 'oci:/nonexistent', '-o', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('prints the stack only with --debug', async () => {
    const r = await cli(['image', 'oci:/nonexistent', '--debug']);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('reference commands', () => {
  it('prints versions', async () => {
    const r = await cli(['version']);
    expect(r.stdout).toMatch(/^bulkhead \d+\.\d+\.\d+\nscan result schema 1\n/);
  });

  it('keeps the generated docs in docs/ up to date', async () => {
    const dir = tempDir();
    const r = await cli(['docs', dir]);
    expect(r.code).toBe(0);
    for (const name of ['cli.md', 'analyzers.md', 'checks.md']) {
      expect(readFileSync(path.join(dir, name), 'utf8'), `docs/${name} is stale: run \`node dist/cli/bin.js docs\``).toBe(
        readFileSync(path.join(process.cwd(), 'docs', name), 'utf8'),
      );
    }
  });
});

describe('bulkhead fs, rootfs and sbom', () => {
  it('fs reads lock files of a project checkout; rootfs reads installed packages, not lock files', async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(path.join(dir, 'var/lib/dpkg/status'), readFileSync(path.join(process.cwd(), 'test/helpers/example-status.txt')));
    writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({
        name: 'demo',
        lockfileVersion: 3,
        packages: { '': { name: 'demo', dependencies: { ms: '2.1.3' } }, 'node_modules/ms': { version: '2.1.3', license: 'MIT' } },
      }),
    );
    const fs = JSON.parse((await cli(['fs', dir, '-f', 'json', '-q'])).stdout) as ScanResult;
    expect(fs.packages.map((p) => `${p.type}:${p.name}@${p.version}`)).toEqual(['npm:ms@2.1.3']);
    expect(fs.packages[0]!.locations).toEqual(['/package-lock.json']);
    const rootfs = JSON.parse((await cli(['rootfs', dir, '-f', 'json', '-q'])).stdout) as ScanResult;
    expect(rootfs.packages.map((p) => p.type)).toEqual(Array(6).fill('deb'));
    expect(rootfs.os).toMatchObject({ family: 'debian', distroless: true });
  });

  for (const format of ['cyclonedx', 'spdx-json']) {
    it(`reads its own ${format} SBOM back as a target with the same packages`, async () => {
      const file = path.join(tempDir(), `sbom.${format}.json`);
      expect((await cli(['image', EXAMPLE_REF, '-f', format, '-o', file, '-q'])).code).toBe(0);
      const original = JSON.parse((await cli(['image', EXAMPLE_REF, '-f', 'json', '-q'])).stdout) as ScanResult;
      const fromSbom = JSON.parse((await cli(['sbom', file, '-f', 'json', '-q'])).stdout) as ScanResult;
      const ids = (r: ScanResult) => r.packages.map((p) => p.purl).sort();
      expect(ids(fromSbom)).toEqual(ids(original));
      expect(fromSbom.target.kind).toBe('sbom');
    });
  }

  it('refuses a file that is not an SBOM with exit code 2', async () => {
    const file = path.join(tempDir(), 'x.json');
    writeFileSync(file, '{"hello": 1}');
    const r = await cli(['sbom', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
  });
});

describe('bulkhead db', () => {
  const records = path.join(process.cwd(), 'src/vuln/db/testdata/osv');

  it('imports OSV records, then reports them in db status and version', async () => {
    const env = { BULKHEAD_DB_DIR: tempDir() };
    const imported = await cli(['db', 'import', records], env);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported \d+ records into .*: \d+ added, 0 replaced, 0 unchanged, 0 skipped\n$/);
    const status = await cli(['db', 'status'], env);
    expect(status.stdout).toMatch(/records\s+8 \(1 withdrawn\)/);
    expect(status.stdout).toMatch(/\n\s+Debian\s+\d+\n/);
    const version = await cli(['version'], env);
    expect(version.stdout).toMatch(/vulnerability database: schema \d+, \d+ records, updated /);
  });

  it('says how to get a database when there is none, and --offline never downloads one', async () => {
    const env = { BULKHEAD_DB_DIR: tempDir() };
    expect((await cli(['db', 'status'], env)).stdout).toMatch(/no vulnerability database at .*: run bulkhead db update/);
    const offline = await cli(['db', 'update', '--offline'], env);
    expect(offline.code).toBe(3);
    expect(offline.stderr).toMatch(/bulkhead db update|db import/);
  });
});

describe('bulkhead dockerfile and checks', () => {
  it('reports Dockerfile findings with exact lines and fails on --fail-on', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM node:latest\nRUN npm install\nEXPOSE 22\nCMD node server.js\n');
    const r = await cli(['dockerfile', file, '-f', 'json', '-q']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ScanResult;
    const at = (id: string) => result.findings.find((f) => f.id === id)?.location.startLine;
    expect(at('BH-DF-001')).toBeDefined();
    expect(at('BH-DF-002')).toBe(1);
    expect(at('BH-DF-022')).toBe(3);
    expect(at('BH-DF-027')).toBe(4);
    expect((await cli(['dockerfile', file, '--fail-on', 'high', '-q'])).code).toBe(1);
  });

  it('refuses a binary file named Dockerfile with exit code 2 and the file:line', async () => {
    const file = path.join(tempDir(), 'Dockerfile');
    writeFileSync(file, Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0, 1, 2, 3, 0, 0]));
    const r = await cli(['dockerfile', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1`);
  });

  it('lists checks as a table, JSON and Markdown', async () => {
    const table = await cli(['checks', '--kind', 'image']);
    expect(table.stdout).toMatch(/^BH-IMG-001\s+high\s+/);
    const json = JSON.parse((await cli(['checks', '-f', 'json'])).stdout) as Array<{ id: string; references: string[] }>;
    expect(json.find((c) => c.id === 'BH-DF-001')?.references).toEqual(expect.arrayContaining([expect.stringMatching(/^hadolint:DL3002$|^trivy:/)]));
    expect(new Set(json.map((c) => c.id)).size).toBe(json.length);
  });
});

describe('bulkhead secrets', () => {
  it('finds a credential in a directory, redacted, and nothing in the bundled example', async () => {
    const dir = tempDir();
    // Built at run time so the repository holds no token-shaped string.
    const token = `ghp_${'A1b2C3d4E5f6G7h8'.repeat(2)}Zz9Y`;
    writeFileSync(path.join(dir, 'deploy.sh'), `#!/bin/sh\nexport GITHUB_TOKEN=${token}\n`);
    const r = await cli(['secrets', dir, '-f', 'json', '-q']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.findings.map((f) => [f.kind, f.location.path, f.location.startLine])).toEqual([['secret', '/deploy.sh', 2]]);
    expect(r.stdout).not.toContain(token);
    const example = JSON.parse((await cli(['secrets', EXAMPLE_REF, '-f', 'json', '-q'])).stdout) as ScanResult;
    expect(example.findings).toEqual([]);
  });
});

describe('custom secret rules', () => {
  it('runs rules from --secret-rules after the built-in ones, and refuses a broken rules file', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'rules.yaml'), "rules:\n  - id: acme-api-key\n    title: ACME API key\n    regex: 'acme_(?<secret>[a-z0-9]{32})'\n    keywords: [acme_]\n");
    const src = path.join(dir, 'src');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(src);
    const key = `acme_${'k3y9'.repeat(8)}`;
    writeFileSync(path.join(src, 'client.py'), `API = "${key}"\n`);
    const r = await cli(['secrets', src, '--secret-rules', path.join(dir, 'rules.yaml'), '-f', 'json', '-q']);
    const result = JSON.parse(r.stdout) as ScanResult;
    expect(result.findings.map((f) => [f.title, f.location.path, f.location.startLine])).toEqual([['ACME API key', '/client.py', 1]]);
    expect(r.stdout).not.toContain(key);
    writeFileSync(path.join(dir, 'bad.yaml'), 'rules:\n  - id: "has space"\n    regex: x\n');
    const bad = await cli(['secrets', src, '--secret-rules', path.join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid secret rule/);
  });
});

describe('vulnerabilities', () => {
  it('finds the example image\'s vulnerabilities with status, fixed version and layer', async () => {
    const r = await cli(['image', EXAMPLE_REF, '-f', 'json', '-q', '--scanners', 'vuln']);
    const result = JSON.parse(r.stdout) as ScanResult;
    const vulns = result.findings.filter((f) => f.kind === 'vulnerability');
    const summary = vulns.map((f) => `${f.id} ${f.package?.name} ${f.status} ${f.fixedVersion ?? '-'} ${f.severity}`).sort();
    // libc6's source is glibc; Debian rates CVE-2010-4756 unimportant, so no fix is planned.
    expect(summary).toEqual([
      'CVE-2010-4756 libc6 will-not-fix - low',
      'CVE-2020-8203 lodash fixed 4.17.20 high',
      'CVE-2021-44906 minimist fixed 1.2.6 critical',
    ]);
    expect(vulns).toHaveLength(3);
    expect(vulns.find((f) => f.id === 'CVE-2020-8203')?.location.layer?.index).toBe(1);
    expect(vulns.find((f) => f.id === 'CVE-2020-8203')).toMatchObject({
      aliases: ['GHSA-p6mc-m468-83gw'],
      severitySource: 'CVSS 3.1 base 7.4 (GHSA-p6mc-m468-83gw)',
    });
    expect(vulns.find((f) => f.id === 'CVE-2010-4756')?.severitySource).toBe('Debian urgency unimportant (DEBIAN-CVE-2010-4756)');
    const fail = await cli(['image', EXAMPLE_REF, '-q', '--scanners', 'vuln', '--fail-on', 'critical']);
    expect(fail.code).toBe(1);
  });

  it('never reports "no vulnerabilities" without a database: offline and missing is an error', async () => {
    const r = await cli(['image', EXAMPLE_REF, '--offline'], { BULKHEAD_DB_DIR: tempDir() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/vulnerability database/);
    expect(r.stdout).toBe('');
  });
});

describe('filters and the ignore file', () => {
  it('suppresses with a reason, hides unless --show-suppressed, warns on expired and unused entries, filters by severity and status', async () => {
    const dir = tempDir();
    const ignore = path.join(dir, 'ignore.yaml');
    writeFileSync(
      ignore,
      [
        'ignore:',
        '  - id: CVE-2020-8203',
        '    purl: pkg:npm/lodash',
        '    reason: zipObjectDeep never sees user input',
        '  - id: CVE-2021-44906',
        '    reason: expired decision',
        '    expires: 2020-01-01',
        '  - id: CVE-2099-0001',
        '    reason: nothing matches this any more',
        '',
      ].join('\n'),
    );
    const ids = (r: ScanResult) => r.findings.filter((f) => f.kind === 'vulnerability').map((f) => f.id).sort();
    const base = ['image', EXAMPLE_REF, '-f', 'json', '-q', '--scanners', 'vuln'];
    const hidden = JSON.parse((await cli([...base, '--ignorefile', ignore])).stdout) as ScanResult;
    expect(ids(hidden)).toEqual(['CVE-2010-4756', 'CVE-2021-44906']);
    expect(hidden.notices.some((n) => n.level === 'warning' && n.where === `${ignore}:5`)).toBe(true);
    expect(hidden.notices.some((n) => n.message.includes('no longer matches'))).toBe(true);
    const shown = JSON.parse((await cli([...base, '--ignorefile', ignore, '--show-suppressed'])).stdout) as ScanResult;
    expect(shown.findings.find((f) => f.id === 'CVE-2020-8203')?.suppressedBy).toEqual({ kind: 'ignore', source: `${ignore}:2`, reason: 'zipObjectDeep never sees user input' });
    // A suppressed finding never fails the build.
    expect((await cli(['image', EXAMPLE_REF, '-q', '--scanners', 'vuln', '--ignorefile', ignore, '--fail-on', 'high', '--severity', 'HIGH', '--exit-code', '7'])).code).toBe(0);
    expect((await cli(['image', EXAMPLE_REF, '-q', '--scanners', 'vuln', '--fail-on', 'high', '--exit-code', '7'])).code).toBe(7);
    expect(ids(JSON.parse((await cli([...base, '--severity', 'CRITICAL'])).stdout) as ScanResult)).toEqual(['CVE-2021-44906']);
    expect(ids(JSON.parse((await cli([...base, '--ignore-unfixed'])).stdout) as ScanResult)).toEqual(['CVE-2020-8203', 'CVE-2021-44906']);
    expect(ids(JSON.parse((await cli([...base, '--ignore-status', 'will-not-fix'])).stdout) as ScanResult)).toEqual(['CVE-2020-8203', 'CVE-2021-44906']);
    expect((await cli([...base, '--severity', 'SEVERE'])).code).toBe(2);
  });
});

describe('report formats for CI systems', () => {
  it('writes SARIF, JUnit and Markdown of a scan with vulnerabilities', async () => {
    const sarif = JSON.parse((await cli(['image', EXAMPLE_REF, '-q', '-f', 'sarif'])).stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(expect.arrayContaining(['CVE-2020-8203', 'BH-IMG-001']));
    const junit = (await cli(['image', EXAMPLE_REF, '-q', '-f', 'junit'])).stdout;
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('name="CVE-2021-44906"');
    const md = (await cli(['image', EXAMPLE_REF, '-q', '-f', 'markdown'])).stdout;
    expect(md).toMatch(/CVE-2020-8203/);
  });
});

describe('CycloneDX with vulnerabilities', () => {
  it('lists each vulnerability once, affecting its components, valid against the CycloneDX 1.6 schema', async () => {
    const { validateCycloneDx } = await import('../src/sbom/testdata/schemas.js');
    const doc = JSON.parse((await cli(['image', EXAMPLE_REF, '-q', '-f', 'cyclonedx'])).stdout) as {
      components: Array<{ 'bom-ref': string; name: string }>;
      vulnerabilities: Array<{ id: string; affects: Array<{ ref: string; versions: Array<{ version: string; status: string }> }>; ratings: Array<{ severity: string }>; recommendation?: string }>;
    };
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
    const lodash = doc.vulnerabilities.find((v) => v.id === 'CVE-2020-8203')!;
    const ref = doc.components.find((c) => c.name === 'lodash')!['bom-ref'];
    expect(lodash.affects).toEqual([{ ref, versions: [{ version: '4.17.15', status: 'affected' }] }]);
    expect(lodash.ratings).toEqual([{ severity: 'high' }]);
    expect(lodash.recommendation).toBe('lodash: upgrade to 4.17.20');
    expect(doc.vulnerabilities.map((v) => v.id).sort()).toEqual(['CVE-2010-4756', 'CVE-2020-8203', 'CVE-2021-44906']);
  });
});

describe('VEX', () => {
  it('--vex suppresses a vulnerability a vendor declared not affected', async () => {
    const file = path.join(tempDir(), 'app.vex.json');
    writeFileSync(
      file,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [{ vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist@1.2.0' }], status: 'not_affected', justification: 'vulnerable_code_not_present' }],
      }),
    );
    const r = JSON.parse((await cli(['image', EXAMPLE_REF, '-f', 'json', '-q', '--scanners', 'vuln', '--vex', file, '--show-suppressed'])).stdout) as ScanResult;
    expect(r.findings.find((f) => f.id === 'CVE-2021-44906')?.suppressedBy).toEqual({ kind: 'vex', source: `${file}#statements[0]`, reason: 'not_affected: vulnerable_code_not_present' });
    const hidden = JSON.parse((await cli(['image', EXAMPLE_REF, '-f', 'json', '-q', '--scanners', 'vuln', '--vex', file])).stdout) as ScanResult;
    expect(hidden.findings.map((f) => f.id).sort()).toEqual(['CVE-2010-4756', 'CVE-2020-8203']);
  });
});

describe('bulkhead vex', () => {
  it('turns the ignore file into OpenVEX that --vex then honours', async () => {
    const dir = tempDir();
    const ignore = path.join(dir, 'ignore.yaml');
    writeFileSync(
      ignore,
      'ignore:\n  - id: CVE-2020-8203\n    purl: pkg:npm/lodash\n    reason: zipObjectDeep never sees user input\n  - id: BH-IMG-001\n    reason: runs as root by design\n  - id: CVE-2010-4756\n    package: glibc\n    reason: no glob on user input\n',
    );
    const vexFile = path.join(dir, 'out.vex.json');
    const w = await cli(['vex', '--ignorefile', ignore, '-o', vexFile]);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain(`skipped ${ignore}:5: BH-IMG-001 is not a vulnerability id`);
    expect(w.stderr).toContain(`skipped ${ignore}:7: no purl`);
    const doc = JSON.parse(readFileSync(vexFile, 'utf8')) as { statements: Array<{ vulnerability: { name: string }; status: string; impact_statement: string }> };
    expect(doc.statements).toEqual([expect.objectContaining({ vulnerability: { name: 'CVE-2020-8203' }, status: 'not_affected', impact_statement: 'zipObjectDeep never sees user input' })]);
    const r = JSON.parse((await cli(['image', EXAMPLE_REF, '-f', 'json', '-q', '--scanners', 'vuln', '--vex', vexFile])).stdout) as ScanResult;
    expect(r.findings.map((f) => f.id).sort()).toEqual(['CVE-2010-4756', 'CVE-2021-44906']);
  });
});
