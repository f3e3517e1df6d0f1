/**
 * The license fields npm metadata has used over the years: a string (SPDX
 * expression, the modern form), an object `{ type, url }` (npm < 2 era), and
 * a `licenses` array of either. `SEE LICENSE IN <file>` names a file rather
 * than a license, so it is returned apart.
 */

const MAX_LICENSES = 16;
const MAX_LICENSE_LENGTH = 256;

export interface NpmLicenses {
  licenses: string[];
  /** The file named by `SEE LICENSE IN <file>`, when that is what was written. */
  licenseFile?: string;
}

function licenseText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const type = (value as { type?: unknown }).type;
    if (typeof type === 'string') return type.trim() || undefined;
  }
  return undefined;
}

export function npmLicenses(license: unknown, licenses: unknown): NpmLicenses {
  const raw: unknown[] = [];
  if (Array.isArray(license)) raw.push(...license.slice(0, MAX_LICENSES));
  else if (license !== undefined) raw.push(license);
  if (raw.length === 0 && Array.isArray(licenses)) raw.push(...licenses.slice(0, MAX_LICENSES));
  const out: NpmLicenses = { licenses: [] };
  for (const item of raw) {
    const text = licenseText(item);
    if (!text || text.length > MAX_LICENSE_LENGTH) continue;
    const seeFile = /^SEE LICEN[CS]E IN\s+(.+)$/i.exec(text);
    if (seeFile) {
      out.licenseFile ??= seeFile[1]!.trim();
      continue;
    }
    if (!out.licenses.includes(text)) out.licenses.push(text);
  }
  return out;
}
