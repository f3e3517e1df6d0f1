/**
 * What the checks look at, the same for every input format: per container,
 * each problem found with the JSON path of the field that shows it (or of the
 * object where a required field is missing) and a one-line evidence text.
 * docker.ts, oci.ts and kubernetes.ts fill it in; evaluate.ts turns it into
 * findings.
 */
import type { K8sObjectRef } from '../../core/types.js';
import type { JsonPath } from './source.js';

export interface Evidence {
  path: JsonPath;
  text: string;
}

export interface ContainerFacts {
  format: 'docker-inspect' | 'oci-config' | 'kubernetes';
  /** Index of the document in the input. */
  doc: number;
  /** Who: `container /web`, `container app of Deployment shop/api`, `OCI config`. */
  label: string;
  object?: K8sObjectRef;
  privileged?: Evidence;
  dangerousCaps: Evidence[];
  addedCaps: Evidence[];
  noSeccomp?: Evidence;
  noApparmor?: Evidence;
  selinuxDisabled?: Evidence;
  hostNetwork?: Evidence;
  hostPid?: Evidence;
  hostIpc?: Evidence;
  hostUts?: Evidence;
  hostUserns?: Evidence;
  runtimeSockets: Evidence[];
  sensitiveMounts: Evidence[];
  writableRootfs?: Evidence;
  noMemoryLimit?: Evidence;
  noCpuLimit?: Evidence;
  noPidsLimit?: Evidence;
  escalationAllowed?: Evidence;
  root?: Evidence;
}

export function emptyFacts(format: ContainerFacts['format'], doc: number, label: string): ContainerFacts {
  return { format, doc, label, dangerousCaps: [], addedCaps: [], runtimeSockets: [], sensitiveMounts: [] };
}

/** Capabilities Docker and containerd grant by default (moby's defaultCapabilities). */
export const DEFAULT_CAPABILITIES = new Set([
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
]);

/** Capabilities with a known path to the host or to other containers. */
export const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'CAP_SYS_ADMIN',
  'CAP_SYS_PTRACE',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_BOOT',
  'CAP_SYS_TIME',
  'CAP_DAC_READ_SEARCH',
  'CAP_NET_ADMIN',
  'CAP_BPF',
  'CAP_PERFMON',
  'CAP_MAC_ADMIN',
  'CAP_MAC_OVERRIDE',
  'CAP_SYSLOG',
  'CAP_LINUX_IMMUTABLE',
]);

/** `sys_admin`, `SYS_ADMIN`, `CAP_SYS_ADMIN` → `CAP_SYS_ADMIN`; `all` → `ALL`. */
export function normalizeCapability(name: string): string {
  const up = name.trim().toUpperCase();
  if (up === 'ALL' || up === 'CAP_ALL') return 'ALL';
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/** Sort an added capability into dangerous or merely added. */
export function addCapability(facts: ContainerFacts, name: string, path: JsonPath, how: string): void {
  const cap = normalizeCapability(name);
  const ev = { path, text: `${how} ${cap}` };
  if (DANGEROUS_CAPABILITIES.has(cap)) facts.dangerousCaps.push(ev);
  else if (!DEFAULT_CAPABILITIES.has(cap)) facts.addedCaps.push(ev);
}

const SENSITIVE_HOST_PATHS = ['/', '/etc', '/proc', '/sys', '/dev', '/boot', '/var/run', '/run', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/root'];
const SOCKET_NAMES = ['docker.sock', 'containerd.sock', 'crio.sock', 'podman.sock', 'dockershim.sock', 'cri-dockerd.sock'];
const SOCKET_DIRS = ['/var/run', '/run', '/run/containerd', '/var/run/containerd', '/run/docker', '/var/run/docker', '/run/crio', '/var/run/crio', '/run/podman'];

function normalizeHostPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Record what a host bind mount exposes: a runtime socket, a sensitive directory. */
export function addMount(facts: ContainerFacts, source: string, destination: string, readonly: boolean, path: JsonPath): void {
  if (!source.startsWith('/')) return; // a named volume, not a host path
  const src = normalizeHostPath(source);
  const how = `${src} mounted at ${destination}${readonly ? ' (read-only)' : ' (read-write)'}`;
  const base = src.slice(src.lastIndexOf('/') + 1);
  if (SOCKET_NAMES.includes(base) || SOCKET_DIRS.includes(src)) facts.runtimeSockets.push({ path, text: SOCKET_DIRS.includes(src) ? `${how}, which holds the runtime socket` : how });
  const sensitive = SENSITIVE_HOST_PATHS.find((s) => (s === '/' ? src === '/' : src === s || src.startsWith(`${s}/`)));
  if (sensitive !== undefined && !SOCKET_NAMES.includes(base)) facts.sensitiveMounts.push({ path, text: how });
}
