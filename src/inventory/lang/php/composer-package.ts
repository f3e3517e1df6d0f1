/**
 * One entry of a Composer package list, as composer.lock and
 * vendor/composer/installed.json both write it.
 */
import type { PackageRecord } from '../../analyzer.js';

export const MAX_PACKAGES = 100_000;
const NAME = /^[a-z0-9](?:[_.-]?[a-z0-9]+)*\/[a-z0-9](?:(?:[_.]|-{1,2})?[a-z0-9]+)*$/i;

/** The package, or a reason it was skipped. */
export function composerPackage(entry: unknown, dev: boolean): PackageRecord | string {
  const e = entry as Record<string, unknown> | null;
  const name = e?.name;
  const version = e?.version;
  if (typeof name !== 'string' || name.length > 256 || !NAME.test(name)) return 'entry without a valid "vendor/name"';
  if (typeof version !== 'string' || version === '' || version.length > 128) return `${name} has no version`;
  // Composer itself lower-cases names; versions are kept as written (`v6.4.8`, `2.0.1`, `dev-main`).
  const record: PackageRecord = { type: 'composer', name: name.toLowerCase(), version };
  const license = e?.license;
  const licenses = (Array.isArray(license) ? license : [license]).filter((l): l is string => typeof l === 'string' && l !== '' && l.length <= 256);
  if (licenses.length) record.licenses = licenses.slice(0, 20);
  if (dev) record.dev = true;
  const type = e?.type;
  if (typeof type === 'string' && type !== 'library' && type.length <= 64) record.properties = { 'composer.type': type };
  return record;
}

/** Runs `composerPackage` over a list, keeping packages and the first few warnings. */
export function composerPackages(list: unknown[], isDev: (name: unknown) => boolean, into: { packages: PackageRecord[]; warnings: string[] }): void {
  let skipped = 0;
  for (const entry of list.slice(0, MAX_PACKAGES)) {
    const r = composerPackage(entry, isDev((entry as { name?: unknown } | null)?.name));
    if (typeof r === 'string') {
      if (into.warnings.length < 10) into.warnings.push(`${r}, skipped`);
      else skipped++;
    } else {
      into.packages.push(r);
    }
  }
  if (skipped) into.warnings.push(`${skipped} more entries skipped`);
  if (list.length > MAX_PACKAGES) into.warnings.push(`only the first ${MAX_PACKAGES} of ${list.length} packages read`);
}
