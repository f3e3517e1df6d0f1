/**
 * Values a field must have for a condition to hold: `proc.name in (sh, bash)
 * and …` can only match processes named sh or bash. The rule set uses this to
 * index each event-type bucket by process name, so that an event meets only
 * the rules that can match its name plus those that do not constrain it.
 */
import type { Expr } from './ast.js';
import { isFieldCheck } from './evttypes.js';

/** The set of values `field` must take for `e` to be true, or undefined when `e` does not constrain it. */
export function requiredValues(e: Expr, field: string, seen = new Map<Expr, Set<string> | undefined>()): Set<string> | undefined {
  if (seen.has(e)) return seen.get(e);
  let out: Set<string> | undefined;
  switch (e.kind) {
    case 'and': {
      // Any constraining conjunct will do; take the smallest.
      for (const c of e.children) {
        const s = requiredValues(c, field, seen);
        if (s && (!out || s.size < out.size)) out = s;
      }
      break;
    }
    case 'or': {
      const acc = new Set<string>();
      let all = true;
      for (const c of e.children) {
        const s = requiredValues(c, field, seen);
        if (!s) {
          all = false;
          break;
        }
        for (const v of s) acc.add(v);
      }
      out = all ? acc : undefined;
      break;
    }
    case 'const':
      out = e.value ? undefined : new Set();
      break;
    case 'binary':
      if (isFieldCheck(e, field) && e.kind === 'binary') {
        const r = e.right;
        if ((e.op === '=' || e.op === '==') && r.kind === 'value') out = new Set([r.value]);
        else if ((e.op === 'in' || e.op === 'intersects') && r.kind === 'list') out = new Set(r.items);
      }
      break;
    default:
      break;
  }
  seen.set(e, out);
  return out;
}

/** First component of an absolute path: `/etc/hosts` → `etc`; undefined for `/`, relative paths and `/x` alone when partial. */
export function pathHead(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const end = path.indexOf('/', 1);
  const head = end < 0 ? path.slice(1) : path.slice(1, end);
  return head === '' ? undefined : head;
}

function headsOfValues(values: readonly string[], complete: boolean): Set<string> | undefined {
  const out = new Set<string>();
  for (const v of values) {
    // A prefix like "/etc" (no slash after the component) could also be "/etcetera": not usable.
    if (!complete && !/^\/[^/]+\//.test(v)) return undefined;
    const h = pathHead(v);
    if (h === undefined) return undefined;
    out.add(h);
  }
  return out;
}

/**
 * The first path components `fd.name` must have for `e` to hold (from
 * fd.name/fd.directory checks with =, in, pmatch, startswith "/x/…"), or
 * undefined when `e` does not constrain them.
 */
export function requiredPathHeads(e: Expr, seen = new Map<Expr, Set<string> | undefined>()): Set<string> | undefined {
  if (seen.has(e)) return seen.get(e);
  let out: Set<string> | undefined;
  switch (e.kind) {
    case 'and':
      for (const c of e.children) {
        const s = requiredPathHeads(c, seen);
        if (s && (!out || s.size < out.size)) out = s;
      }
      break;
    case 'or': {
      const acc = new Set<string>();
      let all = true;
      for (const c of e.children) {
        const s = requiredPathHeads(c, seen);
        if (!s) {
          all = false;
          break;
        }
        for (const v of s) acc.add(v);
      }
      out = all ? acc : undefined;
      break;
    }
    case 'const':
      out = e.value ? undefined : new Set();
      break;
    case 'binary': {
      const onName = isFieldCheck(e, 'fd.name');
      const onDir = isFieldCheck(e, 'fd.directory');
      if (!onName && !onDir) break;
      const r = e.right;
      const values = r.kind === 'value' ? [r.value] : r.kind === 'list' ? r.items : undefined;
      if (!values) break;
      if (e.op === '=' || e.op === '==' || e.op === 'in' || e.op === 'intersects' || e.op === 'pmatch') out = headsOfValues(values, true);
      else if (e.op === 'startswith') out = headsOfValues(values, false);
      // A file directly below "/" has its own name as head: fd.directory = / says nothing.
      if (onDir && values.includes('/')) out = undefined;
      break;
    }
    default:
      break;
  }
  seen.set(e, out);
  return out;
}
