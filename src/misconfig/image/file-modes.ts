/**
 * BH-IMG-007 (setuid/setgid files) and BH-IMG-008 (world-writable files
 * outside the temporary directories), one finding per file with its layer,
 * from the notable files the layer walker recorded for the merged image.
 *
 * Ownership is decided against the file lists of OS packages, compared in
 * merged-/usr form: Debian 12 lists `/bin/mount` while the image path is
 * `/usr/bin/mount` (and the reverse on other distributions).
 */
import { findingFor } from '../../core/check.js';
import type { Finding, NotableFile, ScanResult, Severity } from '../../core/types.js';
import { OS_PACKAGE_TYPES } from '../../core/types.js';
import { setuidCheck, worldWritableCheck } from './checks.js';
import { safeLayer } from './config-secrets.js';
import { capFindings, LIMITS, type ImageCheckContext } from './context.js';

const MERGED_USR = /^\/(bin|sbin|lib|lib32|lib64|libx32)(\/|$)/;

/** `/bin/su` → `/usr/bin/su`; other paths unchanged. */
export function mergedUsrPath(path: string): string {
  return MERGED_USR.test(path) ? `/usr${path}` : path;
}

/** Every file an OS package installed, in merged-/usr form, with the package that owns it. */
export function osOwnedFiles(result: ScanResult): Map<string, string> {
  const owned = new Map<string, string>();
  for (const pkg of result.packages) {
    if (!OS_PACKAGE_TYPES.has(pkg.type) || !Array.isArray(pkg.files)) continue;
    for (const f of pkg.files) if (typeof f === 'string') owned.set(mergedUsrPath(f), `${pkg.type}:${pkg.name}`);
  }
  return owned;
}

/** `ls -l` style permissions: 0o4755 → `rwsr-xr-x`. */
export function symbolicMode(mode: number): string {
  const bit = (mask: number, ch: string) => (mode & mask ? ch : '-');
  const exec = (x: number, special: number, on: string, off: string) =>
    mode & special ? (mode & x ? on : off) : bit(x, 'x');
  return (
    bit(0o400, 'r') + bit(0o200, 'w') + exec(0o100, 0o4000, 's', 'S') +
    bit(0o040, 'r') + bit(0o020, 'w') + exec(0o010, 0o2000, 's', 'S') +
    bit(0o004, 'r') + bit(0o002, 'w') + exec(0o001, 0o1000, 't', 'T')
  );
}

function describeMode(f: NotableFile): string {
  const octal = (f.mode & 0o7777).toString(8).padStart(4, '0');
  return `${symbolicMode(f.mode)} (${octal}) uid ${f.uid} gid ${f.gid}`;
}

function notableFiles(ctx: ImageCheckContext): NotableFile[] {
  const files = ctx.result.notableFiles ?? [];
  return files.slice(0, LIMITS.notableFiles).filter((f) => f && typeof f.path === 'string' && Array.isArray(f.reasons));
}

function locationOf(f: NotableFile) {
  return f.layer ? { path: f.path, layer: safeLayer(f.layer) } : { path: f.path };
}

export function checkSetuidFiles(ctx: ImageCheckContext): Finding[] {
  const files = notableFiles(ctx).filter((f) => f.reasons.includes('setuid') || f.reasons.includes('setgid'));
  if (files.length === 0) return [];
  const owned = osOwnedFiles(ctx.result);
  const findings = files.map((f) => {
    const bits = ['setuid', 'setgid'].filter((r) => f.reasons.includes(r as 'setuid')).join(' and ');
    const owner = owned.get(mergedUsrPath(f.path));
    const severity: Severity = owner ? setuidCheck.severity : 'medium';
    return findingFor(setuidCheck, locationOf(f), {
      title: `${bits} file ${f.path}${owner ? '' : ' (not installed by any OS package)'}`,
      severity,
      evidence: `${describeMode(f)}; ${owner ? `installed by ${owner}` : 'no OS package lists this file'}${f.layer ? `; layer ${f.layer.index}` : ''}`,
    });
  });
  // Unowned files first: they are the ones worth reading when the list is long.
  findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'medium' ? -1 : 1));
  return capFindings(ctx, findings, (rest) =>
    findingFor(setuidCheck, {}, {
      title: `${rest.length} more setuid or setgid files`,
      evidence: rest.slice(0, 20).map((f) => f.location.path).join(', ') + (rest.length > 20 ? ', …' : ''),
      severity: rest.some((f) => f.severity === 'medium') ? 'medium' : setuidCheck.severity,
    }),
  );
}

/** Directories whose files are meant to be shared scratch space. */
const TEMP_DIRS = ['/tmp/', '/var/tmp/', '/dev/shm/'];
/** Where a writable file is code or configuration that others run or trust. */
const SYSTEM_DIRS = /^\/(usr|bin|sbin|lib|lib32|lib64|libx32|etc|opt|root|boot|srv|app)(\/|$)/;

export function checkWorldWritableFiles(ctx: ImageCheckContext): Finding[] {
  const files = notableFiles(ctx).filter(
    (f) => f.reasons.includes('world-writable') && !TEMP_DIRS.some((d) => f.path.startsWith(d)),
  );
  const findings = files.map((f) => {
    const executable = (f.mode & 0o111) !== 0;
    const severity: Severity = executable || SYSTEM_DIRS.test(f.path) ? 'medium' : worldWritableCheck.severity;
    return findingFor(worldWritableCheck, locationOf(f), {
      title: `World-writable ${executable ? 'executable' : 'file'} ${f.path}`,
      severity,
      evidence: `${describeMode(f)}${f.layer ? `; layer ${f.layer.index}` : ''}`,
    });
  });
  findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'medium' ? -1 : 1));
  return capFindings(ctx, findings, (rest) =>
    findingFor(worldWritableCheck, {}, {
      title: `${rest.length} more world-writable files`,
      evidence: rest.slice(0, 20).map((f) => f.location.path).join(', ') + (rest.length > 20 ? ', …' : ''),
      severity: rest.some((f) => f.severity === 'medium') ? 'medium' : worldWritableCheck.severity,
    }),
  );
}
