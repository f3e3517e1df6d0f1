/**
 * Which hostPath volumes reach sensitive parts of the node.
 *
 * Paths are normalised first (`//etc/./kubernetes/` → `/etc/kubernetes`,
 * `..` resolved, trailing slash dropped), then compared with two rules:
 * - prefix: the path IS a sensitive directory or lies under one
 *   (`/etc`, `/etc/kubernetes/pki`, `/var/lib/kubelet/pods`);
 * - parent: the path CONTAINS a sensitive directory (`/var` contains
 *   `/var/run` and `/var/lib/kubelet`; `/` contains everything), since the
 *   mount exposes it just the same.
 * Runtime sockets (Docker, containerd, CRI-O, and the directories holding
 * them) are reported on their own, by BH-K8S-013.
 */
import { posix } from 'node:path';

export const SENSITIVE_HOST_PATHS: readonly string[] = [
  '/',
  '/etc',
  '/proc',
  '/sys',
  '/var/run',
  '/run',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/etcd',
  '/root',
  '/home',
  '/boot',
  '/dev',
  '/lib/modules',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
];

/** Sockets (and their parent directories) through which a container can drive the node's container runtime. */
export const RUNTIME_SOCKETS: readonly string[] = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/run/k3s/containerd/containerd.sock',
  '/var/run/dockershim.sock',
  '/run/podman/podman.sock',
];
const RUNTIME_SOCKET_DIRS: readonly string[] = ['/var/run/containerd', '/run/containerd', '/var/run/crio', '/run/crio', '/run/k3s/containerd', '/run/podman'];

export function normaliseHostPath(path: string): string {
  const n = posix.normalize(posix.join('/', path.trim()));
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const isUnder = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(`${dir}/`);

/** The runtime socket a path mounts (itself or its directory), or undefined. */
export function runtimeSocketOf(path: string): string | undefined {
  const p = normaliseHostPath(path);
  const direct = RUNTIME_SOCKETS.find((s) => s === p);
  if (direct) return direct;
  return RUNTIME_SOCKET_DIRS.find((d) => isUnder(p, d)) ? p : undefined;
}

export interface SensitiveMatch {
  path: string;
  /** The sensitive directory it is, lies under, or contains. */
  sensitive: string;
  relation: 'is' | 'under' | 'contains';
}

/** Why a host path is sensitive, or undefined. `/` is only ever reported as itself. */
export function sensitiveHostPath(path: string): SensitiveMatch | undefined {
  const p = normaliseHostPath(path);
  if (p === '/') return { path: p, sensitive: '/', relation: 'is' };
  // Most specific first, so `/etc/kubernetes` reports `/etc`, not `/`.
  let best: string | undefined;
  for (const dir of SENSITIVE_HOST_PATHS) {
    if (dir === '/') continue;
    if (isUnder(p, dir) && (!best || dir.length > best.length)) best = dir;
  }
  if (best) return { path: p, sensitive: best, relation: p === best ? 'is' : 'under' };
  const contained = SENSITIVE_HOST_PATHS.find((dir) => dir !== '/' && isUnder(dir, p));
  return contained ? { path: p, sensitive: contained, relation: 'contains' } : undefined;
}
