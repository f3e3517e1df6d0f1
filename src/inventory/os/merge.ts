/**
 * Several files describe the OS and each says part of it: os-release names
 * the distribution, the distribution's own release file knows the precise
 * version (`/etc/debian_version` 12.15 where os-release says 12,
 * `/etc/centos-release` 7.9.2009 where it says 7). This picks one answer.
 */
import type { OSInfo } from '../../core/types.js';
import type { OsFacts } from './facts.js';
import { REDHAT_RELEASE_FILES } from './redhat-release.js';

export interface OsFact {
  path: string;
  os: OsFacts;
}

/** Lower ranks name the distribution more authoritatively. */
function rank(path: string): number {
  if (path === '/etc/os-release') return 0;
  if (path === '/usr/lib/os-release') return 1;
  if (REDHAT_RELEASE_FILES.has(path)) return path === '/etc/redhat-release' ? 3 : 2;
  if (path === '/etc/alpine-release') return 4;
  if (path === '/etc/debian_version') return 5;
  if (path === '/etc/lsb-release') return 6;
  return 7;
}

/** Files whose version is more precise than os-release's `VERSION_ID`. */
const isVersionFile = (path: string) =>
  path === '/etc/alpine-release' || path === '/etc/debian_version' || REDHAT_RELEASE_FILES.has(path);

/** True when `candidate` says the same version as `current`, only more precisely (`12` → `12.15`). */
function refines(current: string, candidate: string): boolean {
  if (!candidate || candidate === current) return false;
  if (current === '') return true;
  return candidate.startsWith(`${current}.`);
}

export function mergeOsFacts(facts: readonly OsFact[]): OSInfo | undefined {
  const usable = facts.filter((f) => f.os.family);
  if (!usable.length) return undefined;
  const ordered = [...usable].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  const base = ordered[0]!;
  const merged: OSInfo = { ...base.os, source: base.path };
  const sameFamily = ordered.slice(1).filter((f) => f.os.family === merged.family);

  for (const f of sameFamily) {
    if (!isVersionFile(f.path)) continue;
    // A `<codename>/sid` line can only stand in for a missing version, never extend one.
    if (refines(merged.version, f.os.version)) merged.version = f.os.version;
  }
  for (const f of sameFamily) {
    if (!merged.codename && f.os.codename) merged.codename = f.os.codename;
    if (!merged.name && f.os.name) merged.name = f.os.name;
    if (!merged.prettyName && f.os.prettyName) merged.prettyName = f.os.prettyName;
  }
  return merged;
}
