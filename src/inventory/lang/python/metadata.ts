/**
 * Core metadata of an installed distribution (`METADATA` in a `.dist-info`,
 * `PKG-INFO` in an `.egg-info`): RFC 822 style headers, a header per line,
 * continuation lines starting with white space, headers ending at the first
 * empty line (the description body may follow).
 */

const MAX_HEADERS = 5000;

/** Header values by lower-cased name, in file order (Classifier and others repeat). */
export type Headers = Map<string, string[]>;

export function parseHeaders(text: string): { headers: Headers; malformed: number } {
  const headers: Headers = new Map();
  let malformed = 0;
  let count = 0;
  let last: { values: string[]; index: number } | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    if (line === '') break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (last) last.values[last.index] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      malformed++;
      last = undefined;
      continue;
    }
    if (++count > MAX_HEADERS) break;
    const name = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(name, values);
    last = { values, index: values.length - 1 };
  }
  return { headers, malformed };
}

export function first(headers: Headers, name: string): string | undefined {
  const v = headers.get(name)?.[0]?.trim();
  return v || undefined;
}

const MAX_LICENSE_LENGTH = 200;

/**
 * The licenses a distribution states, most precise first: `License-Expression`
 * (metadata 2.4, SPDX), else a short `License` field, else the names in
 * `License :: …` classifiers. A `License` field holding a whole license text
 * names nothing and is passed over.
 */
export function declaredLicenses(headers: Headers): string[] {
  const expression = first(headers, 'license-expression');
  if (expression && expression.length <= MAX_LICENSE_LENGTH) return [expression];
  const license = first(headers, 'license');
  if (license && !license.includes('\n') && license.length <= MAX_LICENSE_LENGTH && !/^(unknown|none)$/i.test(license)) return [license];
  const fromClassifiers: string[] = [];
  for (const c of headers.get('classifier') ?? []) {
    const parts = c.split('::').map((p) => p.trim());
    if (parts[0] !== 'License' || parts.length < 2) continue;
    const name = parts[parts.length - 1]!;
    // `License :: OSI Approved` alone says only that some approved license applies.
    if (parts.length === 2 && name === 'OSI Approved') continue;
    if (name && !fromClassifiers.includes(name)) fromClassifiers.push(name);
  }
  return fromClassifiers;
}
