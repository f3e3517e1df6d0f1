/** Hash routes (`#/images/sha256:…`, `#/findings?severity=high`): static hosting needs no fallback and the token never enters the URL. */
export type RouteQuery = Record<string, string>;

export type Route =
  | { page: 'overview' }
  | { page: 'images'; query: RouteQuery }
  | { page: 'image'; digest: string }
  | { page: 'scans'; query: RouteQuery }
  | { page: 'findings'; query: RouteQuery }
  | { page: 'kubernetes' }
  | { page: 'runtime' }
  | { page: 'registries' }
  | { page: 'not-found'; path: string };

/** Bounds on what a hash may carry: anything longer is someone else's URL, not a view of ours. */
const MAX_HASH = 4096;
const MAX_PARAMS = 20;
const MAX_VALUE = 200;
const KEY = /^[a-z][a-zA-Z]{0,19}$/;

/** The `?…` part of a hash route: short known-shaped keys only, first value wins, values bounded. */
export function parseRouteQuery(qs: string): RouteQuery {
  const out: RouteQuery = {};
  let n = 0;
  for (const [k, v] of new URLSearchParams(qs)) {
    if (n >= MAX_PARAMS) break;
    if (!KEY.test(k) || Object.prototype.hasOwnProperty.call(out, k) || v.length > MAX_VALUE) continue;
    out[k] = v;
    n++;
  }
  return out;
}

export function parseRoute(hash: string): Route {
  const raw = hash.length > MAX_HASH ? hash.slice(0, MAX_HASH) : hash;
  const noHash = raw.replace(/^#/, '');
  const q = noHash.indexOf('?');
  const pathPart = q === -1 ? noHash : noHash.slice(0, q);
  const qs = q === -1 ? '' : noHash.slice(q + 1);
  const path = pathPart.replace(/^\/+/, '').replace(/\/+$/, '');
  const [head, ...rest] = path.split('/');
  switch (head) {
    case '':
    case 'overview':
      return rest.length ? { page: 'not-found', path } : { page: 'overview' };
    case 'images': {
      if (rest.length === 0) return { page: 'images', query: parseRouteQuery(qs) };
      let digest: string;
      try {
        digest = decodeURIComponent(rest.join('/'));
      } catch {
        return { page: 'not-found', path };
      }
      return /^[a-z0-9]+:[a-f0-9]{8,128}$/i.test(digest) ? { page: 'image', digest } : { page: 'not-found', path };
    }
    case 'scans':
    case 'findings':
      return rest.length ? { page: 'not-found', path } : { page: head, query: parseRouteQuery(qs) };
    case 'kubernetes':
    case 'runtime':
    case 'registries':
      return rest.length ? { page: 'not-found', path } : { page: head };
    default:
      return { page: 'not-found', path };
  }
}

export function imageHref(digest: string): string {
  return `#/images/${encodeURIComponent(digest)}`;
}
