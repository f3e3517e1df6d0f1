/**
 * Parsers for the state container runtimes leave on the host, each a pure
 * function of the parsed JSON (containers.ts does the reading):
 *
 *   runc     <root>/<id>/state.json       init_process_pid, cgroup_paths, config.labels (bundle=…)
 *   crun     <root>/<id>/status           pid, cgroup-path, bundle, rootfs
 *   OCI      <bundle>/config.json         annotations: image, Kubernetes pod and container names
 *   umoci    <bundle>/umoci.json          the manifest an unpacked bundle came from
 *   docker   /var/lib/docker/containers/<id>/config.v2.json   Name, Config.Image, Config.Labels
 *   podman   <storage>/overlay-containers/containers.json     names, metadata image-name
 *
 * containerd and CRI-O keep the runc state under their own roots
 * (/run/containerd/runc/<ns>, /run/runc) and the OCI config with their
 * annotations in the bundle, so they go through the runc and OCI parsers.
 */
import { z } from 'zod';
import type { ContainerInfo } from '../events.js';

export interface RuntimeState {
  id: string;
  runtime: 'runc' | 'crun';
  /** Init process pid on the host. */
  pid: number;
  bundle?: string;
  /** Root filesystem as a host path. */
  rootfs?: string;
  /** cgroup v2 directory as a host filesystem path (runc's cgroup_paths[""]). */
  cgroupDir?: string;
  /** cgroup v2 path relative to the cgroup v2 root (crun, runc's config.cgroups.path). */
  cgroupPath?: string;
  labels: Record<string, string>;
}

const RuncState = z.object({
  id: z.string().min(1),
  init_process_pid: z.number().int().positive(),
  config: z
    .object({
      rootfs: z.string().optional(),
      labels: z.array(z.string()).nullish(),
      cgroups: z.object({ path: z.string().optional(), name: z.string().optional(), parent: z.string().optional() }).partial().nullish(),
    })
    .partial()
    .optional(),
  cgroup_paths: z.record(z.string(), z.string()).nullish(),
});

export function parseRuncState(json: unknown): RuntimeState | undefined {
  const r = RuncState.safeParse(json);
  if (!r.success) return undefined;
  const s = r.data;
  const labels: Record<string, string> = {};
  for (const l of s.config?.labels ?? []) {
    const eq = l.indexOf('=');
    if (eq > 0) labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const state: RuntimeState = { id: s.id, runtime: 'runc', pid: s.init_process_pid, labels };
  if (labels.bundle) state.bundle = labels.bundle;
  if (s.config?.rootfs) state.rootfs = s.config.rootfs;
  // "" is the unified (cgroup v2) hierarchy, in hybrid and pure v2 mode alike.
  const unified = s.cgroup_paths?.[''];
  if (unified) state.cgroupDir = unified;
  if (s.config?.cgroups?.path) state.cgroupPath = s.config.cgroups.path;
  return state;
}

const CrunStatus = z.object({
  pid: z.number().int().positive(),
  'cgroup-path': z.string().optional(),
  rootfs: z.string().optional(),
  bundle: z.string().optional(),
});

export function parseCrunStatus(id: string, json: unknown): RuntimeState | undefined {
  const r = CrunStatus.safeParse(json);
  if (!r.success) return undefined;
  const s = r.data;
  const state: RuntimeState = { id, runtime: 'crun', pid: s.pid, labels: {} };
  if (s.bundle) state.bundle = s.bundle;
  if (s.rootfs) state.rootfs = s.rootfs.startsWith('/') || !s.bundle ? s.rootfs : `${s.bundle}/${s.rootfs}`;
  if (s['cgroup-path']) state.cgroupPath = s['cgroup-path'];
  return state;
}

/** What an OCI runtime config (config.json) says about the container. */
export interface OciConfigFacts {
  annotations: Record<string, string>;
  rootfs?: string;
  /** Bind mounts: host source → container destination. */
  binds: Array<{ source: string; destination: string; readonly: boolean }>;
  privileged: boolean;
}

const OciConfig = z.object({
  annotations: z.record(z.string(), z.string()).nullish(),
  root: z.object({ path: z.string() }).partial().nullish(),
  mounts: z
    .array(z.object({ destination: z.string(), source: z.string().optional(), type: z.string().optional(), options: z.array(z.string()).nullish() }).partial())
    .nullish(),
  process: z.object({ capabilities: z.object({ bounding: z.array(z.string()).nullish() }).partial().nullish() }).partial().nullish(),
  linux: z.object({ maskedPaths: z.array(z.string()).nullish() }).partial().nullish(),
});

export function parseOciConfig(json: unknown, bundle?: string): OciConfigFacts | undefined {
  const r = OciConfig.safeParse(json);
  if (!r.success) return undefined;
  const c = r.data;
  const facts: OciConfigFacts = { annotations: { ...(c.annotations ?? {}) }, binds: [], privileged: false };
  const root = c.root?.path;
  if (root) facts.rootfs = root.startsWith('/') || !bundle ? root : `${bundle}/${root}`;
  for (const m of c.mounts ?? []) {
    const opts = m.options ?? [];
    const isBind = m.type === 'bind' || opts.includes('bind') || opts.includes('rbind');
    if (isBind && m.source && m.destination) facts.binds.push({ source: m.source, destination: m.destination, readonly: opts.includes('ro') });
  }
  // What `docker run --privileged` produces: CAP_SYS_ADMIN kept and no masked /proc paths.
  const bounding = c.process?.capabilities?.bounding ?? [];
  facts.privileged = bounding.includes('CAP_SYS_ADMIN') && (c.linux?.maskedPaths ?? []).length === 0;
  return facts;
}

/** Image name, container name and pod from annotations (CRI-O, containerd CRI, podman, OCI image annotations). */
export function annotationFacts(a: Record<string, string>): Pick<ContainerInfo, 'image' | 'imageDigest' | 'name' | 'pod'> {
  const out: Pick<ContainerInfo, 'image' | 'imageDigest' | 'name' | 'pod'> = {};
  const image = a['io.kubernetes.cri.image-name'] ?? a['io.kubernetes.cri-o.ImageName'] ?? a['org.opencontainers.image.base.name'] ?? a['org.opencontainers.image.ref.name'];
  if (image) out.image = image;
  const ref = a['io.kubernetes.cri-o.ImageRef'];
  const digest = /(sha256:[a-f0-9]{64})$/.exec(ref ?? '')?.[1] ?? /^(sha256:[a-f0-9]{64})$/.exec(a['org.opencontainers.image.base.digest'] ?? '')?.[1];
  if (digest) out.imageDigest = digest;
  const name = a['io.kubernetes.container.name'] ?? a['io.kubernetes.cri.container-name'];
  if (name) out.name = name;
  const podName = a['io.kubernetes.pod.name'] ?? a['io.kubernetes.cri.sandbox-name'];
  const podNs = a['io.kubernetes.pod.namespace'] ?? a['io.kubernetes.cri.sandbox-namespace'];
  if (podName && podNs) {
    out.pod = { name: podName, namespace: podNs };
    const uid = a['io.kubernetes.pod.uid'] ?? a['io.kubernetes.cri.sandbox-uid'];
    if (uid) out.pod.uid = uid;
  }
  return out;
}

const UmociJson = z.object({
  from_descriptor_path: z.object({
    descriptor_walk: z.array(z.object({ digest: z.string(), annotations: z.record(z.string(), z.string()).nullish() })).min(1),
  }),
});

/** The manifest a `umoci unpack` bundle came from: its ref name and digest. */
export function parseUmociJson(json: unknown): { image?: string; imageDigest?: string } | undefined {
  const r = UmociJson.safeParse(json);
  if (!r.success) return undefined;
  const first = r.data.from_descriptor_path.descriptor_walk[0]!;
  const out: { image?: string; imageDigest?: string } = {};
  const ref = first.annotations?.['org.opencontainers.image.ref.name'];
  if (ref) out.image = ref;
  if (/^sha256:[a-f0-9]{64}$/.test(first.digest)) out.imageDigest = first.digest;
  return out;
}

const DockerConfigV2 = z.object({
  Name: z.string().optional(),
  Image: z.string().optional(),
  Config: z.object({ Image: z.string().optional(), Labels: z.record(z.string(), z.string()).nullish() }).partial().optional(),
  HostConfig: z.object({ Privileged: z.boolean().optional() }).partial().optional(),
});

export function parseDockerConfigV2(json: unknown): Pick<ContainerInfo, 'name' | 'image' | 'imageDigest' | 'labels' | 'privileged'> | undefined {
  const r = DockerConfigV2.safeParse(json);
  if (!r.success) return undefined;
  const d = r.data;
  const out: Pick<ContainerInfo, 'name' | 'image' | 'imageDigest' | 'labels' | 'privileged'> = {};
  if (d.Name) out.name = d.Name.replace(/^\//, '');
  if (d.Config?.Image) out.image = d.Config.Image;
  if (d.Image && /^sha256:[a-f0-9]{64}$/.test(d.Image)) out.imageDigest = d.Image;
  if (d.Config?.Labels) out.labels = { ...d.Config.Labels };
  if (d.HostConfig?.Privileged !== undefined) out.privileged = d.HostConfig.Privileged;
  return out;
}

const PodmanContainers = z.array(
  z.object({ id: z.string(), names: z.array(z.string()).nullish(), image: z.string().optional(), metadata: z.string().optional() }).partial(),
);

/** podman's containers.json: id → name and image. */
export function parsePodmanContainers(json: unknown): Map<string, Pick<ContainerInfo, 'name' | 'image' | 'imageDigest'>> {
  const out = new Map<string, Pick<ContainerInfo, 'name' | 'image' | 'imageDigest'>>();
  const r = PodmanContainers.safeParse(json);
  if (!r.success) return out;
  for (const c of r.data) {
    if (!c.id) continue;
    const facts: Pick<ContainerInfo, 'name' | 'image' | 'imageDigest'> = {};
    if (c.names?.[0]) facts.name = c.names[0];
    if (c.image && /^[a-f0-9]{64}$/.test(c.image)) facts.imageDigest = `sha256:${c.image}`;
    try {
      const meta = c.metadata ? (JSON.parse(c.metadata) as { 'image-name'?: unknown; name?: unknown }) : {};
      if (typeof meta['image-name'] === 'string') facts.image = meta['image-name'];
      if (!facts.name && typeof meta.name === 'string') facts.name = meta.name;
    } catch {
      // metadata is podman's own; a broken one only loses the image name
    }
    out.set(c.id, facts);
  }
  return out;
}
