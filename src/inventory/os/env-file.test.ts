import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseEnvFile } from './env-file.js';

describe('parseEnvFile', () => {
  it('reads quoting, escapes and comments the way a shell would', () => {
    const text = [
      '# a comment',
      '   ',
      'PLAIN=debian',
      'DOUBLE="Debian GNU/Linux"',
      "SINGLE='it''s'",
      'ESCAPED="say \\"hi\\" for \\$5 \\\\ \\`x\\` \\n"',
      'UNQUOTED=a\\ b',
      'CONCAT="12 "(bookworm)',
      'TRAILING="x" # why',
      'export EXPORTED=yes',
      'EMPTY=',
      'CRLF="windows"\r',
    ].join('\n');
    const { values, warnings } = parseEnvFile(text);
    expect(Object.fromEntries(values)).toEqual({
      PLAIN: 'debian',
      DOUBLE: 'Debian GNU/Linux',
      SINGLE: 'its',
      ESCAPED: 'say "hi" for $5 \\ `x` \\n',
      UNQUOTED: 'a b',
      CONCAT: '12 (bookworm)',
      TRAILING: 'x',
      EXPORTED: 'yes',
      EMPTY: '',
      CRLF: 'windows',
    });
    expect(warnings).toEqual([]);
  });

  it('skips lines that are not assignments and warns about them', () => {
    const { values, warnings } = parseEnvFile('=x\n1KEY=a\nnot an assignment\nOPEN="never closed\nOK=1\n');
    expect(Object.fromEntries(values)).toEqual({ OPEN: 'never closed', OK: '1' });
    expect(warnings).toEqual([
      'line 1 is not a KEY=value assignment, skipped',
      'line 2 is not a KEY=value assignment, skipped',
      'line 3 is not a KEY=value assignment, skipped',
      'line 4 has an unterminated quote',
    ]);
  });

  it('never throws and stays fast on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        const { values } = parseEnvFile(s);
        for (const k of values.keys()) expect(k).toMatch(/^[A-Za-z_]\w*$/);
      }),
      { numRuns: 500 },
    );
  });
});
