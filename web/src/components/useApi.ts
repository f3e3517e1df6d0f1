import { useEffect, useState } from 'react';
import { getJson } from '../api/client.js';

export type Loadable<T> = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ok'; data: T };

/** Fetches one API path; refetches when the path changes; ignores answers for an old path. */
export function useApi<T>(path: string | null): Loadable<T> {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setValue({ state: 'loading' });
    getJson<T>(path).then(
      (data) => live && setValue({ state: 'ok', data }),
      (error: unknown) => live && setValue({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return value;
}
