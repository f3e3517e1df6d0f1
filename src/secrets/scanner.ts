/**
 * Finds credentials in one file. The work per file is bounded and cheap when
 * there is nothing to find:
 *
 *   skip rules (path, extension, size, NUL byte)
 *   → decode and lower-case once
 *   → ONE pass of a combined keyword RegExp decides which rules can apply
 *   → only those rules' regexes run, each over the whole text
 *   → verify, entropy, placeholder and allowlist filters
 *   → dedupe (same secret on the same line: the earlier rule wins), redact, hash.
 *
 * Nothing here throws on hostile input: regexes are linear-time (see
 * rule.ts), every count is capped, and structured values (Kubernetes Secret
 * data) are decoded once, one level deep.
 */
import { createHash } from 'node:crypto';
import type { ExpandedValue, MatchContext, SecretRule } from './rule.js';
import { isAsciiKeyword, KeywordMatcher } from './keywords.js';
import { isPlaceholder, shannonEntropy } from './rule.js';
import { BUILTIN_SECRET_RULES } from './rules/index.js';

/** Files larger than this are not scanned (bundles and data files; secrets sit in small config files). */
export const MAX_SECRET_FILE_BYTES = 10 * 1024 * 1024;
/** A NUL byte within this many leading bytes marks a file as binary. */
export const BINARY_SNIFF_BYTES = 8 * 1024;
/** At most this many findings per rule and per file; the rest is reported as truncated. */
export const MAX_MATCHES_PER_RULE = 50;
export const MAX_MATCHES_PER_FILE = 200;

/** Extensions of formats that are binary or compressed; their bytes are not read. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'png jpg jpeg gif bmp ico icns webp tif tiff psd heic avif ' +
    'ttf otf woff woff2 eot ' +
    'gz tgz bz2 xz zst lz4 lzma zip jar war ear aar whl egg apk rpm deb 7z rar br cab iso dmg squashfs ' +
    'so o a lo la ko class pyc pyo pyd dll exe bin wasm node dylib lib obj elf ' +
    'mp3 mp4 m4a wav ogg oga flac avi mov mkv webm ' +
    'pdf doc docx xls xlsx ppt pptx odt ods odp ' +
    'sqlite sqlite3 db mo gmo pack idx rlib'
  ).split(' '),
);

/**
 * Directories whose files are never scanned: documentation, licences, locale
 * and time-zone data, headers, and package-manager databases (they describe
 * packages, they do not configure anything).
 */
export const SKIPPED_PATH_PREFIXES: readonly string[] = [
  '/usr/share/doc/',
  '/usr/share/man/',
  '/usr/share/info/',
  '/usr/share/locale/',
  '/usr/share/i18n/',
  '/usr/share/zoneinfo/',
  '/usr/share/common-licenses/',
  '/usr/share/licenses/',
  '/usr/share/mime/',
  '/usr/include/',
  '/usr/lib/locale/',
  '/var/lib/dpkg/',
  '/var/lib/apt/lists/',
  '/var/cache/apt/',
  '/var/lib/rpm/',
  '/var/cache/dnf/',
  '/var/cache/yum/',
  '/lib/apk/db/',
  '/var/cache/apk/',
  '/etc/ssl/certs/',
  '/proc/',
  '/sys/',
  '/dev/',
];

/**
 * Standard libraries of language runtimes, installed by the distribution or
 * the official runtime image: their docstrings and tests hold example
 * credentials (`passwd='geheim$parole'` in CPython's urllib). Packages
 * installed beside them (site-packages, dist-packages, gems) are still scanned.
 */
const RUNTIME_LIBRARY =
  /^\/usr\/(?:local\/)?lib\/python\d(?:\.\d+)?\/(?!(?:site|dist)-packages\/)|^\/usr\/(?:local\/go|lib\/go(?:-[\d.]+)?)\/|^\/usr\/(?:local\/)?lib\/ruby\/\d[\d.]*\/|^\/usr\/share\/perl5?\/|^\/usr\/lib\/(?:[^/]+\/)?perl(?:5|-base)?\/|^\/usr\/lib\/jvm\/|^\/opt\/java\/openjdk\//;

/** Directories that hold third-party packages. */
const PACKAGE_TREE_MARKERS = ['/node_modules/', '/site-packages/', '/dist-packages/', '/vendor/', '/bower_components/', '/gems/', '/pkg/mod/', '/.cargo/registry/'];
/**
 * Inside a third-party package, these directories hold its tests, fixtures
 * and examples: made-up keys and tokens by the hundred, none of them the
 * image's. (The application's own test directories are still scanned.)
 */
const PACKAGE_FIXTURE_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  'testdata',
  'test-data',
  'test_data',
  'fixtures',
  '__fixtures__',
  'spec',
  'specs',
  'example',
  'examples',
  '__mocks__',
  'mocks',
  'doc',
  'docs',
  'benchmark',
  'benchmarks',
]);
/** Documentation and CI configuration of a third-party package (its own `.coveralls.yml` token is not the image's). */
const PACKAGE_DOC_FILE =
  /^(?:readme|changelog|changes|history|license|licence|notice|authors|contributing)(?:[.-]|$)|\.(?:md|markdown|rst)$|^\.?(?:coveralls|travis|gitlab-ci|appveyor|codecov|drone|cirrus)\.ya?ml$/i;
const PACKAGE_CI_DIRS = new Set(['.github', '.circleci', '.buildkite']);

function extensionOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(dot + 1).toLowerCase() : '';
}

function inPackageFixture(path: string): boolean {
  let from = -1;
  for (const marker of PACKAGE_TREE_MARKERS) {
    const i = path.lastIndexOf(marker);
    if (i >= 0) from = Math.max(from, i + marker.length);
  }
  if (from < 0) return false;
  const segments = path.slice(from).split('/');
  const base = segments.pop() ?? '';
  for (const s of segments) {
    const lower = s.toLowerCase();
    if (PACKAGE_FIXTURE_DIRS.has(lower) || PACKAGE_CI_DIRS.has(lower)) return true;
  }
  return PACKAGE_DOC_FILE.test(base);
}

export type SkipReason = 'path-skipped' | 'runtime-library' | 'package-fixture' | 'binary-extension' | 'too-large' | 'binary-content' | 'empty';

/** Why a path is never scanned, decided from the path alone; undefined when it is scanned. */
export function secretPathSkipReason(path: string): SkipReason | undefined {
  for (const prefix of SKIPPED_PATH_PREFIXES) if (path.startsWith(prefix)) return 'path-skipped';
  if (BINARY_EXTENSIONS.has(extensionOf(path))) return 'binary-extension';
  if (path.startsWith('/usr/') || path.startsWith('/opt/')) {
    if (RUNTIME_LIBRARY.test(path)) return 'runtime-library';
  }
  if (inPackageFixture(path)) return 'package-fixture';
  return undefined;
}

/** Why a file is not scanned (path, size, NUL byte in the first 8 KB); undefined when it is. */
export function secretSkipReason(path: string, content: Buffer, maxBytes = MAX_SECRET_FILE_BYTES): SkipReason | undefined {
  const byPath = secretPathSkipReason(path);
  if (byPath) return byPath;
  if (content.length === 0) return 'empty';
  if (content.length > maxBytes) return 'too-large';
  if (content.subarray(0, BINARY_SNIFF_BYTES).indexOf(0) >= 0) return 'binary-content';
  return undefined;
}

export interface SecretMatch {
  rule: SecretRule;
  /** 1-based line and column of the secret (of the BEGIN line for private keys). */
  line: number;
  column: number;
  endLine: number;
  /** The match with the secret masked: at most its first 4 characters are shown. Private keys: the BEGIN line only. */
  evidence: string;
  /** sha256 (hex) of the secret, to recognise the same secret in other files and layers. */
  secretHash: string;
  /** Where the secret sat when it was not literal text: `data.password (base64-decoded)`. */
  context?: string;
}

export interface SecretScanOptions {
  /** Replaces the built-in rules. */
  rules?: readonly SecretRule[];
  /** Added after the rules (custom rules from the config file). */
  extraRules?: readonly SecretRule[];
  /** Files larger than this are skipped; default MAX_SECRET_FILE_BYTES. */
  maxBytes?: number;
}

export interface SecretScanResult {
  matches: SecretMatch[];
  skipped?: SkipReason;
  /** Some rule or the file hit the match cap. */
  truncated: boolean;
}

/** Keep at most the first 4 characters (fewer for short secrets) and mask the rest. */
export function redact(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return secret.slice(0, keep) + '*'.repeat(Math.max(4, Math.min(secret.length - keep, 32)));
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const MAX_EVIDENCE_BEFORE = 60;
const MAX_EVIDENCE_AFTER = 40;

/** The match on one line with the secret masked, shortened around it. */
function redactedEvidence(matchText: string, start: number, end: number): string {
  let before = matchText.slice(0, start);
  let after = matchText.slice(end);
  const nl = before.lastIndexOf('\n');
  if (nl >= 0) before = before.slice(nl + 1);
  const nl2 = after.search(/[\r\n]/);
  if (nl2 >= 0) after = after.slice(0, nl2);
  if (before.length > MAX_EVIDENCE_BEFORE) before = `…${before.slice(-MAX_EVIDENCE_BEFORE)}`;
  if (after.length > MAX_EVIDENCE_AFTER) after = `${after.slice(0, MAX_EVIDENCE_AFTER)}…`;
  return `${before.trimStart()}${redact(matchText.slice(start, end))}${after.trimEnd()}`;
}

function firstLine(s: string): string {
  const i = s.search(/[\r\n]/);
  return (i >= 0 ? s.slice(0, i) : s).slice(0, 120).trim();
}

interface CompiledRule {
  rule: SecretRule;
  regex: RegExp;
}

interface ScanState {
  truncated: boolean;
  /** Where structured values sit; other rules' matches on their lines are dropped. */
  expandedOffsets: number[];
}

interface Candidate {
  order: number;
  rule: SecretRule;
  offset: number;
  endOffset: number;
  secret: string;
  evidence: string;
  context?: string;
}

function withScanFlags(re: RegExp): RegExp {
  const flags = [...new Set(re.flags.replace(/[gyd]/g, '').split(''))].join('');
  return new RegExp(re.source, `${flags}gd`);
}

/** The span of the secret in a match: group `secret`, else the first group that took part, else the whole match. */
function secretSpan(m: RegExpExecArray): [number, number] {
  const indices = m.indices;
  const named = indices?.groups?.secret;
  if (named) return named;
  if (indices) {
    for (let i = 1; i < indices.length; i++) {
      const span = indices[i];
      if (span) return span;
    }
  }
  return [m.index, m.index + m[0].length];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const TRIVIAL_VALUES = new Set(['true', 'false', 'yes', 'no', 'null', 'none', 'on', 'off']);

/** A prepared rule set: the keyword automaton is built once and shared by every file. */
export class SecretRuleSet {
  private readonly compiled: CompiledRule[];
  private readonly matcher: KeywordMatcher;
  /** Rules to run for each keyword of the matcher. */
  private readonly rulesOfKeyword: number[][];
  /** Rules without keywords (or with keywords the byte automaton cannot match) run on every file they apply to. */
  private readonly alwaysOn: number[] = [];

  constructor(readonly rules: readonly SecretRule[]) {
    this.compiled = rules.map((rule) => ({ rule, regex: withScanFlags(rule.regex) }));
    const byKeyword = new Map<string, number[]>();
    rules.forEach((rule, i) => {
      const keywords = rule.keywords.map((k) => k.toLowerCase());
      if (keywords.length === 0 || !keywords.every(isAsciiKeyword)) {
        this.alwaysOn.push(i);
        return;
      }
      for (const k of keywords) {
        if (!byKeyword.has(k)) byKeyword.set(k, []);
        byKeyword.get(k)!.push(i);
      }
    });
    this.matcher = new KeywordMatcher([...byKeyword.keys()]);
    this.rulesOfKeyword = [...byKeyword.values()];
  }

  /** Scan a file's bytes: they are decoded only when a keyword occurs. */
  scanBytes(path: string, bytes: Uint8Array): { matches: SecretMatch[]; truncated: boolean } {
    const active = this.activeRules(path, this.matcher.scanBytes(bytes));
    if (!active.length) return { matches: [], truncated: false };
    return this.scanActive(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), active);
  }

  /** Scan decoded text; `path` decides file-kind rules and is passed to hooks. */
  scanText(path: string, text: string): { matches: SecretMatch[]; truncated: boolean } {
    const active = this.activeRules(path, this.matcher.scanString(text));
    if (!active.length) return { matches: [], truncated: false };
    return this.scanActive(path, text, active);
  }

  private scanActive(path: string, text: string, active: number[]): { matches: SecretMatch[]; truncated: boolean } {
    const state: ScanState = { truncated: false, expandedOffsets: [] };
    const candidates = this.candidates(path, text, active, 0, state);
    return { matches: this.finish(text, candidates, state.expandedOffsets), truncated: state.truncated };
  }

  /** Rules a file can match, in rule order: a keyword of theirs occurs and their path test passes. */
  private activeRules(path: string, keywords: Set<number>): number[] {
    const active = new Uint8Array(this.compiled.length);
    for (const i of this.alwaysOn) active[i] = 1;
    for (const k of keywords) for (const i of this.rulesOfKeyword[k]!) active[i] = 1;
    const out: number[] = [];
    for (let i = 0; i < active.length; i++) {
      if (!active[i]) continue;
      const { rule } = this.compiled[i]!;
      if (rule.appliesTo && !rule.appliesTo(path)) continue;
      out.push(i);
    }
    return out;
  }

  private candidates(path: string, text: string, active: number[], depth: number, state: ScanState): Candidate[] {
    const out: Candidate[] = [];
    let lower: string | undefined;
    for (const i of active) {
      if (out.length >= MAX_MATCHES_PER_FILE) {
        state.truncated = true;
        break;
      }
      const c = this.compiled[i]!;
      if (c.rule.expand && depth > 0) continue;
      if (c.rule.fileFilter && !c.rule.fileFilter((lower ??= text.toLowerCase()), path)) continue;
      if (c.rule.expand) this.expandedCandidates(i, c, path, text, state, out);
      else this.regexCandidates(i, c, path, text, state, out);
    }
    return out;
  }

  private regexCandidates(order: number, c: CompiledRule, path: string, text: string, state: ScanState, out: Candidate[]): void {
    const { rule, regex } = c;
    const scratch = new Map<string, number>();
    regex.lastIndex = 0;
    let count = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(text)) !== null) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      if (count >= MAX_MATCHES_PER_RULE || out.length >= MAX_MATCHES_PER_FILE) {
        state.truncated = true;
        break;
      }
      const [start, end] = secretSpan(m);
      const raw = text.slice(start, end);
      const ctx: MatchContext = { text, path, match: m, scratch };
      const secret = rule.verify ? rule.verify(raw, ctx) : raw;
      if (!secret) continue;
      if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) continue;
      if (isPlaceholder(secret)) continue;
      if (rule.allowlist?.some((a) => a.test(secret))) continue;
      const evidence = rule.evidence === 'match' ? firstLine(m[0]) : redactedEvidence(m[0], start - m.index, end - m.index);
      const offset = rule.evidence === 'match' ? m.index : start;
      out.push({ order, rule, offset, endOffset: Math.max(offset, (ctx.endOffset ?? end) - 1), secret, evidence });
      count++;
    }
  }

  private expandedCandidates(order: number, c: CompiledRule, path: string, text: string, state: ScanState, out: Candidate[]): void {
    c.regex.lastIndex = 0;
    if (!c.regex.test(text)) return;
    let values: ExpandedValue[];
    try {
      values = c.rule.expand!(text);
    } catch {
      return;
    }
    for (const v of values.slice(0, MAX_MATCHES_PER_RULE)) {
      state.expandedOffsets.push(v.offset);
      const decoded = v.text !== null && v.text !== v.raw;
      const context = decoded ? `${v.label} (base64-decoded)` : v.label;
      const inner = v.text ? this.candidates(path, v.text, this.activeRules(path, this.matcher.scanString(v.text)), 1, state) : [];
      if (inner.length) {
        for (const x of inner) {
          out.push({ ...x, offset: v.offset, endOffset: v.offset, evidence: `${context}: ${x.evidence}`, context });
        }
        continue;
      }
      const secret = v.text ?? v.raw;
      const value = secret.trim();
      if (value.length < 4 || TRIVIAL_VALUES.has(value.toLowerCase()) || isPlaceholder(value)) continue;
      if (value.startsWith('-----BEGIN CERTIFICATE') || value.startsWith('-----BEGIN PUBLIC KEY')) continue;
      out.push({ order, rule: c.rule, offset: v.offset, endOffset: v.offset, secret, evidence: `${v.label}: ${redact(v.raw.trim())}`, context });
    }
  }

  private finish(text: string, candidates: Candidate[], expandedOffsets: number[]): SecretMatch[] {
    if (!candidates.length) return [];
    const starts = lineStarts(text);
    // A structured value (Secret data) is judged by what it decodes to; other rules do not report its raw line.
    const expandedLines = new Set(expandedOffsets.map((o) => lineOf(starts, o)));
    const seen = new Set<string>();
    const matches: Array<SecretMatch & { order: number; offset: number }> = [];
    // Earlier rules first, so a vendor rule beats a generic one on the same line and secret.
    const ordered = [...candidates].sort((a, b) => a.order - b.order || a.offset - b.offset);
    for (const c of ordered) {
      const li = lineOf(starts, c.offset);
      if (c.context === undefined && expandedLines.has(li)) continue;
      const hash = secretHash(c.secret);
      const key = `${li}:${hash}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const m: SecretMatch & { order: number; offset: number } = {
        rule: c.rule,
        line: li + 1,
        column: c.offset - starts[li]! + 1,
        endLine: lineOf(starts, c.endOffset) + 1,
        evidence: c.evidence,
        secretHash: hash,
        order: c.order,
        offset: c.offset,
      };
      if (c.context) m.context = c.context;
      matches.push(m);
    }
    matches.sort((a, b) => a.offset - b.offset || a.order - b.order);
    return matches.map(({ order: _o, offset: _off, ...m }) => m);
  }
}

const setCache = new WeakMap<readonly SecretRule[], SecretRuleSet>();
const extendedCache = new WeakMap<readonly SecretRule[], WeakMap<readonly SecretRule[], SecretRuleSet>>();

/** The prepared rule set for these options, built once per pair of rule arrays. */
export function secretRuleSet(options: Pick<SecretScanOptions, 'rules' | 'extraRules'> = {}): SecretRuleSet {
  const base = options.rules ?? BUILTIN_SECRET_RULES;
  const extra = options.extraRules;
  if (!extra?.length) {
    let set = setCache.get(base);
    if (!set) setCache.set(base, (set = new SecretRuleSet(base)));
    return set;
  }
  let byExtra = extendedCache.get(base);
  if (!byExtra) extendedCache.set(base, (byExtra = new WeakMap()));
  let set = byExtra.get(extra);
  if (!set) byExtra.set(extra, (set = new SecretRuleSet([...base, ...extra])));
  return set;
}

/** Scan one file, with why it was skipped and whether a match cap was hit. */
export function scanSecretsDetailed(path: string, content: Buffer, options: SecretScanOptions = {}): SecretScanResult {
  const skipped = secretSkipReason(path, content, options.maxBytes ?? MAX_SECRET_FILE_BYTES);
  if (skipped) return { matches: [], skipped, truncated: false };
  return secretRuleSet(options).scanBytes(path, content);
}

/** The credentials in one file, redacted, in file order. */
export function scanSecrets(path: string, content: Buffer, options: SecretScanOptions = {}): SecretMatch[] {
  return scanSecretsDetailed(path, content, options).matches;
}
