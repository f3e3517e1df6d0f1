/**
 * What a secret rule is: the check's data (id, title, severity, references)
 * plus how to find the credential: lower-case keywords for the prefilter, a
 * regex, an optional entropy floor and allowlist, and optional hooks for the
 * few kinds that need more than a regex (a base64 `auth` to decode, a private
 * key's END line to find).
 *
 * Regexes here must run in linear time on hostile input: every repetition is
 * bounded or runs over a class that cannot overlap what follows it, and
 * token-like patterns start with a negative lookbehind on their own
 * character class so a long run of token characters offers one start
 * position, not one per character.
 */
import type { CheckDefinition } from '../core/check.js';

/** What a rule's hooks see about one regex match. */
export interface MatchContext {
  /** The whole (decoded) file. */
  text: string;
  /** The file's path, `/`-rooted. */
  path: string;
  match: RegExpExecArray;
  /** Scratch space shared by the matches of one rule in one file (e.g. where the next END marker is). */
  scratch: Map<string, number>;
  /** Set by a hook when the secret runs past the match (a key body up to its END line). */
  endOffset?: number;
}

/** A value held in a structure (Kubernetes Secret data) that is scanned on its own. */
export interface ExpandedValue {
  /** Where the value sits in the file, for its line and column. */
  offset: number;
  /** The value as written (base64 for Secret `data`), for the redacted evidence. */
  raw: string;
  /** What to scan and report: the decoded value, or null when it does not decode to text. */
  text: string | null;
  /** Names the value in evidence: `data.password`. */
  label: string;
}

export interface SecretRule extends CheckDefinition {
  readonly kind: 'secret';
  /**
   * Lower-case strings; the regex runs only on files whose lower-cased text
   * contains one. An empty list means the rule runs on every file it applies to.
   */
  readonly keywords: readonly string[];
  /**
   * Finds candidates. The secret is the capture group named `secret`, else the
   * first capture group that took part, else the whole match. Flags `g` and
   * `d` are added when the rule set is compiled.
   */
  readonly regex: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly entropy?: number;
  /** Secrets matching any of these are not reported. */
  readonly allowlist?: readonly RegExp[];
  /** File-kind rules: only files whose path passes. */
  readonly appliesTo?: (path: string) => boolean;
  /** Only files whose lower-cased text passes (e.g. looks like a kubeconfig). */
  readonly fileFilter?: (lower: string, path: string) => boolean;
  /**
   * The last word on a candidate: the secret to report and hash (possibly
   * transformed, e.g. the password inside a base64 `user:password`), or null
   * to drop it.
   */
  readonly verify?: (secret: string, ctx: MatchContext) => string | null;
  /**
   * How the evidence is written: `redact` (default) shows the match with the
   * secret masked; `match` shows the match as is, for rules whose match is only
   * a header (private keys: the BEGIN line).
   */
  readonly evidence?: 'redact' | 'match';
  /**
   * Structured rules: the values a file holds (the regex only says whether to
   * look). Each value is scanned with the other rules; one that no other rule
   * explains is reported by this rule itself.
   */
  readonly expand?: (text: string) => ExpandedValue[];
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const PLACEHOLDER_WORDS = [
  'example',
  'xxxx',
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'dummy',
  'placeholder',
  'redacted',
  'sample',
  'replace_me',
  'replace-me',
  'replaceme',
  'insert_',
  'insert-',
  'your_',
  'your-',
  '****',
  '....',
  '<token>',
  '<secret>',
  '<password>',
  'abcdefgh',
  '12345678',
  '01234567',
];

const PLACEHOLDER_SHAPES: readonly RegExp[] = [
  // ${VAR}, $VAR, ${{ secrets.X }}, {{ .Values.x }}, %VAR%, <token>, @VAR@
  /\$\{[^}]*\}/,
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,
  /\{\{[^}]*\}\}/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^<[^<>]*>$/,
  /^@[A-Za-z_][A-Za-z0-9_]*@$/,
  // one character repeated: aaaaaaaa, 00000000, ********
  /^(.)\1+$/,
];

/**
 * True for values that are obviously not live credentials: documentation
 * examples (`AKIAIOSFODNN7EXAMPLE`), `xxxx`, `changeme`, template variables
 * (`${VAR}`, `{{ x }}`, `<token>`), `dummy`, one repeated character.
 */
export function isPlaceholder(secret: string): boolean {
  const lower = secret.toLowerCase();
  for (const w of PLACEHOLDER_WORDS) if (lower.includes(w)) return true;
  for (const re of PLACEHOLDER_SHAPES) if (re.test(secret)) return true;
  return false;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Strict base64 (standard alphabet, whitespace removed) to bytes, or null. */
export function decodeBase64(value: string, maxLength = 1024 * 1024): Buffer | null {
  const s = value.replace(/\s+/g, '');
  if (!s || s.length > maxLength || s.length % 4 === 1 || !BASE64_RE.test(s)) return null;
  return Buffer.from(s, 'base64');
}

/** Base64url (JWT segments) to bytes, or null. */
export function decodeBase64Url(value: string, maxLength = 64 * 1024): Buffer | null {
  if (!value || value.length > maxLength || value.length % 4 === 1 || !BASE64URL_RE.test(value)) return null;
  return Buffer.from(value, 'base64url');
}

/** True when bytes read as text: no NUL and few control characters. */
export function isPrintable(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  let control = 0;
  for (const b of bytes) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control * 20 <= bytes.length;
}

/** Last path component. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}
