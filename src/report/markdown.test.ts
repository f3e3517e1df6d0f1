import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/types.js';
import { cell, code, MAX_ROWS, renderMarkdown } from './markdown.js';
import { expectGolden } from './testdata/golden.js';
import { fsResult, imageResult } from './testdata/result.js';

describe('renderMarkdown', () => {
  it('matches the goldens byte for byte', () => {
    expectGolden('image.md', renderMarkdown(imageResult));
    expectGolden('fs.md', renderMarkdown(fsResult));
  });

  it('heads with the target and counts open findings by severity', () => {
    const lines = renderMarkdown(imageResult).split('\n');
    expect(lines[0]).toBe('## Bulkhead scan of image `registry.example.com/shop/orders-api:1.4.2`');
    expect(lines).toContain('| Critical | High | Medium | Low | Info | Unknown |');
    expect(lines).toContain('| 4 | 2 | 1 | 0 | 0 | 0 |');
    expect(lines).toContain('7 open findings, 1 suppressed.');
  });

  it('tables vulnerabilities with package, installed, fixed, severity and status', () => {
    const lines = renderMarkdown(imageResult).split('\n');
    expect(lines).toContain('### Vulnerabilities (5)');
    expect(lines).toContain('| ID | Package | Installed | Fixed | Severity | Status |');
    expect(lines).toContain(
      '| [CVE-2024-45490](https://security-tracker.debian.org/tracker/CVE-2024-45490) | `libexpat1` | `2.5.0-1` | `2.5.0-1+deb12u1` | critical | fixed |',
    );
    expect(lines).toContain(
      '| [CVE-2023-45853](https://security-tracker.debian.org/tracker/CVE-2023-45853) | `zlib1g` | `1:1.2.13.dfsg-1` |  | critical | will-not-fix |',
    );
    expect(lines).toContain(
      '| [CVE-2024-21538](https://github.com/advisories/GHSA-3xgq-45jj-v275) | `cross-spawn` | `7.0.3` | `7.0.5` | high | suppressed (ignore) |',
    );
    expect(lines).toContain('| BH-SEC-001 | AWS access key ID | `/app/.env:3` | `AWS_ACCESS_KEY_ID=AKIA****************` | critical |  |');
    expect(lines).toContain('| BH-DF-002 | Base image has no tag or uses \\`latest\\` | `/Dockerfile:1` | medium | affected |');
  });

  it('escapes pipes, markup and mentions in cells', () => {
    expect(cell('a|b <img src=x> @team [x](y)\nnext')).toBe('a\\|b \\<img src=x\\> &#64;team \\[x\\](y) next');
    expect(code('@scope/pkg|x`y')).toBe("`@scope/pkg\\|x'y`");
    const f: Finding = { ...imageResult.findings[6]!, title: 'one | two\r\nthree' };
    const md = renderMarkdown({ ...fsResult, findings: [f] });
    expect(md).toContain('| BH-DF-001 | one \\| two three | `/Dockerfile:14` | high | affected |');
  });

  it(`caps the tables at ${MAX_ROWS} rows`, () => {
    const vulns: Finding[] = Array.from({ length: 130 }, (_, i) => ({ ...imageResult.findings[1]!, id: `CVE-2024-${10000 + i}` }));
    const md = renderMarkdown({ ...imageResult, findings: [...vulns, imageResult.findings[5]!] });
    const rows = md.split('\n').filter((l) => l.startsWith('| [CVE-2024-'));
    expect(rows).toHaveLength(100);
    expect(rows[99]).toContain('CVE-2024-10099');
    expect(md).toContain('\n… 30 more\n');
    expect(md).toContain('### Secrets (1)\n\n… 1 more\n');
  });

  it('says so when there is nothing to report', () => {
    expect(renderMarkdown({ ...imageResult, findings: [] })).toBe(
      '## Bulkhead scan of image `registry.example.com/shop/orders-api:1.4.2`\n\nOS: Debian GNU/Linux 12 (bookworm) · Packages: 5 · Scanners: vuln, secret, misconfig\n\nNo findings.\n',
    );
  });

  it('keeps every finding on one table row whatever its strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (id, title) => {
        const f: Finding = { ...imageResult.findings[6]!, id, title, location: { path: title } };
        const lines = renderMarkdown({ ...fsResult, findings: [f] }).split('\n');
        const header = lines.indexOf('| ID | Title | Location | Severity | Status |');
        const row = lines[header + 2]!;
        // Five cells: exactly six unescaped pipes.
        expect(row.match(/(?<!\\)\|/g)).toHaveLength(6);
        expect(lines[header + 3]).toBe('');
      }),
      { numRuns: 300 },
    );
  });
});
