import { describe, expect, it } from 'vitest';
import { DEFAULT_SENSITIVE_READS, matchesReadPatterns, nameEqualsCondition, nameWords, parseReadPattern, readFilterCondition } from './read-filter.js';

describe('sensitive read patterns', () => {
  const patterns = DEFAULT_SENSITIVE_READS.map(parseReadPattern);

  it('match a path and everything below it, component by component', () => {
    expect(matchesReadPatterns('/etc/shadow', patterns)).toBe(true);
    expect(matchesReadPatterns('/etc/sudoers.d/90-cloud', patterns)).toBe(true);
    expect(matchesReadPatterns('/home/alice/.ssh/id_rsa', patterns)).toBe(true);
    expect(matchesReadPatterns('/proc/123/environ', patterns)).toBe(true);
    expect(matchesReadPatterns('/etc/shadowx', patterns)).toBe(false);
    expect(matchesReadPatterns('/etc/passwd', patterns)).toBe(false);
    expect(matchesReadPatterns('/usr/lib/x86_64-linux-gnu/libc.so.6', patterns)).toBe(false);
    expect(matchesReadPatterns('/home/alice/notes', patterns)).toBe(false);
  });

  it('refuse patterns the kernel side cannot match', () => {
    expect(() => parseReadPattern('etc/shadow')).toThrow(/not absolute/);
    expect(() => parseReadPattern('/')).toThrow(/root/);
    expect(() => parseReadPattern('/a/b/c/d/e')).toThrow(/more than 4/);
    expect(() => parseReadPattern('/etc/sh*')).toThrow(/ASCII/);
    expect(() => parseReadPattern('/etc/../x')).toThrow(/\.\./);
    expect(() => parseReadPattern('/tmp/é')).toThrow(/ASCII/);
  });

  it('compare names as little-endian words with the last one masked', () => {
    expect(nameWords('etc')).toEqual([{ offset: 0, value: 0x637465n, mask: 0xffffffn }]);
    expect(nameWords('security')).toEqual([{ offset: 0, value: 0x7974697275636573n, mask: 0xffffffffffffffffn }]);
    expect(nameWords('sudoers.d').map((w) => w.offset)).toEqual([0, 8]);
    expect(nameEqualsCondition('$c1', 'etc')).toBe('($c1->d_name.len == 3 && (*(uint64 *)($c1->d_name.name + 0) & 0xffffff) == 0x637465)');
  });

  it('build one kernel condition over the component window', () => {
    const cond = readFilterCondition([parseReadPattern('/home/*/.ssh')], ['$c1', '$c2', '$c3', '$c4']);
    expect(cond).toContain('(uint64)$c3 != 0');
    expect(cond).toContain('$c1->d_name.len == 4');
    expect(cond).not.toContain('$c2->d_name');
    expect(readFilterCondition([], ['$c1'])).toBe('0');
  });
});
