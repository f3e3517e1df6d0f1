import { useEffect, useRef, useState } from 'react';
import { getJson } from '../api/client.js';
import { nextRefreshDelay } from '../lib/refresh.js';
import type { Loadable } from './useApi.js';
import { useLivePaused, useTabVisible } from './liveSettings.js';

export interface Live<T> {
  /** The newest answer, possibly for an earlier path while the current one loads (kept so nothing blinks). */
  data?: T;
  /** The path `data` answers. */
  dataPath?: string;
  /** The last failure, when the newest fetch failed. */
  error?: unknown;
  errorPath?: string;
  /** A fetch is in flight. */
  loading: boolean;
  /** When `data` arrived (ms since epoch). */
  updatedAt: number | null;
  /** Refreshing every 2 s rather than 10 s. */
  fast: boolean;
}

interface State<T> extends Omit<Live<T>, 'fast'> {
  settledAt: number;
}

/**
 * Fetches one API path and fetches it again on an interval while the tab is
 * visible and refresh is not paused; `fast(data)` asks for the short interval
 * (scans still queued or running). Old data stays on screen while a new answer
 * is on its way, and a failed refresh keeps the last good answer beside the error.
 */
export function useLiveApi<T>(path: string | null, fast?: (data: T) => boolean): Live<T> {
  const [state, setState] = useState<State<T>>({ loading: path !== null, updatedAt: null, settledAt: 0 });
  const [nonce, setNonce] = useState(0);
  const paused = useLivePaused();
  const visible = useTabVisible();
  const fastRef = useRef(fast);
  fastRef.current = fast;

  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    getJson<T>(path).then(
      (data) => {
        if (!live) return;
        const now = Date.now();
        setState({ data, dataPath: path, loading: false, updatedAt: now, settledAt: now });
      },
      (error: unknown) => live && setState((s) => ({ ...s, error, errorPath: path, loading: false, settledAt: Date.now() })),
    );
    return () => {
      live = false;
    };
  }, [path, nonce]);

  const isFast = state.data !== undefined && state.dataPath === path && !!fastRef.current?.(state.data);

  useEffect(() => {
    if (path === null || paused || !visible || state.loading) return;
    const timer = setTimeout(() => setNonce((n) => n + 1), nextRefreshDelay(Date.now(), state.settledAt, isFast));
    return () => clearTimeout(timer);
  }, [path, paused, visible, state.loading, state.settledAt, isFast]);

  const { settledAt: _settled, ...rest } = state;
  return { ...rest, fast: isFast };
}

/**
 * What a page should draw: its data (`stale` while it still answers the previous path, e.g. the previous
 * page of a list), a first-load message, or an error when there is nothing for this path to show.
 */
export function liveView<T>(l: Live<T>, path: string): { kind: 'loading' } | { kind: 'error'; error: unknown } | { kind: 'ok'; data: T; stale: boolean } {
  if (l.error !== undefined && l.errorPath === path && l.dataPath !== path) return { kind: 'error', error: l.error };
  if (l.data === undefined) return { kind: 'loading' };
  return { kind: 'ok', data: l.data, stale: l.dataPath !== path };
}

/** The live answer in the shape `useApi` gives, for pages that draw one answer whole. */
export function asLoadable<T>(l: Live<T>, path: string): Loadable<T> {
  const v = liveView(l, path);
  return v.kind === 'loading' ? { state: 'loading' } : v.kind === 'error' ? { state: 'error', error: v.error } : { state: 'ok', data: v.data };
}
