/**
 * Container attribution: cgroup v2 directory inode (what bpftrace's `cgroup`
 * builtin returns) and pid-namespace inode → container. The map is built by
 * scanning the runtimes' state (container-state.ts) and stat-ing each
 * container's cgroup directory (and its sub-cgroups) and /proc/<pid>/ns/pid.
 * An unknown cgroup id triggers a rescan, at most once per
 * `minRefreshIntervalMs`; an id still unknown after a rescan is remembered as
 * "not a container" for `negativeTtlMs`. The root cgroup is the host.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { ContainerInfo } from '../events.js';
import {
  annotationFacts,
  parseCrunStatus,
  parseDockerConfigV2,
  parseOciConfig,
  parsePodmanContainers,
  parseRuncState,
  parseUmociJson,
  type OciConfigFacts,
  type RuntimeState,
} from './container-state.js';

export interface ContainerRecord {
  info: ContainerInfo;
  pid: number;
  bundle?: string;
  rootfs?: string;
  /** Absolute cgroup v2 directory. */
  cgroupDir?: string;
  /** Inodes of the container's cgroup directory and its sub-cgroups. */
  cgroupIds: number[];
  binds: OciConfigFacts['binds'];
}

export interface ContainerResolverOptions {
  /** Directories holding runc-format state (`<id>/state.json`); `*` matches one level (namespaces). */
  runcRoots?: string[];
  /** Directories holding crun state (`<id>/status`). */
  crunRoots?: string[];
  dockerRoot?: string;
  podmanStorage?: string;
  procRoot?: string;
  /** cgroup v2 mount point; found in /proc/self/mountinfo when absent. */
  cgroupRoot?: string;
  minRefreshIntervalMs?: number;
  negativeTtlMs?: number;
  /** Sub-cgroups followed below a container's cgroup. */
  maxSubCgroups?: number;
}

const MAX_STATE_BYTES = 8 * 1024 * 1024;

export const DEFAULT_RUNC_ROOTS = ['/run/runc', '/run/docker/runtime-runc/*', '/run/containerd/runc/*', '/run/user/*/runc'];
export const DEFAULT_CRUN_ROOTS = ['/run/crun', '/run/user/*/crun'];

function readJson(path: string): unknown {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_STATE_BYTES) return undefined;
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function listDirs(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/** Expand `*` components (one directory level each). */
function expandRoots(patterns: string[]): string[] {
  const out: string[] = [];
  for (const pattern of patterns) {
    let current = [''];
    for (const part of pattern.split('/').filter(Boolean)) {
      const next: string[] = [];
      for (const base of current) {
        if (part === '*') for (const d of listDirs(base || '/')) next.push(`${base}/${d}`);
        else next.push(`${base}/${part}`);
      }
      current = next;
    }
    out.push(...current.filter((d) => existsSync(d)));
  }
  return out;
}

/** The cgroup v2 mount point from a mountinfo text (`/sys/fs/cgroup/unified` in hybrid mode). */
export function cgroup2MountPoint(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype === 'cgroup2') return line.slice(0, sep).split(' ')[4]?.replace(/\\040/g, ' ');
  }
  return undefined;
}

/** The cgroup v2 path of a process ("0::/path" in /proc/<pid>/cgroup). */
export function unifiedCgroupOf(cgroupFile: string): string | undefined {
  for (const line of cgroupFile.split('\n')) if (line.startsWith('0::')) return line.slice(3);
  return undefined;
}

export class ContainerResolver {
  private byCgroup = new Map<number, ContainerRecord>();
  private byPidNs = new Map<number, ContainerRecord>();
  private records: ContainerRecord[] = [];
  private readonly negative = new Map<number, number>();
  private lastRefresh = -Infinity;
  private refreshing: Promise<void> | undefined;
  private readonly opts: Required<Omit<ContainerResolverOptions, 'cgroupRoot'>> & { cgroupRoot?: string };
  private rootCgroupId: number | undefined;
  private hostPidNs: number | undefined;
  /** State files that could not be read or parsed in the last scan. */
  problems: string[] = [];
  refreshes = 0;

  constructor(options: ContainerResolverOptions = {}) {
    this.opts = {
      runcRoots: options.runcRoots ?? DEFAULT_RUNC_ROOTS,
      crunRoots: options.crunRoots ?? DEFAULT_CRUN_ROOTS,
      dockerRoot: options.dockerRoot ?? '/var/lib/docker',
      podmanStorage: options.podmanStorage ?? '/var/lib/containers/storage',
      procRoot: options.procRoot ?? '/proc',
      cgroupRoot: options.cgroupRoot,
      minRefreshIntervalMs: options.minRefreshIntervalMs ?? 200,
      negativeTtlMs: options.negativeTtlMs ?? 30_000,
      maxSubCgroups: options.maxSubCgroups ?? 256,
    };
  }

  /** Containers found by the last scan. */
  list(): readonly ContainerRecord[] {
    return this.records;
  }

  /** From the cache only. */
  lookup(cgroupId: number, pidNs?: number): ContainerRecord | undefined {
    return this.byCgroup.get(cgroupId) ?? (pidNs !== undefined ? this.byPidNs.get(pidNs) : undefined);
  }

  isHostCgroup(cgroupId: number): boolean {
    return cgroupId === this.rootCgroupId || cgroupId === 1;
  }

  /**
   * Look up, rescanning the runtimes when the cgroup is unknown (rate-limited).
   * An unknown cgroup in the host's pid namespace (a systemd service, say) is
   * remembered as "not a container" for `negativeTtlMs`; one in another pid
   * namespace is a container whose state may not be written yet (runc's init
   * runs before state.json exists), so it is looked up again at the next
   * allowed rescan.
   */
  async resolve(cgroupId: number, pidNs?: number): Promise<ContainerRecord | undefined> {
    const hit = this.lookup(cgroupId, pidNs);
    if (hit || this.isHostCgroup(cgroupId)) return hit;
    const negativeUntil = this.negative.get(cgroupId);
    const now = performance.now();
    if (negativeUntil !== undefined && negativeUntil > now) return undefined;
    const foreignNs = pidNs !== undefined && this.hostPidNs !== undefined && pidNs !== this.hostPidNs;
    const wait = this.lastRefresh + this.opts.minRefreshIntervalMs - now;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const asked = performance.now();
    await this.refresh();
    // Another caller's scan may have started before this id appeared: scan again only if so.
    if (this.lastRefresh < asked) await this.refresh();
    const found = this.lookup(cgroupId, pidNs);
    if (!found) this.negative.set(cgroupId, performance.now() + (foreignNs ? this.opts.minRefreshIntervalMs : this.opts.negativeTtlMs));
    return found;
  }

  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = Promise.resolve()
        .then(() => this.scan())
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.refreshing;
  }

  private cgroupRoot(): string | undefined {
    if (this.opts.cgroupRoot) return this.opts.cgroupRoot;
    try {
      this.opts.cgroupRoot = cgroup2MountPoint(readFileSync(join(this.opts.procRoot, 'self/mountinfo'), 'utf8'));
    } catch {
      // no /proc: attribution by pid namespace only
    }
    return this.opts.cgroupRoot;
  }

  private scan(): void {
    const started = performance.now();
    const problems: string[] = [];
    const states: RuntimeState[] = [];
    for (const root of expandRoots(this.opts.runcRoots)) {
      for (const id of listDirs(root)) {
        const path = join(root, id, 'state.json');
        if (!existsSync(path)) continue;
        const s = parseRuncState(readJson(path));
        if (s) states.push(s);
        else problems.push(`${path}: not a runc state file`);
      }
    }
    for (const root of expandRoots(this.opts.crunRoots)) {
      for (const id of listDirs(root)) {
        const path = join(root, id, 'status');
        if (!existsSync(path)) continue;
        const s = parseCrunStatus(id, readJson(path));
        if (s) states.push(s);
        else problems.push(`${path}: not a crun status file`);
      }
    }
    const podman = parsePodmanContainers(readJson(join(this.opts.podmanStorage, 'overlay-containers/containers.json')));
    const cgRoot = this.cgroupRoot();
    if (cgRoot) {
      try {
        this.rootCgroupId = statSync(cgRoot).ino;
      } catch {
        // keep the previous value
      }
    }
    try {
      this.hostPidNs = statSync(join(this.opts.procRoot, '1/ns/pid')).ino;
    } catch {
      // attribution by cgroup only
    }
    const records: ContainerRecord[] = [];
    for (const s of states) {
      const r = this.record(s, podman, cgRoot);
      if (r) records.push(r);
    }
    const byCgroup = new Map<number, ContainerRecord>();
    const byPidNs = new Map<number, ContainerRecord>();
    for (const r of records) {
      for (const id of r.cgroupIds) byCgroup.set(id, r);
      if (r.info.pidNs !== undefined) byPidNs.set(r.info.pidNs, r);
    }
    this.records = records;
    this.byCgroup = byCgroup;
    this.byPidNs = byPidNs;
    this.problems = problems;
    this.lastRefresh = started;
    this.refreshes++;
  }

  private record(s: RuntimeState, podman: ReturnType<typeof parsePodmanContainers>, cgRoot: string | undefined): ContainerRecord | undefined {
    const proc = join(this.opts.procRoot, String(s.pid));
    let pidNs: number | undefined;
    try {
      pidNs = statSync(join(proc, 'ns/pid')).ino;
    } catch {
      return undefined; // the container's init is gone: stopped container
    }
    const info: ContainerInfo = { id: s.id, runtime: s.runtime, pidNs };
    const rec: ContainerRecord = { info, pid: s.pid, cgroupIds: [], binds: [] };
    if (s.bundle) rec.bundle = s.bundle;
    if (s.rootfs) rec.rootfs = s.rootfs;
    const labels: Record<string, string> = {};
    if (s.bundle) {
      const oci = parseOciConfig(readJson(join(s.bundle, 'config.json')), s.bundle);
      if (oci) {
        Object.assign(labels, oci.annotations);
        Object.assign(info, annotationFacts(oci.annotations));
        if (!rec.rootfs && oci.rootfs) rec.rootfs = oci.rootfs;
        rec.binds = oci.binds;
        info.privileged = oci.privileged;
        if (oci.annotations['io.container.manager'] === 'libpod') info.runtime = 'podman';
        if (oci.annotations['io.kubernetes.cri-o.ContainerID']) info.runtime = 'cri-o';
        if (oci.annotations['io.kubernetes.cri.container-type'] || s.bundle.includes('io.containerd.runtime')) info.runtime = 'containerd';
      }
      const umoci = parseUmociJson(readJson(join(s.bundle, 'umoci.json')));
      if (umoci?.image && !info.image) info.image = umoci.image;
      if (umoci?.imageDigest && !info.imageDigest) info.imageDigest = umoci.imageDigest;
    }
    const docker = parseDockerConfigV2(readJson(join(this.opts.dockerRoot, 'containers', s.id, 'config.v2.json')));
    if (docker) {
      info.runtime = 'docker';
      if (docker.name) info.name = docker.name;
      if (docker.image) info.image = docker.image;
      if (docker.imageDigest) info.imageDigest = docker.imageDigest;
      if (docker.privileged !== undefined) info.privileged = docker.privileged;
      if (docker.labels) {
        Object.assign(labels, docker.labels);
        // Kubernetes via dockershim/cri-dockerd labels its containers like CRI-O annotates them.
        Object.assign(info, annotationFacts(docker.labels));
      }
    }
    const pm = podman.get(s.id);
    if (pm) {
      info.runtime = 'podman';
      Object.assign(info, pm);
    }
    if (Object.keys(labels).length > 0) info.labels = labels;
    if (info.pod && labels) {
      const podLabels = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('io.kubernetes.pod.label/')).map(([k, v]) => [k.slice(24), v]));
      if (Object.keys(podLabels).length > 0) info.pod.labels = podLabels;
    }
    // The cgroup: the state's directory, else the init process's, else the state's relative path
    // (a systemd-style "slice:prefix:name" path is not a directory and is skipped).
    let dir: string | undefined = s.cgroupDir;
    if (!dir && cgRoot) {
      let rel: string | undefined;
      try {
        rel = unifiedCgroupOf(readFileSync(join(proc, 'cgroup'), 'utf8'));
      } catch {
        rel = undefined;
      }
      if (!rel && s.cgroupPath && !s.cgroupPath.includes(':')) rel = s.cgroupPath;
      if (rel) dir = join(cgRoot, rel);
    }
    if (dir) {
      rec.cgroupDir = dir;
      this.collectCgroupIds(dir, rec.cgroupIds);
      if (rec.cgroupIds[0] !== undefined) info.cgroupId = rec.cgroupIds[0];
    }
    return rec;
  }

  private collectCgroupIds(dir: string, out: number[]): void {
    const queue = [dir];
    while (queue.length > 0 && out.length < this.opts.maxSubCgroups) {
      const d = queue.shift()!;
      try {
        out.push(statSync(d).ino);
      } catch {
        continue;
      }
      for (const sub of listDirs(d)) queue.push(join(d, sub));
    }
  }
}

/** ContainerInfo as an event carries it: the record's info with the ids the event was attributed by. */
export function containerInfoFor(rec: ContainerRecord, cgroupId: number, pidNs: number): ContainerInfo {
  return { ...rec.info, cgroupId, pidNs };
}
