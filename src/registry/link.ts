/**
 * RFC 8288 `Link` headers, as registries use them for pagination:
 * `</v2/_catalog?last=b&n=2>; rel="next"`. Total parser: bounded input,
 * never throws; a malformed entry is skipped.
 */

export interface LinkValue {
  target: string;
  params: Record<string, string>;
}

const MAX_HEADER = 16 * 1024;

export function parseLinkHeader(header: string | readonly string[] | undefined): LinkValue[] {
  if (header === undefined) return [];
  const text = (typeof header === 'string' ? header : header.join(', ')).slice(0, MAX_HEADER);
  const out: LinkValue[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const open = text.indexOf('<', i);
    if (open < 0) break;
    const close = text.indexOf('>', open + 1);
    if (close < 0) break;
    const link: LinkValue = { target: text.slice(open + 1, close).trim(), params: Object.create(null) as Record<string, string> };
    i = close + 1;
    // Parameters: `; name=value` or `; name="value"` until a comma outside quotes or the next `<`.
    while (i < n) {
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      if (text[i] !== ';') break;
      i++;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      const nameStart = i;
      while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(text[i]!)) i++;
      const name = text.slice(nameStart, i).toLowerCase();
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      let value = '';
      if (text[i] === '=') {
        i++;
        while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
        if (text[i] === '"') {
          i++;
          while (i < n && text[i] !== '"') {
            if (text[i] === '\\' && i + 1 < n) i++;
            value += text[i];
            i++;
          }
          if (i < n) i++;
        } else {
          const start = i;
          while (i < n && text[i] !== ';' && text[i] !== ',' && text[i] !== '<') i++;
          value = text.slice(start, i).trim();
        }
      }
      if (name && !(name in link.params)) link.params[name] = value;
      if (name === '' && text[i] !== ';') {
        // Junk: resynchronise at the next separator.
        while (i < n && text[i] !== ',' && text[i] !== '<' && text[i] !== ';') i++;
      }
    }
    out.push(link);
    const comma = text.indexOf(',', i);
    const nextOpen = text.indexOf('<', i);
    if (nextOpen < 0) break;
    i = comma >= 0 && comma < nextOpen ? comma + 1 : nextOpen;
  }
  return out;
}

/** The target of the link whose `rel` list contains `next`. */
export function nextLink(header: string | readonly string[] | undefined): string | undefined {
  return parseLinkHeader(header).find((l) => (l.params.rel ?? '').toLowerCase().split(/\s+/).includes('next'))?.target;
}
