import { useSyncExternalStore } from 'react';

/**
 * Whether live refresh is paused. One switch for the whole tab (kept in
 * sessionStorage), so pausing on one page does not resume on the next.
 */
const KEY = 'bulkhead.live.paused';
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return sessionStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

let paused = read();

export function setLivePaused(value: boolean): void {
  paused = value;
  try {
    if (value) sessionStorage.setItem(KEY, '1');
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage refused (private mode): the switch still holds for this page load */
  }
  listeners.forEach((fn) => fn());
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function useLivePaused(): boolean {
  return useSyncExternalStore(subscribe, () => paused);
}

/** Re-renders when the tab is shown or hidden. */
export function useTabVisible(): boolean {
  return useSyncExternalStore(
    (fn) => {
      document.addEventListener('visibilitychange', fn);
      return () => document.removeEventListener('visibilitychange', fn);
    },
    () => document.visibilityState === 'visible',
  );
}
