/**
 * The OSV record at the import boundary (https://ossf.github.io/osv-schema/).
 * Lenient where real data varies (unknown fields pass, informational fields
 * take any string), strict where matching depends on it: range types, the
 * shape of range events, a package on every ECOSYSTEM/SEMVER range.
 * A record that fails is reported with its id and the first problem found.
 */
import { z } from 'zod';

/** Upper bounds that no real record comes near; larger ones are refused, not truncated. */
export const RECORD_LIMITS = {
  affected: 50_000,
  ranges: 10_000,
  events: 10_000,
  versions: 1_000_000,
  listItems: 100_000,
  idLength: 128,
  versionLength: 512,
} as const;

/**
 * OSV ids in use: `GHSA-xxxx-xxxx-xxxx`, `CVE-2024-1`, `DEBIAN-CVE-…`,
 * `ALSA-2024:1234`, `RUSTSEC-2024-0001`, … The id also names the file in the
 * bucket (`<id>.json`), so nothing that could walk out of a folder is allowed.
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;

export function isValidOsvId(id: string): boolean {
  return id.length <= RECORD_LIMITS.idLength && ID_PATTERN.test(id) && !id.includes('..');
}

export const RANGE_TYPES = ['ECOSYSTEM', 'SEMVER', 'GIT'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];
export const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]+$/;

/**
 * Informational parts are checked by shape only and kept as they are: no
 * per-element parsing, no copies (they are most of a record's bulk, and
 * matching never reads them).
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const jsonObject = z.custom<Record<string, unknown>>(isPlainObject, 'expected a JSON object');

const timestamp = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not an RFC 3339 time');

function listOf<T>(check: (item: unknown) => item is T, what: string) {
  return z.custom<T[]>(
    (v) => Array.isArray(v) && v.length <= RECORD_LIMITS.listItems && v.every(check),
    `expected a list of ${what}`,
  );
}

const isShortString = (v: unknown): v is string => typeof v === 'string' && v.length <= 4096;
const stringList = listOf(isShortString, 'strings');

export interface OsvSeverity {
  type: string;
  score: string;
  [key: string]: unknown;
}
const severityList = listOf(
  (v): v is OsvSeverity => isPlainObject(v) && typeof v.type === 'string' && typeof v.score === 'string',
  'severity objects with type and score',
);

export interface OsvReference {
  type?: string;
  url?: string;
  [key: string]: unknown;
}
const referenceList = listOf(
  (v): v is OsvReference =>
    isPlainObject(v) && (v.url === undefined || typeof v.url === 'string') && (v.type === undefined || typeof v.type === 'string'),
  'references',
);

const isVersion = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= RECORD_LIMITS.versionLength && NO_CONTROL_CHARS.test(v);
const versionList = z.custom<string[]>(
  (v) => Array.isArray(v) && v.length <= RECORD_LIMITS.versions && v.every(isVersion),
  'versions must be non-empty strings without control characters',
);

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
/**
 * Events are checked in one plain pass (ranges hold most of a record's
 * elements): a non-empty list, each event with exactly one of the four kinds,
 * holding a usable version string.
 */
function eventProblem(v: unknown): string | undefined {
  if (!isPlainObject(v)) return 'an event must be an object';
  let kinds = 0;
  for (const k of EVENT_KINDS) {
    const value = v[k];
    if (value === undefined) continue;
    if (!isVersion(value)) return `${k} is not a usable version: ${JSON.stringify(value)?.slice(0, 80)}`;
    kinds++;
  }
  return kinds === 1 ? undefined : 'an event needs exactly one of introduced, fixed, last_affected, limit';
}
const eventList = z.custom<OsvEvent[]>().superRefine((v, ctx) => {
  if (!Array.isArray(v)) return void ctx.addIssue({ code: 'custom', message: 'events must be a list' });
  if (v.length === 0) return void ctx.addIssue({ code: 'custom', message: 'a range without events' });
  if (v.length > RECORD_LIMITS.events) return void ctx.addIssue({ code: 'custom', message: 'too many events' });
  for (let i = 0; i < v.length; i++) {
    const problem = eventProblem(v[i]);
    if (problem) return void ctx.addIssue({ code: 'custom', message: problem, path: [i] });
  }
});

const range = z
  .looseObject({
    type: z.enum(RANGE_TYPES, { error: (issue) => `unknown range type ${JSON.stringify(issue.input)}` }),
    repo: z.string().max(2048).nullish(),
    events: eventList,
    database_specific: jsonObject.nullish(),
  })
  .superRefine((r, ctx) => {
    if (r.type === 'GIT' && !r.repo) ctx.addIssue({ code: 'custom', message: 'a GIT range without repo' });
    if (r.type !== 'GIT' && !r.events.some((e) => e.introduced !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `a ${r.type} range without an introduced event` });
    }
  });

const affectedPackage = z.looseObject({
  ecosystem: z.string().min(1, 'empty ecosystem').max(256),
  name: z.string().min(1, 'empty package name').max(1024),
  purl: z.string().max(4096).nullish(),
});

const affected = z
  .looseObject({
    package: affectedPackage.nullish(),
    ranges: z.array(range).max(RECORD_LIMITS.ranges).nullish(),
    versions: versionList.nullish(),
    severity: severityList.nullish(),
    ecosystem_specific: jsonObject.nullish(),
    database_specific: jsonObject.nullish(),
  })
  .superRefine((a, ctx) => {
    if (a.package) return;
    if (!a.ranges?.length || a.ranges.some((r) => r.type !== 'GIT')) {
      ctx.addIssue({ code: 'custom', message: 'an affected entry without package needs GIT ranges only' });
    }
  });

export const OsvRecordSchema = z.looseObject({
  schema_version: z.string().max(32).nullish(),
  id: z.string().refine(isValidOsvId, 'not a usable OSV id'),
  modified: timestamp,
  published: timestamp.nullish(),
  withdrawn: timestamp.nullish(),
  aliases: stringList.nullish(),
  upstream: stringList.nullish(),
  related: stringList.nullish(),
  summary: z.string().nullish(),
  details: z.string().nullish(),
  severity: severityList.nullish(),
  affected: z.array(affected).max(RECORD_LIMITS.affected).nullish(),
  references: referenceList.nullish(),
  credits: listOf(isPlainObject, 'objects').nullish(),
  database_specific: jsonObject.nullish(),
});

export type OsvRecord = z.infer<typeof OsvRecordSchema>;
export type OsvAffected = z.infer<typeof affected>;
export type OsvRange = z.infer<typeof range>;

/** Top-level fields the schema knows; anything else is kept as `extra` in the database. */
export const KNOWN_RECORD_FIELDS: ReadonlySet<string> = new Set(Object.keys(OsvRecordSchema.shape));

export type RecordParse =
  | { ok: true; record: OsvRecord }
  | {
      ok: false;
      /** The record's id when it had a readable one. */
      id?: string;
      reason: string;
    };

/** Validate an already-parsed JSON value. Never throws. */
export function parseOsvRecord(value: unknown): RecordParse {
  let result: ReturnType<typeof OsvRecordSchema.safeParse>;
  try {
    result = OsvRecordSchema.safeParse(value);
  } catch (e) {
    // zod does not throw on bad input; this guards against pathological values (e.g. getters).
    return { ok: false, id: idOf(value), reason: `unreadable record: ${(e as Error).message}` };
  }
  if (result.success) return { ok: true, record: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return { ok: false, id: idOf(value), reason: `${where}${issue?.message ?? 'invalid record'}` };
}

/** Parse JSON text and validate it. Never throws. */
export function parseOsvJson(text: string): RecordParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  return parseOsvRecord(value);
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 && id.length <= RECORD_LIMITS.idLength ? id : undefined;
}
