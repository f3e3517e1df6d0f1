/**
 * Path patterns for ignore entries: `*` matches within one path segment, `**` matches any number of
 * whole segments (including none), `?` one character. Everything else is literal. The leading `/` is
 * optional on both sides, and a pattern ending in `/` matches everything below that folder.
 *
 * Matching walks segments with a small table instead of a regular expression, so a hostile pattern
 * such as `*a*a*a*a*b` costs at most pattern length x path length, never exponential backtracking.
 */

export const MAX_GLOB_LENGTH = 1024;
const MAX_PATH_SEGMENTS = 1024;

/** Counts matching steps when passed to compileGlob, so tests can bound the work by the input sizes. */
export interface GlobWork {
  steps: number;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** `*` and `?` within one segment; greedy with a single backtrack point (linear in practice). */
function segmentMatches(pattern: string, text: string, work: GlobWork | undefined): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (work) work.steps++;
    const c = pattern[p];
    if (c === '?' || (c !== undefined && c !== '*' && c === text[t])) {
      p++;
      t++;
    } else if (c === '*') {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export type PathMatcher = (path: string) => boolean;

export function compileGlob(pattern: string, work?: GlobWork): PathMatcher {
  const parts = segmentsOf(pattern).map((s) => (/^\*\*+$/.test(s) ? '**' : s.replace(/\*+/g, '*')));
  if (pattern.endsWith('/')) parts.push('**');
  // Consecutive `**` are one `**`.
  const pat = parts.filter((s, i) => !(s === '**' && parts[i - 1] === '**'));
  return (path: string): boolean => {
    const segs = segmentsOf(path);
    if (segs.length > MAX_PATH_SEGMENTS) return false;
    const n = segs.length;
    // next[j]: does pat[i+1..] match segs[j..]; cur[j]: does pat[i..] match segs[j..].
    let next: boolean[] = Array.from({ length: n + 1 }, (_, j) => j === n);
    for (let i = pat.length - 1; i >= 0; i--) {
      const p = pat[i]!;
      const cur: boolean[] = new Array<boolean>(n + 1).fill(false);
      for (let j = n; j >= 0; j--) {
        if (work) work.steps++;
        if (p === '**') cur[j] = next[j]! || (j < n && cur[j + 1]!);
        else cur[j] = j < n && next[j + 1]! && segmentMatches(p, segs[j]!, work);
      }
      next = cur;
    }
    return next[0]!;
  };
}
