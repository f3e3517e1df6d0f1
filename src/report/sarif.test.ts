import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../core/types.js';
import { artifactUri, fingerprint, renderSarif } from './sarif.js';
import { expectGolden } from './testdata/golden.js';
import { fsResult, imageResult } from './testdata/result.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const schemaFile = fileURLToPath(new URL('../../test/schemas/sarif-2.1.0.schema.json', import.meta.url));
// The schema writes two patterns with the inline flag `(?i)`, which JavaScript lacks: compile them with the `i` flag.
const regExp = Object.assign(
  (pattern: string, flags: string) =>
    pattern.startsWith('^(?i)') ? new RegExp(`^${pattern.slice(5)}`, `${flags}i`) : new RegExp(pattern, flags),
  { code: 'RegExp' },
);
const ajv = new Ajv2020({ strict: false, allErrors: true, code: { regExp } });
addFormats(ajv);

interface SchemaDoc {
  definitions: { region: { properties: Record<string, unknown>; anyOf?: unknown } };
}
/**
 * This revision of the schema nests the region's `anyOf` inside `properties`, where it is no
 * schema at all; lift it to the region object, where the published OASIS schema has it.
 */
function loadSchema(): SchemaDoc {
  const doc = JSON.parse(readFileSync(schemaFile, 'utf8')) as SchemaDoc;
  const region = doc.definitions.region;
  if (Array.isArray(region.properties.anyOf)) {
    region.anyOf = region.properties.anyOf;
    delete region.properties.anyOf;
  }
  return doc;
}
const validate = ajv.compile(loadSchema());

// The parsed log is probed field by field in the assertions below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

interface SarifLog {
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: Array<Record<string, Loose>> } };
    results: Array<Record<string, Loose>>;
  }>;
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

function expectValid(text: string): void {
  const ok = validate(JSON.parse(text));
  expect(ajv.errorsText(validate.errors)).toBe('No errors');
  expect(ok).toBe(true);
}

describe('renderSarif', () => {
  it('matches the goldens byte for byte', () => {
    expectGolden('image.sarif.json', renderSarif(imageResult));
    expectGolden('fs.sarif.json', renderSarif(fsResult));
  });

  it('validates against the SARIF 2.1.0 schema', () => {
    expectValid(renderSarif(imageResult));
    expectValid(renderSarif(fsResult));
  });

  it('rejects a log the schema forbids (the validator is live)', () => {
    const log = parse(renderSarif(imageResult)) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('describes the tool and one rule per distinct finding id', () => {
    const run = parse(renderSarif(imageResult)).runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'bulkhead', version: '0.1.0', informationUri: 'https://bulkhead.dev' });
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'CVE-2024-45490',
      'CVE-2023-4911',
      'CVE-2023-45853',
      'CVE-2023-45133',
      'CVE-2024-21538',
      'BH-SEC-001',
      'BH-DF-001',
      'BH-DF-002',
    ]);
    const expat = run.tool.driver.rules[0]!;
    expect(expat.shortDescription).toEqual({ text: 'libexpat: Negative Length Parsing Vulnerability in libexpat' });
    expect(expat.help.text).toContain('Upgrade libexpat1 to 2.5.0-1+deb12u1 or later.');
    expect(expat.helpUri).toBe('https://security-tracker.debian.org/tracker/CVE-2024-45490');
    expect(expat.properties).toEqual({ tags: ['vulnerability', 'security'], precision: 'very-high', 'security-severity': '9.5' });
    expect(expat.defaultConfiguration).toEqual({ level: 'error' });
    const unpinned = run.tool.driver.rules.find((r) => r.id === 'BH-DF-002')!;
    expect(unpinned.properties['security-severity']).toBe('5.5');
    expect(unpinned.defaultConfiguration).toEqual({ level: 'warning' });
    expect(unpinned.helpUri).toBeUndefined();
  });

  it('keeps one rule when several findings share an id, ranked by the worst', () => {
    const low: Finding = { ...imageResult.findings[1]!, severity: 'low', package: { ...imageResult.findings[1]!.package!, name: 'libc-bin' } };
    const run = parse(renderSarif({ ...imageResult, findings: [low, imageResult.findings[1]!] })).runs[0]!;
    expect(run.tool.driver.rules).toHaveLength(1);
    expect(run.tool.driver.rules[0]!.properties['security-severity']).toBe('8.0');
    expect(run.results.map((r) => [r.ruleIndex, r.level])).toEqual([
      [0, 'note'],
      [0, 'error'],
    ]);
  });

  it('locates image findings at the package database or the file', () => {
    const results = parse(renderSarif(imageResult)).runs[0]!.results;
    expect(results[0]!.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'var/lib/dpkg/status' } });
    expect(results[3]!.locations[0].physicalLocation.artifactLocation.uri).toBe('app/node_modules/%40babel/traverse/package.json');
    expect(results[0]!.message.text).toBe(
      [
        'libexpat: Negative Length Parsing Vulnerability in libexpat',
        'Package: libexpat1',
        'Installed version: 2.5.0-1',
        'Fixed version: 2.5.0-1+deb12u1',
        'Status: fixed',
        'Severity: critical',
        'Layer: 0 sha256:8d853c8add5d1e7b0aafc4b68a3d9fb8e7a0da27970c2acf831fe63be4a0cd2c (# debian.sh --arch amd64 out/ bookworm @1718582400)',
      ].join('\n'),
    );
  });

  it('falls back to the image reference when nothing names a file', () => {
    const r: ScanResult = { ...imageResult, packages: [] };
    const results = parse(renderSarif(r)).runs[0]!.results;
    expect(results[0]!.locations[0].physicalLocation.artifactLocation.uri).toBe('registry.example.com/shop/orders-api%3A1.4.2');
  });

  it('uses relative paths and line regions for fs targets', () => {
    const results = parse(renderSarif(fsResult)).runs[0]!.results;
    const secret = results.find((r) => r.ruleId === 'BH-SEC-001')!;
    expect(secret.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'app/.env' }, region: { startLine: 3, endLine: 3 } });
    expect(secret.message.text).toContain('Match: AWS_ACCESS_KEY_ID=AKIA****************');
    expect(secret.level).toBe('error');
    const root = results.find((r) => r.ruleId === 'BH-DF-001')!;
    expect(root.locations[0].physicalLocation.region).toEqual({ startLine: 14, endLine: 14 });
  });

  it('omits regions SARIF would reject', () => {
    const f: Finding = { ...imageResult.findings[5]!, location: { path: '/x', startLine: 0, endLine: -2 } };
    const g: Finding = { ...imageResult.findings[5]!, location: { path: '/x', startLine: 4, endLine: 2 } };
    const text = renderSarif({ ...fsResult, findings: [f, g] });
    expectValid(text);
    const results = parse(text).runs[0]!.results;
    expect(results[0]!.locations[0].physicalLocation.region).toBeUndefined();
    expect(results[1]!.locations[0].physicalLocation.region).toEqual({ startLine: 4 });
  });

  it('marks suppressed findings', () => {
    const results = parse(renderSarif(imageResult)).runs[0]!.results;
    const spawn = results.find((r) => r.ruleId === 'CVE-2024-21538')!;
    expect(spawn.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'ignore (.bulkheadignore): build-time only | not reachable at runtime' },
    ]);
    expect(results.filter((r) => r.suppressions)).toHaveLength(1);
  });

  it('fingerprints by id, path and package', () => {
    const results = parse(renderSarif(imageResult)).runs[0]!.results;
    const prints = results.map((r) => r.partialFingerprints['bulkhead/v1'] as string);
    expect(new Set(prints).size).toBe(prints.length);
    expect(prints[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(prints[0]).toBe(fingerprint(imageResult.findings[0]!, '/var/lib/dpkg/status'));
    expect(parse(renderSarif(imageResult)).runs[0]!.results[0]!.partialFingerprints).toEqual(results[0]!.partialFingerprints);
  });

  it('percent-encodes path segments', () => {
    expect(artifactUri('/srv/my app/a#b?.txt')).toBe('srv/my%20app/a%23b%3F.txt');
    expect(artifactUri('C:/x')).toBe('C%3A/x');
    expect(artifactUri('/a\uD800b')).toBe('a%EF%BF%BDb');
  });

  it('stays valid SARIF for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }).map((s) => `${s}\uDC00`), (id, title, path) => {
        const f: Finding = { ...imageResult.findings[3]!, id, title, location: { path, startLine: 2 }, references: [title] };
        const text = renderSarif({ ...fsResult, target: { kind: 'fs', name: path }, findings: [f] });
        expect(validate(JSON.parse(text))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
