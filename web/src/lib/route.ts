/** Hash routes (`#/images/sha256:…`): static hosting needs no fallback and the token never enters the URL. */
export type Route =
  | { page: 'overview' }
  | { page: 'images' }
  | { page: 'image'; digest: string }
  | { page: 'kubernetes' }
  | { page: 'runtime' }
  | { page: 'registries' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const [head, ...rest] = path.split('/');
  switch (head) {
    case '':
    case 'overview':
      return rest.length ? { page: 'not-found', path } : { page: 'overview' };
    case 'images': {
      if (rest.length === 0) return { page: 'images' };
      let digest: string;
      try {
        digest = decodeURIComponent(rest.join('/'));
      } catch {
        return { page: 'not-found', path };
      }
      return /^[a-z0-9]+:[a-f0-9]{8,128}$/i.test(digest) ? { page: 'image', digest } : { page: 'not-found', path };
    }
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
