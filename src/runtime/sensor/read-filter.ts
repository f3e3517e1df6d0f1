/**
 * Which read-only opens the kernel side forwards. Writes are always
 * forwarded; a read-only open of a regular file is forwarded only when its
 * kernel-resolved path falls under one of these patterns, so the common
 * reads every process makes (shared libraries, locale files) never cross
 * the perf buffer. Patterns are matched on path components after the kernel
 * resolved the path (symlinks, `..`, relative paths, dirfds), so
 * `cd /etc && cat shadow` or a symlink to /etc/shadow still matches.
 *
 * A pattern is an absolute path of plain ASCII components or `*` (any one
 * component); it matches that path and everything below it.
 */
import { BulkheadError } from '../../core/errors.js';

export const DEFAULT_SENSITIVE_READS: readonly string[] = [
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/shadow-',
  '/etc/gshadow-',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/pam.conf',
  '/etc/pam.d',
  '/etc/security',
  '/etc/ssh',
  '/etc/ssl/private',
  '/etc/kubernetes',
  '/root',
  '/home/*/.ssh',
  '/home/*/.aws',
  '/home/*/.kube',
  '/home/*/.docker',
  '/home/*/.gnupg',
  '/run/secrets',
  '/var/run/secrets',
  '/var/lib/kubelet',
  '/proc/*/environ',
  '/proc/*/mem',
  '/proc/kcore',
  '/boot',
];

/** A parsed pattern: components from the root, `undefined` for `*`. */
export type ReadPattern = Array<string | undefined>;

export const MAX_PATTERN_DEPTH = 4;

export function parseReadPattern(text: string): ReadPattern {
  const fail = (why: string) =>
    new BulkheadError('USAGE', `sensitive read pattern "${text}" ${why}`, {
      hint: 'write an absolute path of plain ASCII components, `*` for any one component, at most 4 components (e.g. /home/*/.ssh)',
    });
  if (!text.startsWith('/')) throw fail('is not absolute');
  const parts = text.split('/').filter((p) => p !== '');
  if (parts.length === 0) throw fail('names the root, which would forward every read; use forwardAllOpens instead');
  if (parts.length > MAX_PATTERN_DEPTH) throw fail(`has more than ${MAX_PATTERN_DEPTH} components`);
  return parts.map((p) => {
    if (p === '*') return undefined;
    if (p === '.' || p === '..') throw fail('contains . or ..');
    if (!/^[\x21-\x7e]+$/.test(p) || p.includes('*')) throw fail(`has a component "${p}" that is not plain printable ASCII`);
    if (p.length > 64) throw fail('has a component longer than 64 characters');
    return p;
  });
}

/** Little-endian 64-bit words of `text` (ASCII), the last one masked to the bytes it holds. */
export function nameWords(text: string): Array<{ offset: number; value: bigint; mask: bigint }> {
  const bytes = Buffer.from(text, 'latin1');
  const words: Array<{ offset: number; value: bigint; mask: bigint }> = [];
  for (let off = 0; off < bytes.length; off += 8) {
    let value = 0n;
    let mask = 0n;
    for (let i = 0; i < 8 && off + i < bytes.length; i++) {
      value |= BigInt(bytes[off + i]!) << BigInt(8 * i);
      mask |= 0xffn << BigInt(8 * i);
    }
    words.push({ offset: off, value, mask });
  }
  return words;
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

/** bpftrace condition: the dentry in `dentryVar` is named exactly `name`. */
export function nameEqualsCondition(dentryVar: string, name: string): string {
  const conds = [`${dentryVar}->d_name.len == ${Buffer.byteLength(name, 'latin1')}`];
  for (const w of nameWords(name)) {
    const read = `*(uint64 *)(${dentryVar}->d_name.name + ${w.offset})`;
    conds.push(w.mask === 0xffffffffffffffffn ? `${read} == ${hex(w.value)}` : `(${read} & ${hex(w.mask)}) == ${hex(w.value)}`);
  }
  return `(${conds.join(' && ')})`;
}

/**
 * bpftrace condition over a component window: `windowVars[i]` holds the
 * dentry of component i+1 counted from the root, or 0 when the path is
 * shorter. True when any pattern matches. (Testing the window instead of a
 * depth counter keeps the counter out of the verifier's branch decisions.)
 */
export function readFilterCondition(patterns: readonly ReadPattern[], windowVars: readonly string[]): string {
  if (patterns.length === 0) return '0';
  const alts = patterns.map((p) => {
    if (p.length > windowVars.length) throw new Error(`pattern deeper than the window (${p.length} > ${windowVars.length})`);
    const conds = [`(uint64)${windowVars[p.length - 1]} != 0`];
    p.forEach((name, i) => {
      if (name !== undefined) conds.push(nameEqualsCondition(windowVars[i]!, name));
    });
    return `(${conds.join(' && ')})`;
  });
  return alts.join(' || ');
}

/** Pure TypeScript twin of the kernel condition (tests and replay use it). */
export function matchesReadPatterns(path: string, patterns: readonly ReadPattern[]): boolean {
  const parts = path.split('/').filter((p) => p !== '');
  return patterns.some((p) => p.length <= parts.length && p.every((name, i) => name === undefined || name === parts[i]));
}
