/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1): one header may hold
 * several, each a scheme followed by comma-separated `name=value` or
 * `name="quoted value"` parameters (or a token68). The header comes from the
 * network, so the parser is total: bounded input, no backtracking, always
 * terminates, never throws.
 */

export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Lower-cased parameter names. */
  params: Record<string, string>;
  token68?: string;
}

/** Characters of the header that are read; the rest is ignored, so parsing work is bounded whatever a server sends. */
export const MAX_HEADER = 16 * 1024;
const TCHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
/** token68 then only spaces up to a comma or the end. */
const TOKEN68 = /([A-Za-z0-9._~+/-]+=*)[ \t]*(?=,|$)/y;

export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const text = (typeof header === 'string' ? header : header.join(', ')).slice(0, MAX_HEADER);
  const out: AuthChallenge[] = [];
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TCHAR.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  /** Lenient: an unquoted value runs to the next comma or blank (URLs are not tokens, yet appear bare). */
  const readBare = (): string => {
    const start = i;
    while (i < n && text[i] !== ',' && text[i] !== ' ' && text[i] !== '\t') i++;
    return text.slice(start, i);
  };
  const readQuoted = (): string => {
    // at the opening quote
    i++;
    let value = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < n) i++;
      value += text[i];
      i++;
    }
    if (i < n) i++; // closing quote
    return value;
  };

  while (i < n) {
    // Skip separators and anything that cannot start a scheme.
    while (i < n && !TCHAR.test(text[i]!)) i++;
    if (i >= n) break;
    const scheme = readToken().toLowerCase();
    const challenge: AuthChallenge = { scheme, params: Object.create(null) as Record<string, string> };
    out.push(challenge);
    skipSpace();
    // A token68 right after the scheme: `Negotiate abc+/def==`.
    TOKEN68.lastIndex = i;
    const t68 = TOKEN68.exec(text);
    if (t68) {
      challenge.token68 = t68[1]!;
      i = TOKEN68.lastIndex;
      continue;
    }
    // Parameters until the next scheme (a token not followed by `=`).
    while (i < n) {
      skipSpace();
      while (i < n && text[i] === ',') {
        i++;
        skipSpace();
      }
      if (i >= n) break;
      const start = i;
      const name = readToken();
      if (name === '') {
        // Junk: skip to the next comma.
        while (i < n && text[i] !== ',') i++;
        continue;
      }
      skipSpace();
      if (text[i] !== '=') {
        // A new challenge begins here.
        i = start;
        break;
      }
      i++; // '='
      skipSpace();
      const value = text[i] === '"' ? readQuoted() : readBare();
      const key = name.toLowerCase();
      if (!(key in challenge.params)) challenge.params[key] = value;
      skipSpace();
      if (i < n && text[i] !== ',') {
        // Garbage after a value: skip to the next comma.
        while (i < n && text[i] !== ',') i++;
      }
    }
  }
  return out;
}

/** The bearer challenge's realm, service and scopes, or undefined when the header has none. */
export function bearerChallenge(challenges: readonly AuthChallenge[]): { realm: string; service?: string; scopes: string[]; error?: string } | undefined {
  const c = challenges.find((x) => x.scheme === 'bearer' && x.params.realm);
  if (!c) return undefined;
  const out: { realm: string; service?: string; scopes: string[]; error?: string } = {
    realm: c.params.realm!,
    scopes: (c.params.scope ?? '').split(' ').filter((s) => s !== ''),
  };
  if (c.params.service !== undefined) out.service = c.params.service;
  if (c.params.error !== undefined) out.error = c.params.error;
  return out;
}
