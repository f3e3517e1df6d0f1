/**
 * The data half of the Pod Security Standards checks (`PSS:<checkId>`), for
 * `bulkhead checks`, the docs and the compliance summary.
 *
 * Severity: baseline checks are high (they block known privilege escalations
 * to the node), restricted checks are medium (hardening on top of baseline).
 * References name the PSS level, then the CIS Kubernetes Benchmark v1.9
 * control, then the equivalent kubescape and Trivy checks where they test
 * the same thing.
 */
import type { CheckDefinition } from '../../../core/check.js';
import type { PssCheckId } from './types.js';

type Def = Omit<CheckDefinition, 'id' | 'kind' | 'severity' | 'references'> & { refs: string[] };

const BASELINE: Partial<Record<PssCheckId, Def>> = {
  hostNamespaces: {
    title: 'Pod shares a host namespace (hostNetwork, hostPID or hostIPC)',
    rationale: "A pod in the node's network, PID or IPC namespace sees the node's traffic, processes or shared memory, and can often reach services bound to localhost on the node.",
    remediation: 'Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec (or set them to false).',
    refs: ['cis-k8s:5.2.3', 'cis-k8s:5.2.4', 'cis-k8s:5.2.5', 'kubescape:C-0038', 'kubescape:C-0041', 'trivy:KSV008', 'trivy:KSV009', 'trivy:KSV010', 'mitre-attack:T1611'],
  },
  privileged: {
    title: 'Privileged container',
    rationale: 'A privileged container has every capability and all host devices: root in it is root on the node.',
    remediation: 'Remove `securityContext.privileged: true`; grant only the specific capabilities the workload needs.',
    refs: ['cis-k8s:5.2.2', 'kubescape:C-0057', 'trivy:KSV017', 'mitre-attack:T1611'],
  },
  capabilities_baseline: {
    title: 'Container adds capabilities beyond the runtime default set',
    rationale: 'Capabilities outside the default set (SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, …) give kernel-level powers that break container isolation.',
    remediation: 'Remove the extra entries from `securityContext.capabilities.add`; keep to the default set (and prefer dropping ALL).',
    refs: ['cis-k8s:5.2.8', 'cis-k8s:5.2.9', 'kubescape:C-0046', 'trivy:KSV022'],
  },
  hostPathVolumes: {
    title: 'Pod mounts a hostPath volume',
    rationale: "A hostPath volume exposes the node's filesystem to the pod: node credentials, the container runtime socket, or kubelet data.",
    remediation: 'Replace hostPath volumes with emptyDir, configMap, secret or a PersistentVolumeClaim.',
    refs: ['cis-k8s:5.2.12', 'kubescape:C-0048', 'trivy:KSV023', 'mitre-attack:T1611'],
  },
  hostPorts: {
    title: 'Container binds a host port',
    rationale: "A hostPort opens the port on the node's own network interfaces, bypassing Service and NetworkPolicy controls, and limits scheduling.",
    remediation: 'Remove `hostPort` from container ports; expose the workload through a Service.',
    refs: ['cis-k8s:5.2.13', 'kubescape:C-0044', 'trivy:KSV024'],
  },
  appArmorProfile: {
    title: 'AppArmor profile is disabled or overridden',
    rationale: 'The runtime default AppArmor profile blocks many kernel attack paths; `unconfined` removes that protection.',
    remediation: 'Use `appArmorProfile.type: RuntimeDefault` or `Localhost` (or the annotation values `runtime/default` / `localhost/<profile>`).',
    refs: ['trivy:KSV002'],
  },
  seLinuxOptions: {
    title: 'Custom SELinux type, user or role',
    rationale: 'Setting an SELinux type other than the container types, or any user or role, can give the container the label of a privileged host process.',
    remediation: 'Remove `seLinuxOptions.user` and `.role`; leave `type` empty or use container_t / container_init_t / container_kvm_t (container_engine_t from v1.31).',
    refs: ['trivy:KSV025'],
  },
  procMount: {
    title: 'Container unmasks /proc',
    rationale: 'The default /proc mount masks paths that leak host information or allow kernel tuning; `Unmasked` removes the masks.',
    remediation: 'Remove `securityContext.procMount` or set it to `Default`.',
    refs: ['trivy:KSV027'],
  },
  seccompProfile_baseline: {
    title: 'Seccomp is explicitly disabled (Unconfined)',
    rationale: 'Seccomp filters the system calls a container may make; `Unconfined` exposes the whole kernel syscall surface.',
    remediation: 'Set `seccompProfile.type` to `RuntimeDefault` or `Localhost` (never `Unconfined`).',
    refs: ['trivy:KSV104'],
  },
  sysctls: {
    title: 'Pod sets an unsafe sysctl',
    rationale: 'Sysctls outside the namespaced "safe" set change kernel behaviour for every pod on the node or disable protections.',
    remediation: 'Remove the sysctl from `spec.securityContext.sysctls`, or move the workload to dedicated nodes configured for it.',
    refs: ['trivy:KSV026'],
  },
  windowsHostProcess: {
    title: 'Windows HostProcess container',
    rationale: 'A Windows HostProcess container runs directly on the node with host-level access.',
    remediation: 'Remove `windowsOptions.hostProcess: true` from the pod and container security contexts.',
    refs: ['cis-k8s:5.2.11', 'trivy:KSV103'],
  },
  hostProbesAndHostLifecycle: {
    title: 'Probe or lifecycle handler targets another host',
    rationale: 'A probe or lifecycle handler with a `host` makes the kubelet send requests to an arbitrary address from the node, a server-side request forgery path.',
    remediation: 'Remove `host` from `httpGet` and `tcpSocket` in probes and lifecycle handlers; they then target the pod itself.',
    refs: [],
  },
};

const RESTRICTED: Partial<Record<PssCheckId, Def>> = {
  restrictedVolumes: {
    title: 'Pod uses a restricted volume type',
    rationale: 'Only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes are allowed; other sources reach node or network storage directly.',
    remediation: 'Use a PersistentVolumeClaim (backed by a PersistentVolume) or one of the allowed ephemeral sources instead.',
    refs: ['trivy:KSV028'],
  },
  allowPrivilegeEscalation: {
    title: 'Container may escalate privileges (allowPrivilegeEscalation not false)',
    rationale: 'Unless `allowPrivilegeEscalation` is false, setuid binaries and file capabilities can give a process more privileges than its parent (no_new_privs is not set).',
    remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on every container.',
    refs: ['cis-k8s:5.2.6', 'kubescape:C-0016', 'trivy:KSV001'],
  },
  runAsNonRoot: {
    title: 'Container may run as root (runAsNonRoot not true)',
    rationale: 'Without `runAsNonRoot: true` the kubelet starts containers whose image user is root.',
    remediation: 'Set `securityContext.runAsNonRoot: true` on the pod (or on every container) and build images with a non-root USER.',
    refs: ['cis-k8s:5.2.7', 'kubescape:C-0013', 'trivy:KSV012'],
  },
  runAsUser: {
    title: 'Container runs as UID 0 (runAsUser=0)',
    rationale: 'runAsUser 0 runs the process as root regardless of the image.',
    remediation: 'Remove `runAsUser: 0` or set a non-zero UID on the pod and containers.',
    refs: ['cis-k8s:5.2.7', 'trivy:KSV105'],
  },
  seccompProfile_restricted: {
    title: 'Seccomp profile not set to RuntimeDefault or Localhost',
    rationale: 'Without a seccomp profile the container may make any system call; the restricted level requires the runtime default or a local profile.',
    remediation: 'Set `spec.securityContext.seccompProfile.type: RuntimeDefault` (or Localhost with a profile) on the pod or on every container.',
    refs: ['cis-k8s:5.7.2', 'trivy:KSV030'],
  },
  capabilities_restricted: {
    title: 'Container does not drop ALL capabilities, or adds more than NET_BIND_SERVICE',
    rationale: 'The restricted level requires dropping every capability and adding back at most NET_BIND_SERVICE.',
    remediation: 'Set `securityContext.capabilities.drop: ["ALL"]` and add only `NET_BIND_SERVICE` if the process binds a port below 1024.',
    refs: ['cis-k8s:5.2.10', 'trivy:KSV003', 'trivy:KSV106'],
  },
  procMount_restricted: {
    title: 'Container unmasks /proc (restricted)',
    rationale: 'At the restricted level /proc must stay masked even for pods in a user namespace.',
    remediation: 'Remove `securityContext.procMount` or set it to `Default`.',
    refs: ['trivy:KSV027'],
  },
};

function definition(id: PssCheckId, level: 'baseline' | 'restricted', def: Def): CheckDefinition {
  return {
    id: `PSS:${id}`,
    kind: 'kubernetes',
    title: def.title,
    severity: level === 'baseline' ? 'high' : 'medium',
    rationale: def.rationale,
    remediation: def.remediation,
    references: [`pss:${level}`, ...def.refs, 'nsa-k8s:pod-security'],
  };
}

/** One definition per PSS check: baseline first, then restricted. */
export const pssChecks: CheckDefinition[] = [
  ...Object.entries(BASELINE).map(([id, def]) => definition(id as PssCheckId, 'baseline', def!)),
  ...Object.entries(RESTRICTED).map(([id, def]) => definition(id as PssCheckId, 'restricted', def!)),
];

const BY_ID = new Map(pssChecks.map((c) => [c.id, c]));

export function pssCheckDefinition(id: PssCheckId): CheckDefinition {
  return BY_ID.get(`PSS:${id}`)!;
}
