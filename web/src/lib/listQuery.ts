/**
 * Filters and paging of the list pages (scans, findings, images), read from and
 * written to the hash route's query so a view can be linked. Only values the API
 * accepts survive parsing; everything else falls back to the default.
 */
import type { RouteQuery } from './route.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;
export const FINDING_KINDS = ['vulnerability', 'misconfiguration', 'secret', 'license', 'runtime', 'policy'] as const;
export const SCAN_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export const SCAN_KINDS = ['image', 'sbom', 'kubernetes', 'rescan'] as const;
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;
/** The scans list serves at most 500 per call (the findings list 1000): the lower bound for both. */
export const MAX_PAGE_SIZE = 500;
const MAX_PAGE = 1_000_000;

/** For each filter key, the values the API accepts. */
export type FilterSpec = Readonly<Record<string, readonly string[]>>;

export const FINDING_STATUSES = ['affected', 'fixed', 'unfixed', 'will-not-fix', 'not-affected', 'end-of-life'] as const;
export const FINDINGS_FILTERS = { severity: SEVERITIES, kind: FINDING_KINDS, status: FINDING_STATUSES, fixable: ['true', 'false'] } as const satisfies FilterSpec;
export const SCANS_FILTERS = { status: SCAN_STATUSES, kind: SCAN_KINDS } as const satisfies FilterSpec;
export const NO_FILTERS = {} as const satisfies FilterSpec;

export interface ListQuery<S extends FilterSpec> {
  filters: { [K in keyof S]?: S[K][number] };
  page: number;
  size: number;
}

function intIn(v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined || !/^\d{1,7}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

export function parseListQuery<S extends FilterSpec>(raw: RouteQuery, spec: S): ListQuery<S> {
  const filters: Record<string, string> = {};
  for (const [key, allowed] of Object.entries(spec)) {
    const v = Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
    if (v !== undefined && allowed.includes(v)) filters[key] = v;
  }
  return {
    filters: filters as ListQuery<S>['filters'],
    page: intIn(raw.page, 1, MAX_PAGE) ?? 1,
    size: intIn(raw.size, 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
  };
}

function queryString(params: Array<[string, string | number | undefined]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function filterPairs(filters: Record<string, string | undefined>): Array<[string, string | undefined]> {
  return Object.keys(filters)
    .sort()
    .map((k) => [k, filters[k]]);
}

/** The API path for one page: the filters plus limit/offset. */
export function listApiPath<S extends FilterSpec>(base: string, q: ListQuery<S>): string {
  return base + queryString([...filterPairs(q.filters as Record<string, string | undefined>), ['limit', q.size], ['offset', (q.page - 1) * q.size]]);
}

/** The hash route of a view; defaults (page 1, default size) are left out so links stay short. */
export function listHash<S extends FilterSpec>(page: string, q: ListQuery<S>): string {
  return (
    `#/${page}` +
    queryString([
      ...filterPairs(q.filters as Record<string, string | undefined>),
      ['page', q.page > 1 ? q.page : undefined],
      ['size', q.size !== DEFAULT_PAGE_SIZE ? q.size : undefined],
    ])
  );
}

/** A changed filter or page size starts again at page 1 (the old page may not exist any more). */
export function withFilter<S extends FilterSpec>(q: ListQuery<S>, key: keyof S & string, value: string): ListQuery<S> {
  const filters = { ...q.filters } as Record<string, string>;
  if (value) filters[key] = value;
  else delete filters[key];
  return { filters: filters as ListQuery<S>['filters'], page: 1, size: q.size };
}
