/** Timing of the live refresh: every 10 s, every 2 s while something on the page is still moving. */
export const REFRESH_MS = 10_000;
export const FAST_REFRESH_MS = 2_000;

/** How long to wait from `now` until the next fetch, given when the last one settled. */
export function nextRefreshDelay(now: number, settledAt: number, fast: boolean): number {
  const every = fast ? FAST_REFRESH_MS : REFRESH_MS;
  return Math.max(0, Math.min(every, settledAt + every - now));
}

/** "updated 4s ago" for the refresh bar. */
export function updatedAgo(now: number, updatedAt: number | null): string {
  if (updatedAt === null) return 'not loaded yet';
  const sec = Math.max(0, Math.floor((now - updatedAt) / 1000));
  if (sec < 1) return 'updated just now';
  if (sec < 60) return `updated ${sec}s ago`;
  if (sec < 3600) return `updated ${Math.floor(sec / 60)}m ago`;
  return `updated ${Math.floor(sec / 3600)}h ago`;
}

/** A scan that will still change: the scans page refreshes fast while one is shown. */
export function isScanActive(status: string): boolean {
  return status === 'queued' || status === 'running';
}
