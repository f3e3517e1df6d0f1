/**
 * A Kubernetes version against the upstream support windows
 * (BH-K8S-300: end of life, BH-K8S-301: not the latest known patch).
 */
import { findingFor, type CheckDefinition } from '../../../core/check.js';
import { BulkheadError } from '../../../core/errors.js';
import type { Finding, Location } from '../../../core/types.js';
import { MINOR_RELEASES, RELEASES_AS_OF, releaseOf, type MinorRelease } from './releases.js';

export const endOfLifeCheck: CheckDefinition = {
  id: 'BH-K8S-300',
  kind: 'kubernetes',
  title: 'Kubernetes version is past its end of life',
  severity: 'high',
  rationale:
    'After its end of life a Kubernetes minor gets no more patches: vulnerabilities found since (in the API server, kubelet, kube-proxy) stay open for good, and each later upgrade has to cross more releases at once.',
  remediation: 'Upgrade the control plane, then the nodes, one minor version at a time to a supported release; check deprecated APIs before each step (kubectl convert, pluto, kubent).',
  references: ['nsa-k8s:upgrading'],
};

export const patchLevelCheck: CheckDefinition = {
  id: 'BH-K8S-301',
  kind: 'kubernetes',
  title: 'Kubernetes version is not the latest patch of its minor',
  severity: 'medium',
  rationale: 'Patch releases of a minor carry its security and bug fixes and nothing else; staying behind keeps known, fixed vulnerabilities open.',
  remediation: 'Upgrade to the latest patch release of the same minor (a patch upgrade needs no API migration).',
  references: ['nsa-k8s:upgrading'],
};

export const versionChecks: readonly CheckDefinition[] = [endOfLifeCheck, patchLevelCheck];

export interface K8sVersion {
  major: number;
  minor: number;
  patch: number;
  /** The upstream version: `v1.29.3`. */
  upstream: string;
  /** A provider's build suffix: `eks-adc7111`, `gke.1043002`, `k3s1`; undefined for upstream builds. */
  vendor?: string;
  /** As written. */
  raw: string;
}

const VERSION = /^v?(\d{1,3})\.(\d{1,3})\.(\d{1,4})(?:[-+](.{1,128}))?$/;

/** `v1.29.3`, `1.29.3`, `v1.29.3-eks-adc7111`, `v1.28.5+k3s1`, `v1.27.8-gke.1067004`; undefined when not a version. */
export function parseK8sVersion(text: string): K8sVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const [, major, minor, patch, suffix] = m;
  const v: K8sVersion = { major: Number(major), minor: Number(minor), patch: Number(patch), upstream: `v${Number(major)}.${Number(minor)}.${Number(patch)}`, raw: text.trim() };
  // Pre-releases (alpha, beta, rc) are upstream too; anything else is a provider build.
  if (suffix && !/^(?:alpha|beta|rc)\.\d+/.test(suffix)) v.vendor = suffix;
  return v;
}

/** For `--k8s-version`: the version, or a usage error that says what is accepted. */
export function parseK8sVersionFlag(text: string): K8sVersion {
  const v = parseK8sVersion(text);
  if (!v) {
    throw new BulkheadError('USAGE', `"${text}" is not a Kubernetes version`, { where: '--k8s-version', hint: 'give a version like v1.29.3 (or 1.29.3; provider builds like v1.29.3-eks-adc7111 are accepted)' });
  }
  return v;
}

export type SupportStatus = 'supported' | 'end-of-life' | 'unknown';

export interface VersionSupport {
  version: K8sVersion;
  minor: string;
  release?: MinorRelease;
  status: SupportStatus;
  /** Days past end of life (end-of-life) or left (supported). */
  days?: number;
  /** Highest patch of the minor known to the table. */
  latestKnownPatch?: number;
  /** What the table cannot say: a minor newer than it, unknown patches, a stale table. */
  notes: string[];
}

const DAY = 24 * 3600 * 1000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function toDate(today: Date | string): Date {
  const d = typeof today === 'string' ? new Date(`${today.slice(0, 10)}T00:00:00Z`) : today;
  if (Number.isNaN(d.getTime())) throw new BulkheadError('USAGE', `"${String(today)}" is not a date`, { hint: 'give an ISO date like 2026-11-29' });
  return d;
}

export function versionSupport(version: K8sVersion, today: Date | string): VersionSupport {
  const now = toDate(today);
  const minor = `${version.major}.${version.minor}`;
  const release = releaseOf(minor);
  const notes: string[] = [];
  const tableAge = Math.floor((now.getTime() - new Date(`${RELEASES_AS_OF}T00:00:00Z`).getTime()) / DAY);
  if (tableAge > 180) notes.push(`Bulkhead's release table is from ${RELEASES_AS_OF} (${tableAge} days old): later patch and minor releases are not known to it`);
  if (!release) {
    const newest = MINOR_RELEASES[MINOR_RELEASES.length - 1]!;
    const newer = version.major > 1 || (version.major === 1 && version.minor > Number(newest.minor.split('.')[1]));
    notes.push(newer ? `Kubernetes ${minor} is newer than Bulkhead's release table (up to ${newest.minor}); its support window is not known` : `Kubernetes ${minor} is older than Bulkhead's release table (from ${MINOR_RELEASES[0]!.minor}) and long past its end of life`);
    return { version, minor, status: newer ? 'unknown' : 'end-of-life', notes };
  }
  const eol = new Date(`${release.endOfLife}T00:00:00Z`);
  const days = Math.floor((now.getTime() - eol.getTime()) / DAY);
  if (release.estimated) notes.push(`the dates of Kubernetes ${minor} come from the release schedule (estimated)`);
  if (release.latestPatch === undefined) notes.push(`no patch release of Kubernetes ${minor} is known to Bulkhead's table`);
  const support: VersionSupport = { version, minor, release, status: days > 0 ? 'end-of-life' : 'supported', days: Math.abs(days), notes };
  if (release.latestPatch !== undefined) support.latestKnownPatch = release.latestPatch;
  return support;
}

/** Where the version was seen, for findings. */
export interface VersionSource {
  version: K8sVersion;
  /** `registry.k8s.io/kube-apiserver:v1.29.3 (kube-apiserver.yaml:30)`, `--k8s-version`, … */
  source: string;
  location?: Location;
}

export function versionFindings(seen: VersionSource, today: Date | string): Finding[] {
  const s = versionSupport(seen.version, today);
  const v = seen.version;
  const out: Finding[] = [];
  const location = seen.location ?? {};
  const vendorNote = v.vendor ? `; ${v.raw} is a provider build, whose support window may be longer than upstream's` : '';
  if (s.status === 'end-of-life') {
    const when = s.release ? `upstream support ended ${s.release.endOfLife}, ${s.days} days before ${isoDay(toDate(today))}` : s.notes[s.notes.length - 1]!;
    const f = findingFor(endOfLifeCheck, location, {
      title: `Kubernetes ${s.minor} is past its end of life${s.release ? ` (${s.release.endOfLife})` : ''}`,
      evidence: `${v.raw} from ${seen.source}: ${when}${vendorNote}`,
      ...(v.vendor ? { severity: 'medium' as const } : {}),
    });
    f.status = 'end-of-life';
    out.push(f);
  }
  if (s.latestKnownPatch !== undefined && v.patch < s.latestKnownPatch) {
    const latest = `${s.minor}.${s.latestKnownPatch}`;
    out.push(
      findingFor(patchLevelCheck, location, {
        title: `Kubernetes ${v.upstream} is behind ${s.release?.final ? 'the final' : 'the latest known'} patch ${latest}`,
        evidence: `${v.raw} from ${seen.source}: ${s.release?.final ? `${latest} is the final patch of ${s.minor}` : `${latest} is the latest patch known to Bulkhead's table (as of ${RELEASES_AS_OF}); newer ones may exist`}${vendorNote}`,
      }),
    );
  }
  return out;
}
