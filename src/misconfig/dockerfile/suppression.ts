/**
 * Inline suppressions: a comment directly above an instruction,
 *
 *     # bulkhead:ignore BH-DF-002 pinned by the release pipeline
 *     FROM node:latest
 *
 * suppresses those checks for that instruction. Several ids may be listed
 * (comma or space separated); the rest of the line is the reason. The finding
 * is kept, marked `suppressedBy`, so reports can still show it.
 */
import type { DockerfileDoc } from './document.js';

export interface IgnoreComment {
  /** 1-based line of the comment. */
  line: number;
  ids: string[];
  reason: string;
  used: boolean;
}

const IGNORE = /^#\s*bulkhead:ignore\b[\s=:]*(.*)$/i;
const ID = /^BH-[A-Z]+-\d{3}$/;

export function parseIgnoreComment(text: string, line: number): IgnoreComment | null {
  const m = IGNORE.exec(text.trim());
  if (!m) return null;
  const tokens = m[1]!.split(/(\s+|,)/);
  const ids: string[] = [];
  let k = 0;
  for (; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t === ',' || /^\s*$/.test(t)) continue;
    const id = t.toUpperCase();
    if (!ID.test(id)) break;
    ids.push(id);
  }
  if (!ids.length) return null;
  const reason = tokens
    .slice(k)
    .join('')
    .trim()
    .replace(/^[-:–—]\s*/, '');
  return { line, ids, reason, used: false };
}

/** Ignore comments by the 1-based start line of the instruction they precede. */
export function ignoreComments(doc: DockerfileDoc): Map<number, IgnoreComment[]> {
  const out = new Map<number, IgnoreComment[]>();
  for (const ins of doc.instructions) {
    const found: IgnoreComment[] = [];
    // Walk up through the comment lines directly above the instruction.
    for (let l = ins.span.startLine - 2; l >= 0 && !doc.covered[l]; l--) {
      const text = doc.lines[l]!.trim();
      if (!text.startsWith('#')) break;
      const c = parseIgnoreComment(text, l + 1);
      if (c) found.push(c);
    }
    if (found.length) out.set(ins.span.startLine, found);
  }
  return out;
}
