/** Page arithmetic shared by the paged tables. */

export interface PageInfo {
  /** 1-based index of the first and last row shown (0 and 0 when the page is empty). */
  first: number;
  last: number;
  /** Null when the API gave no total. */
  total: number | null;
  pages: number | null;
  hasPrev: boolean;
  hasNext: boolean;
}

/**
 * `shown` is how many rows this page holds. Without a total, a full page means
 * there may be a next one; an empty or short page means there is none.
 */
export function pageInfo(page: number, size: number, shown: number, total?: number | null): PageInfo {
  const offset = (page - 1) * size;
  const known = typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : null;
  return {
    first: shown > 0 ? offset + 1 : 0,
    last: offset + shown,
    total: known,
    pages: known === null ? null : Math.max(1, Math.ceil(known / size)),
    hasPrev: page > 1,
    hasNext: known === null ? shown >= size : offset + shown < known,
  };
}

/** The rows of one page of a list held whole in the browser. */
export function slicePage<T>(items: readonly T[], page: number, size: number): T[] {
  const start = (Math.max(1, page) - 1) * size;
  return items.slice(start, start + size);
}

/** The last page that still has rows (page 1 for an empty list). */
export function lastPage(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}
