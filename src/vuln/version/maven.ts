/**
 * Maven versions, ordered as Maven 3.9's ComparableVersion (the algorithm in
 * Maven's POM reference, "Version Order Specification"). A version is split at
 * `.`, `-` and digit/letter transitions into numbers and qualifiers; a `-`
 * (and, since MNG-7644, a qualifier between dots that a number follows or the
 * end closes) opens a nested list. Trailing "null" items (0, '', ga, final,
 * release) are trimmed at every level. Qualifiers rank
 * alpha < beta < milestone < rc = cr < snapshot < '' = ga = final = release < sp,
 * then any other qualifier, alphabetically; `a`, `b`, `m` directly followed by
 * a number mean alpha, beta, milestone.
 *
 * This is Maven's order, quirks included: ComparableVersion is not
 * transitive across version shapes (a dotted qualifier followed by `.` or `-`
 * stays a plain item while one followed by a digit or the end opens a
 * sub-list, and items compare by kind first), e.g. 2.beta < 2 < 2.b.1 < 2.beta.
 * On versions shaped as published (numbers, then a hyphen or attached
 * qualifier, or a dotted one that ends the version) it is a total order.
 */
import { VersionError } from './errors.js';
import { compareDigits, compareStrings, isAsciiDigit, sign, stripZeros } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

type Item =
  | { kind: 'int'; digits: string } // no leading zeros; '' is zero
  | { kind: 'str'; value: string } // after aliasing
  | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };

/** Maven's comparable form of a qualifier: its rank, or "7-" and the text for unknown ones. */
function qualifierKey(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(raw: string, followedByDigit: boolean): Item {
  let value = raw;
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  return { kind: 'str', value: Object.hasOwn(ALIASES, value) ? ALIASES[value]! : value };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', digits: stripZeros(text) } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.digits === '';
    case 'str':
      return qualifierKey(item.value) === RELEASE_INDEX;
    case 'list':
      return item.items.length === 0;
  }
}

/** Remove trailing null items, looking past trailing sub-lists. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

/** Printable ASCII without blanks or range syntax, at least one letter or digit. */
const VALID = /^(?=.*[A-Za-z0-9])[!-~]+$/;
const RANGE_CHARS = /[[\](),]/;

export function parseMavenVersion(input: string): Item[] | null {
  if (!withinBounds(input) || !VALID.test(input) || RANGE_CHARS.test(input)) return null;
  const version = input.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const openList = () => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    list = sub;
    stack.push(sub);
  };

  let isDigit = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', digits: '' } : parseItem(isDigit, version.slice(start, i)));
      start = i + 1;
      if (c === '-') openList();
    } else if (isAsciiDigit(c.charCodeAt(0))) {
      if (!isDigit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: a qualifier followed by a number acts like `-X`.
        if (list.length > 0) openList();
        list.push(stringItem(version.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, version.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (version.length > start) {
    if (!isDigit && list.length > 0) openList();
    list.push(parseItem(isDigit, version.slice(start)));
  }
  // Innermost lists first, so that emptied sub-lists count as null.
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i]!);
  return root;
}

/** ComparableVersion's Item.compareTo, with `null` for a missing item. */
function compareItem(a: Item, b: Item | null): Ordering {
  switch (a.kind) {
    case 'int':
      if (b === null) return a.digits === '' ? 0 : 1;
      return b.kind === 'int' ? compareDigits(a.digits, b.digits) : 1;
    case 'str':
      if (b === null) return compareStrings(qualifierKey(a.value), RELEASE_INDEX);
      if (b.kind === 'str') return compareStrings(qualifierKey(a.value), qualifierKey(b.value));
      return -1;
    case 'list':
      if (b === null) {
        for (const item of a.items) {
          const r = compareItem(item, null);
          if (r !== 0) return r;
        }
        return 0;
      }
      if (b.kind === 'int') return -1;
      if (b.kind === 'str') return 1;
      return compareLists(a.items, b.items);
  }
}

function compareLists(a: Item[], b: Item[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    const r = b[i];
    const result = l === undefined ? (r === undefined ? 0 : sign(-compareItem(r, null))) : compareItem(l, r ?? null);
    if (result !== 0) return result;
  }
  return 0;
}

function parseOrThrow(v: string): Item[] {
  const parsed = parseMavenVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'maven', String(v));
  return parsed;
}

export const maven: VersionScheme = {
  name: 'maven',
  isValid: (v) => parseMavenVersion(v) !== null,
  compare: (a, b) => compareLists(parseOrThrow(a), parseOrThrow(b)),
};
