/**
 * The Kubernetes CEL `url()` library: absolute URLs and absolute paths, with
 * the scheme, host, hostname, port, escaped path and query of each. Parsing
 * is WHATWG URL parsing (Node's), which agrees with Go's url.ParseRequestURI
 * on ordinary URLs and may differ on exotic ones.
 */

export class CelUrl {
  private constructor(
    readonly scheme: string,
    readonly host: string,
    readonly hostname: string,
    readonly port: string,
    readonly escapedPath: string,
    readonly query: Record<string, string[]>,
  ) {}

  static tryParse(text: string): CelUrl | undefined {
    if (!text || /\s/.test(text)) return undefined;
    try {
      if (text.startsWith('/')) {
        const u = new URL(text, 'http://placeholder.invalid');
        return new CelUrl('', '', '', '', u.pathname, queryOf(u));
      }
      if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text)) return undefined;
      const u = new URL(text);
      const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
      return new CelUrl(u.protocol.slice(0, -1), u.host, hostname, u.port, u.pathname, queryOf(u));
    } catch {
      return undefined;
    }
  }

  static parse(text: string): CelUrl {
    const u = CelUrl.tryParse(text);
    if (!u) throw new Error(`URL parse error during conversion from string: "${text.slice(0, 128)}" is not an absolute URI or path`);
    return u;
  }
}

function queryOf(u: URL): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of u.searchParams) {
    if (!Object.prototype.hasOwnProperty.call(out, k)) Object.defineProperty(out, k, { value: [], enumerable: true, writable: true, configurable: true });
    out[k]!.push(v);
  }
  return out;
}
