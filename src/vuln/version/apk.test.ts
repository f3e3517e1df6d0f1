import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apk } from './apk.js';

// testdata/apk-tools-version.data: the test vectors of apk-tools
// (alpinelinux/apk-tools, test/version.data), unchanged. Each line is
// `a <op> b`, op one of < = >, optionally followed by a comment.
const vectorFile = fileURLToPath(new URL('./testdata/apk-tools-version.data', import.meta.url));
const vectors = readFileSync(vectorFile, 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter((line) => line !== '')
  .map((line) => {
    const [a, op, b] = line.split(/\s+/) as [string, string, string];
    return { a, b, want: op === '<' ? -1 : op === '>' ? 1 : 0 };
  });

describe('apk', () => {
  it('reads every apk-tools vector', () => {
    expect(vectors).toHaveLength(729);
  });

  it('agrees with every apk-tools vector whose versions apk-tools accepts', () => {
    const invalid = new Set<string>();
    const wrong: string[] = [];
    for (const { a, b, want } of vectors) {
      if (!apk.isValid(a) || !apk.isValid(b)) {
        for (const v of [a, b]) if (!apk.isValid(v)) invalid.add(v);
        continue;
      }
      if (apk.compare(a, b) !== want) wrong.push(`${a} ? ${b}`);
      if (apk.compare(b, a) !== (want === 0 ? 0 : -want)) wrong.push(`${b} ? ${a}`);
    }
    expect(wrong).toEqual([]);
    // The only vectors on versions apk rejects: two letters, an unknown suffix.
    expect([...invalid].sort()).toEqual(['1.0bc', '23_foo']);
  });

  const ordered: Array<[string, string, -1 | 0 | 1]> = [
    // pre-release suffixes sort below the release, post-release ones above
    ['1.2.3_alpha', '1.2.3_beta', -1],
    ['1.2.3_beta', '1.2.3_pre', -1],
    ['1.2.3_pre', '1.2.3_rc', -1],
    ['1.2.3_rc', '1.2.3', -1],
    ['1.2.3', '1.2.3_cvs', -1],
    ['1.2.3_cvs', '1.2.3_svn', -1],
    ['1.2.3_svn', '1.2.3_git', -1],
    ['1.2.3_git', '1.2.3_hg', -1],
    ['1.2.3_hg', '1.2.3_p', -1],
    ['1.2.3_p1', '1.2.3_p2', -1],
    ['1.2.3-r0', '1.2.3-r1', -1],
    ['1.2.3', '1.2.3-r0', -1],
    ['1.2.3_rc1-r5', '1.2.3-r0', -1],
    ['1.2.3a', '1.2.3b', -1],
    ['1.2.3a', '1.2.3.1', -1],
    // a commit hash (apk-tools 3) makes the version newer than the same one without,
    // whatever revision follows; hashes compare as strings
    ['1.2.3_git20240101~abc123-r0', '1.2.3_git20240101-r0', 1],
    ['1.2.3~abc-r0', '1.2.3-r9', 1],
    ['1.2.3~abc', '1.2.3~abd', -1],
    ['1.2.3~abc', '1.2.3.1', -1],
    // leading zeros: string order (Gentoo rule), initial component numeric
    ['1.01', '1.1', -1],
    ['1.010', '1.01', 1],
    ['01.1', '1.1', 0],
    // real Alpine 3.18-3.20 versions (secdb and ALPINE-CVE records)
    ['1.36.1-r29', '1.36.1-r7', 1],
    ['3.1.4-r5', '3.1.4-r6', -1],
    ['3.3.2-r0', '3.1.7-r1', 1],
    ['1.1.1a-r0', '1.1.1-r0', 1],
    ['1.1.1t-r2', '1.1.1u-r0', -1],
    ['1.2.5_git20230823-r0', '1.2.5-r0', 1],
    ['2.14.4-r0', '2.14.4-r1', -1],
  ];

  it.each(ordered)('compare(%j, %j) = %i', (a, b, want) => {
    expect(apk.compare(a, b)).toBe(want);
    expect(apk.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it.each([
    [''],
    ['v1.0'],
    ['1.0-r'],
    ['1.0-rx'],
    ['1.0-1'],
    ['1.0_'],
    ['1.0_foo'],
    ['1.0_beta-r1-r2'],
    ['1..0'],
    ['1.0.'],
    ['1.0ab'],
    ['1.0a.1'],
    ['1.0A'],
    ['1.0~'],
    ['1.0~xyz'],
    ['1.0 '],
    ['1.0-r1_p1'],
    ['1'.repeat(257)],
  ])('rejects %j', (v) => {
    expect(apk.isValid(v)).toBe(false);
  });
});
