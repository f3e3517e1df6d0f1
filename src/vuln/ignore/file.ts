/**
 * `.bulkheadignore.yaml`: findings the team has looked at and decided to accept, each with a reason
 * and, ideally, an expiry date.
 *
 *     ignore:
 *       - id: CVE-2020-8203          # finding id or any of its aliases
 *         purl: pkg:npm/lodash       # optional; prefix match (any version)
 *         reason: prototype pollution needs attacker-controlled paths; we pass none
 *         expires: 2026-12-31        # optional; stops applying at the start of that day (UTC)
 *       - id: CVE-2005-2541
 *         package: tar               # optional; package or source package name
 *         path: /var/lib/dpkg/**     # optional; `*` within a segment, `**` across segments
 *         reason: tar is never run on untrusted archives in this image
 *
 * Unknown keys are errors: a misspelt `expires` must not turn into a permanent ignore.
 */
import { readFile, stat } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';
import { MAX_GLOB_LENGTH } from './glob.js';

export const IGNORE_FILE_NAME = '.bulkheadignore.yaml';
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;
export const MAX_IGNORE_ENTRIES = 10_000;
const MAX_ALIASES = 50;
const MAX_FIELD = 4096;

export interface IgnoreEntry {
  /** Finding id or alias (`CVE-…`, `GHSA-…`, a check id, a secret rule id). */
  id: string;
  /** Package name; also matches the source package (`openssl` covers `libssl3`). */
  package?: string;
  /** purl prefix: `pkg:npm/lodash` matches every version, `pkg:npm/lodash@4.17.15` one. */
  purl?: string;
  /** Glob over the finding's location path. */
  path?: string;
  reason: string;
  /** `YYYY-MM-DD`; the entry applies before the start of that day (UTC). */
  expires?: string;
  /** 1-based line of the entry in its file. */
  line: number;
  /** `file:line`, used as the suppression source and in notices. */
  where: string;
}

export interface IgnoreFile {
  /** File name as given (used in `where`). */
  source: string;
  entries: IgnoreEntry[];
}

const text = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(MAX_FIELD, `${what} is longer than ${MAX_FIELD} characters`);

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const entrySchema = z
  .strictObject({
    id: text('id'),
    package: text('package').optional(),
    purl: text('purl')
      .refine((s) => /^pkg:[a-z0-9.+-]+\/./i.test(s), 'purl must look like pkg:<type>/<name>')
      .optional(),
    path: text('path').max(MAX_GLOB_LENGTH, `path is longer than ${MAX_GLOB_LENGTH} characters`).optional(),
    reason: text('reason'),
    expires: z
      .string({ error: 'expires must be a date written YYYY-MM-DD' })
      .refine(isCalendarDate, 'expires must be a real date written YYYY-MM-DD')
      .optional(),
  })
  .refine((e) => e.package === undefined || e.purl === undefined, {
    message: 'give either package or purl, not both',
    path: ['purl'],
  });

const fileSchema = z.strictObject(
  {
    ignore: z
      .array(entrySchema, { error: 'ignore must be a list of entries' })
      .max(MAX_IGNORE_ENTRIES, `more than ${MAX_IGNORE_ENTRIES} entries`)
      .nullish(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'the top level must be a mapping with an `ignore:` list' : undefined) },
);

function lineOf(lines: LineCounter, offset: number | undefined): number {
  return offset === undefined ? 1 : lines.linePos(offset).line;
}

/** The deepest node along `path` that exists (a missing key points at its parent mapping). */
function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let found: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(found)) next = found.get(key, true);
    else if (isSeq(found) && typeof key === 'number') next = found.get(key, true);
    if (!next || typeof next !== 'object' || !('range' in next)) break;
    found = next as Node;
  }
  return found;
}

function invalid(source: string, line: number, message: string, hint?: string): BulkheadError<'CONFIG_FILE_INVALID'> {
  return new BulkheadError('CONFIG_FILE_INVALID', `ignore file ${source}: ${message}`, {
    where: `${source}:${line}`,
    hint: hint ?? 'each entry takes id and reason, optionally package or purl, path and expires (YYYY-MM-DD)',
  });
}

/** Parse an ignore file's text. Throws only `BulkheadError('CONFIG_FILE_INVALID')`. */
export function parseIgnoreFile(yamlText: string, source: string = IGNORE_FILE_NAME): IgnoreFile {
  if (yamlText.length > MAX_IGNORE_FILE_BYTES) {
    throw invalid(source, 1, `larger than ${MAX_IGNORE_FILE_BYTES} bytes`, 'split or trim the file');
  }
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(yamlText, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (e) {
    throw invalid(source, 1, `not readable YAML (${e instanceof Error ? e.message : String(e)})`);
  }
  const first = doc.errors[0];
  if (first) {
    throw invalid(source, lineOf(lines, first.pos[0]), `not valid YAML: ${first.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw invalid(source, 1, `YAML could not be expanded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, 'remove the anchors and aliases');
  }
  if (data === null || data === undefined) return { source, entries: [] };
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = nodeAt(doc, issue.path);
    const at = issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    throw invalid(source, lineOf(lines, node?.range?.[0]), `${issue.message}${at}`);
  }
  const raw = parsed.data.ignore ?? [];
  const entries: IgnoreEntry[] = raw.map((e, i) => {
    const line = lineOf(lines, nodeAt(doc, ['ignore', i])?.range?.[0]);
    const entry: IgnoreEntry = { id: e.id, reason: e.reason, line, where: `${source}:${line}` };
    if (e.package !== undefined) entry.package = e.package;
    if (e.purl !== undefined) entry.purl = e.purl;
    if (e.path !== undefined) entry.path = e.path;
    if (e.expires !== undefined) entry.expires = e.expires;
    return entry;
  });
  return { source, entries };
}

/** Read and parse an ignore file; a missing, oversized or unreadable file is a `CONFIG_FILE_INVALID` error. */
export async function readIgnoreFile(path: string, source: string = path): Promise<IgnoreFile> {
  let content: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw invalid(source, 1, 'not a regular file');
    if (info.size > MAX_IGNORE_FILE_BYTES) throw invalid(source, 1, `larger than ${MAX_IGNORE_FILE_BYTES} bytes`, 'split or trim the file');
    content = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new BulkheadError('CONFIG_FILE_INVALID', `ignore file ${source} cannot be read${code ? ` (${code})` : ''}`, {
      where: source,
      hint: code === 'ENOENT' ? 'check the path given for the ignore file' : 'check the file permissions',
      cause: e,
    });
  }
  return parseIgnoreFile(content, source);
}
