import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { parseIgnoreFile, readIgnoreFile } from './file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = path.join(here, 'testdata', 'bulkheadignore.yaml');

function errorOf(text: string): BulkheadError {
  try {
    parseIgnoreFile(text, '.bulkheadignore.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    return e as BulkheadError;
  }
  throw new Error('expected a BulkheadError');
}

describe('parseIgnoreFile', () => {
  it('reads every field and the line of each entry', async () => {
    const file = await readIgnoreFile(sample, '.bulkheadignore.yaml');
    expect(file.source).toBe('.bulkheadignore.yaml');
    expect(file.entries).toEqual([
      {
        id: 'CVE-2020-8203',
        purl: 'pkg:npm/lodash',
        reason: 'zipObjectDeep is never called with user input',
        expires: '2027-01-01',
        line: 3,
        where: '.bulkheadignore.yaml:3',
      },
      { id: 'CVE-2005-2541', package: 'tar', reason: 'tar never extracts untrusted archives in this image', line: 8, where: '.bulkheadignore.yaml:8' },
      {
        id: 'GHSA-35jh-r3h4-6jhm',
        path: '/app/node_modules/**',
        reason: 'template compilation happens at build time only',
        expires: '2025-06-30',
        line: 12,
        where: '.bulkheadignore.yaml:12',
      },
      { id: 'CVE-2099-0001', reason: 'kept for an old base image', line: 17, where: '.bulkheadignore.yaml:17' },
    ]);
  });

  it('accepts an empty file and an empty list', () => {
    expect(parseIgnoreFile('', 'x.yaml').entries).toEqual([]);
    expect(parseIgnoreFile('# nothing yet\nignore:\n', 'x.yaml').entries).toEqual([]);
    expect(parseIgnoreFile('ignore: []\n', 'x.yaml').entries).toEqual([]);
  });

  it('requires a reason, pointing at the entry line', () => {
    const e = errorOf('ignore:\n  - id: CVE-2020-8203\n    reason: fine\n  - id: CVE-2005-2541\n    package: tar\n');
    expect(e.code).toBe('CONFIG_FILE_INVALID');
    expect(e.where).toBe('.bulkheadignore.yaml:4');
    expect(e.message).toContain('reason');
  });

  it('rejects unknown keys so a misspelt expiry never becomes permanent', () => {
    const e = errorOf('ignore:\n  - id: CVE-2020-8203\n    reason: fine\n    expire: 2026-01-01\n');
    expect(e.code).toBe('CONFIG_FILE_INVALID');
    expect(e.where).toBe('.bulkheadignore.yaml:2');
    expect(e.message).toMatch(/expire/);
  });

  it('rejects impossible and wrongly written dates at the value line', () => {
    expect(errorOf('ignore:\n  - id: CVE-1\n    reason: r\n    expires: 2026-02-30\n').where).toBe('.bulkheadignore.yaml:4');
    expect(errorOf('ignore:\n  - id: CVE-1\n    reason: r\n    expires: 31/12/2026\n').message).toContain('YYYY-MM-DD');
  });

  it('rejects package together with purl, a malformed purl, and a numeric id', () => {
    expect(errorOf('ignore:\n  - id: CVE-1\n    reason: r\n    package: a\n    purl: pkg:npm/a\n').message).toContain('either package or purl');
    expect(errorOf('ignore:\n  - id: CVE-1\n    reason: r\n    purl: npm/lodash\n').message).toContain('pkg:<type>/<name>');
    expect(errorOf('ignore:\n  - id: 12345\n    reason: r\n').message).toContain('id must be a string');
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const bad = errorOf('ignore:\n  - id: CVE-1\n    reason: [unclosed\n');
    expect(bad.code).toBe('CONFIG_FILE_INVALID');
    expect(bad.where).toMatch(/^\.bulkheadignore\.yaml:\d+$/);
    expect(errorOf('ignore:\n  - id: CVE-1\n    id: CVE-2\n    reason: r\n').where).toBe('.bulkheadignore.yaml:3');
    expect(errorOf('ignore: 1\n---\nignore: 2\n').code).toBe('CONFIG_FILE_INVALID');
  });

  it('rejects a top level that is not a mapping with ignore', () => {
    expect(errorOf('- id: CVE-1\n  reason: r\n').code).toBe('CONFIG_FILE_INVALID');
    expect(errorOf('vulnerabilities:\n  - id: CVE-1\n').message).toContain('vulnerabilities');
  });

  it('refuses a YAML alias bomb at the alias limit, before expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const e = errorOf(`${levels.join('\n')}\nignore: []\n`);
    expect(e.code).toBe('CONFIG_FILE_INVALID');
    expect(e.message).toContain('could not be expanded');
    expect(e.message).toContain('Excessive alias count');
  });

  it('turns a missing file into CONFIG_FILE_INVALID naming the path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bulkhead-ignore-'));
    const missing = path.join(dir, 'absent.yaml');
    await expect(readIgnoreFile(missing)).rejects.toMatchObject({ code: 'CONFIG_FILE_INVALID', where: missing });
    const big = path.join(dir, 'big.yaml');
    await writeFile(big, `# ${'x'.repeat(1024 * 1024 + 10)}\n`);
    await expect(readIgnoreFile(big)).rejects.toMatchObject({ code: 'CONFIG_FILE_INVALID', where: `${big}:1` });
  });
});
