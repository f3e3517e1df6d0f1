import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';
import { FAST_REFRESH_MS, REFRESH_MS, updatedAgo } from '../lib/refresh.js';
import { setLivePaused, useLivePaused, useTabVisible } from './liveSettings.js';
import type { Live } from './useLiveApi.js';

/** "updated 4s ago · every 10 s · Pause": the state of a page's live refresh, with its switch. */
export function LiveBar({ live }: { live: Live<unknown> }) {
  const paused = useLivePaused();
  const visible = useTabVisible();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const refreshFailed = live.error !== undefined && live.data !== undefined && live.errorPath === live.dataPath;
  const every = `${(live.fast ? FAST_REFRESH_MS : REFRESH_MS) / 1000} s`;
  const mode = paused ? 'auto-refresh paused' : !visible ? 'auto-refresh waits while the tab is hidden' : `auto-refresh every ${every}${live.fast ? ' while scans are in progress' : ''}`;
  return (
    <div className="livebar" data-testid="livebar">
      <span data-testid="updated-ago" title={live.updatedAt ? new Date(live.updatedAt).toISOString() : undefined}>
        {updatedAgo(now, live.updatedAt)}
      </span>
      <span className="muted"> · {mode}</span>
      {live.loading && live.data !== undefined ? <span className="muted"> · refreshing…</span> : null}
      {refreshFailed ? (
        <span className="form-error" role="status">
          {' '}
          · last refresh failed: {live.error instanceof ApiError || live.error instanceof Error ? live.error.message : String(live.error)} (showing the previous answer)
        </span>
      ) : null}
      <button type="button" className="secondary" aria-pressed={paused} onClick={() => setLivePaused(!paused)}>
        {paused ? 'Resume auto-refresh' : 'Pause auto-refresh'}
      </button>
    </div>
  );
}
