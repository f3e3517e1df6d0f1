/**
 * Kubernetes pod specs → ContainerFacts, one per container (init and
 * ephemeral containers included). Accepts a Pod, a workload with a pod
 * template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob), a List of those, or a bare PodSpec.
 * Container securityContext fields win over the pod's, as the kubelet
 * applies them. Kubernetes has no per-container pids limit (the kubelet's
 * podPidsLimit) and no UTS setting apart from hostNetwork: those checks do
 * not apply.
 */
import type { K8sObjectRef } from '../../core/types.js';
import { addCapability, addMount, emptyFacts, type ContainerFacts } from './facts.js';
import type { JsonPath } from './source.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const TEMPLATE_PATHS: Record<string, JsonPath> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

export function isKubernetes(value: unknown): boolean {
  if (!isObj(value)) return false;
  if (typeof value.kind === 'string' && typeof value.apiVersion === 'string') return true;
  return Array.isArray(value.containers);
}

function get(root: unknown, path: JsonPath): unknown {
  let cur = root;
  for (const k of path) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k];
    else if (isObj(cur) && typeof k === 'string') cur = cur[k];
    else return undefined;
  }
  return cur;
}

/** Pod specs in a document, with where they are and which object holds them. */
function podSpecs(value: unknown): Array<{ spec: Obj; path: JsonPath; object?: K8sObjectRef; annotations: Obj }> {
  if (!isObj(value)) return [];
  if (value.kind === 'List' && Array.isArray(value.items)) {
    return value.items.flatMap((item, i) => podSpecs(item).map((p) => ({ ...p, path: ['items', i, ...p.path] })));
  }
  if (typeof value.kind !== 'string') return Array.isArray(value.containers) ? [{ spec: value, path: [], annotations: {} }] : [];
  const specPath = TEMPLATE_PATHS[value.kind];
  if (!specPath) return [];
  const spec = get(value, specPath);
  if (!isObj(spec)) return [];
  const meta = isObj(value.metadata) ? value.metadata : {};
  const object: K8sObjectRef = { apiVersion: String(value.apiVersion ?? ''), kind: value.kind, name: typeof meta.name === 'string' ? meta.name : '' };
  if (typeof meta.namespace === 'string') object.namespace = meta.namespace;
  const podMeta = get(value, [...specPath.slice(0, -1), 'metadata']);
  const annotations = isObj(podMeta) && isObj(podMeta.annotations) ? podMeta.annotations : {};
  return [{ spec, path: specPath, object, annotations }];
}

export function kubernetesFacts(value: unknown, doc: number): ContainerFacts[] {
  const out: ContainerFacts[] = [];
  for (const { spec, path, object, annotations } of podSpecs(value)) {
    const podSc = isObj(spec.securityContext) ? spec.securityContext : {};
    const volumes = new Map<string, { hostPath: string; index: number }>();
    if (Array.isArray(spec.volumes)) {
      spec.volumes.forEach((v, i) => {
        if (isObj(v) && typeof v.name === 'string' && isObj(v.hostPath) && typeof v.hostPath.path === 'string') volumes.set(v.name, { hostPath: v.hostPath.path, index: i });
      });
    }
    const owner = object ? ` of ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}` : '';
    for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
      const list = spec[group];
      if (!Array.isArray(list)) continue;
      list.forEach((c, ci) => {
        if (!isObj(c)) return;
        const cPath: JsonPath = [...path, group, ci];
        const name = typeof c.name === 'string' ? c.name : `#${ci}`;
        const f = emptyFacts('kubernetes', doc, `container ${name}${owner}`);
        if (object) f.object = object;
        const sc = isObj(c.securityContext) ? c.securityContext : {};
        const scPath: JsonPath = isObj(c.securityContext) ? [...cPath, 'securityContext'] : cPath;
        const podScPath: JsonPath = [...path, 'securityContext'];
        /** The effective value of a field settable on the container and the pod, with the path it came from. */
        const eff = (key: string): { value: unknown; path: JsonPath } | undefined =>
          sc[key] !== undefined ? { value: sc[key], path: [...cPath, 'securityContext', key] } : podSc[key] !== undefined ? { value: podSc[key], path: [...podScPath, key] } : undefined;

        const privileged = sc.privileged === true;
        if (privileged) f.privileged = { path: [...cPath, 'securityContext', 'privileged'], text: 'securityContext.privileged is true' };
        const caps = isObj(sc.capabilities) ? sc.capabilities : {};
        if (Array.isArray(caps.add)) caps.add.forEach((cap, k) => typeof cap === 'string' && addCapability(f, cap, [...cPath, 'securityContext', 'capabilities', 'add', k], 'securityContext.capabilities.add has'));

        const seccomp = eff('seccompProfile');
        const seccompType = isObj(seccomp?.value) ? seccomp.value.type : undefined;
        if (!privileged) {
          if (seccompType === 'Unconfined') f.noSeccomp = { path: [...seccomp!.path, 'type'], text: 'seccompProfile.type is Unconfined' };
          else if (seccompType === undefined) f.noSeccomp = { path: scPath, text: 'no seccompProfile on the container or the pod: the kubelet runs it Unconfined' };
        }
        const apparmor = eff('appArmorProfile');
        const annotation = annotations[`container.apparmor.security.beta.kubernetes.io/${name}`];
        if (isObj(apparmor?.value) && apparmor.value.type === 'Unconfined') f.noApparmor = { path: [...apparmor.path, 'type'], text: 'appArmorProfile.type is Unconfined' };
        else if (annotation === 'unconfined') f.noApparmor = { path: [...path.slice(0, -1), 'metadata', 'annotations'], text: `annotation container.apparmor.security.beta.kubernetes.io/${name} is unconfined` };
        const selinux = eff('seLinuxOptions');
        if (isObj(selinux?.value) && selinux.value.type === 'spc_t') f.selinuxDisabled = { path: [...selinux.path, 'type'], text: 'seLinuxOptions.type is spc_t' };

        if (spec.hostNetwork === true) f.hostNetwork = { path: [...path, 'hostNetwork'], text: 'hostNetwork is true' };
        if (spec.hostPID === true) f.hostPid = { path: [...path, 'hostPID'], text: 'hostPID is true' };
        if (spec.hostIPC === true) f.hostIpc = { path: [...path, 'hostIPC'], text: 'hostIPC is true' };
        if (spec.hostUsers !== false) f.hostUserns = { path: spec.hostUsers === undefined ? path : [...path, 'hostUsers'], text: 'hostUsers is not false: no user namespace' };

        if (Array.isArray(c.volumeMounts)) {
          c.volumeMounts.forEach((m) => {
            if (!isObj(m) || typeof m.name !== 'string') return;
            const vol = volumes.get(m.name);
            if (vol) addMount(f, vol.hostPath, typeof m.mountPath === 'string' ? m.mountPath : '?', m.readOnly === true, [...path, 'volumes', vol.index, 'hostPath', 'path']);
          });
        }

        if (sc.readOnlyRootFilesystem !== true) f.writableRootfs = { path: sc.readOnlyRootFilesystem === undefined ? scPath : [...cPath, 'securityContext', 'readOnlyRootFilesystem'], text: 'securityContext.readOnlyRootFilesystem is not true' };
        const limits = get(c, ['resources', 'limits']);
        const limitsPath: JsonPath = isObj(limits) ? [...cPath, 'resources', 'limits'] : isObj(c.resources) ? [...cPath, 'resources'] : cPath;
        if (!isObj(limits) || limits.memory === undefined) f.noMemoryLimit = { path: limitsPath, text: 'resources.limits.memory is not set' };
        if (!isObj(limits) || limits.cpu === undefined) f.noCpuLimit = { path: limitsPath, text: 'resources.limits.cpu is not set' };
        if (sc.allowPrivilegeEscalation !== false && !privileged) {
          f.escalationAllowed = { path: sc.allowPrivilegeEscalation === undefined ? scPath : [...cPath, 'securityContext', 'allowPrivilegeEscalation'], text: 'securityContext.allowPrivilegeEscalation is not false (it defaults to true)' };
        }
        const runAsUser = eff('runAsUser');
        const runAsNonRoot = eff('runAsNonRoot');
        if (runAsUser?.value === 0) f.root = { path: runAsUser.path, text: 'runAsUser is 0' };
        else if (runAsUser === undefined && runAsNonRoot?.value !== true) {
          f.root = { path: scPath, text: 'neither runAsNonRoot: true nor a runAsUser: the image USER decides, root by default' };
        }
        out.push(f);
      });
    }
  }
  return out;
}
