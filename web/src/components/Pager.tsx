import { pageInfo } from '../lib/paging.js';
import { PAGE_SIZES } from '../lib/listQuery.js';

interface PagerProps {
  /** What the rows are, for labels ("scans", "findings"). */
  what: string;
  page: number;
  size: number;
  shown: number;
  total?: number | null;
  onPage(page: number): void;
  onSize(size: number): void;
}

/** Previous/next with "21–30 of 57" (or "21–30" when the API gives no total) and a page size choice. */
export function Pager({ what, page, size, shown, total, onPage, onSize }: PagerProps) {
  const info = pageInfo(page, size, shown, total);
  const sizes: number[] = PAGE_SIZES.includes(size as (typeof PAGE_SIZES)[number]) ? [...PAGE_SIZES] : [...PAGE_SIZES, size].sort((a, b) => a - b);
  return (
    <nav className="pager" aria-label={`Pages of ${what}`} data-testid="pager">
      <button type="button" onClick={() => onPage(page - 1)} disabled={!info.hasPrev}>
        ← Previous
      </button>
      <span data-testid="page-range">
        {info.first === 0 ? `No ${what}` : `${info.first}–${info.last}`}
        {info.total !== null ? ` of ${info.total}` : ''}
        {info.pages !== null ? ` · page ${page} of ${info.pages}` : ` · page ${page}`}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={!info.hasNext}>
        Next →
      </button>
      <label>
        Per page{' '}
        <select value={size} onChange={(e) => onSize(Number(e.target.value))}>
          {sizes.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}
