/**
 * Python distribution names. Package indexes compare names after PEP 503
 * normalisation (`Jinja2`, `jinja2`, `charset_normalizer` and
 * `charset-normalizer` are one project each); records keep the name as
 * written and the purl builder normalises.
 */

/** PEP 508 names: letters and digits, with `.`, `_`, `-` inside. */
const VALID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function isDistributionName(name: string): boolean {
  return name.length <= 200 && VALID.test(name);
}

/** PEP 503: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
