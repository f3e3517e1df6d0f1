/**
 * Runtime least-privilege checks (BH-RTC-…): how a container is run, read
 * from `docker inspect`, an OCI runtime config.json or a Kubernetes pod spec.
 * The data half; evaluate.ts holds the function half. Numbering follows the
 * CIS Docker Benchmark (v1.6) section 5 where one applies.
 */
import type { CheckDefinition } from '../../core/check.js';

const rt = (c: Omit<CheckDefinition, 'kind'>): CheckDefinition => ({ kind: 'runtime', ...c });

export const privilegedCheck = rt({
  id: 'BH-RTC-001',
  title: 'Privileged container',
  severity: 'critical',
  rationale:
    'A privileged container has every capability, no seccomp or AppArmor confinement and access to all host devices: root in it is root on the host (mount the host disk, load kernel modules).',
  remediation: 'Remove `--privileged` / `securityContext.privileged: true`; grant the one capability or device the workload needs instead.',
  references: ['cis-docker:5.4', 'nist-800-190:4.4.3', 'kubescape:C-0057', 'mitre-attack:T1611'],
});

export const dangerousCapabilityCheck = rt({
  id: 'BH-RTC-002',
  title: 'Dangerous capability added',
  severity: 'high',
  rationale:
    'Capabilities such as SYS_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, NET_ADMIN or BPF each open a known path out of the container (mounts, reading other processes, kernel modules, reading host files by handle, eBPF).',
  remediation: 'Drop the capability (`--cap-add` / `capabilities.add`); start from `--cap-drop=ALL` and add back only what the process needs.',
  references: ['cis-docker:5.3', 'nist-800-190:4.4.3', 'kubescape:C-0046', 'mitre-attack:T1611'],
});

export const addedCapabilityCheck = rt({
  id: 'BH-RTC-003',
  title: 'Capability added beyond the runtime default',
  severity: 'low',
  rationale: 'Every added capability widens what a compromised process may do; most services need none beyond the defaults, many need none at all.',
  remediation: 'Remove the added capability or document why it is needed; prefer `--cap-drop=ALL` plus the minimum.',
  references: ['cis-docker:5.3', 'kubescape:C-0055'],
});

export const seccompCheck = rt({
  id: 'BH-RTC-004',
  title: 'No seccomp profile',
  severity: 'high',
  rationale:
    'Without seccomp every system call reaches the kernel, including the rarely needed ones (keyctl, userfaultfd, unshare, bpf) behind many container escapes.',
  remediation: 'Run with the runtime default profile (Docker does unless `seccomp=unconfined`; Kubernetes: `seccompProfile: {type: RuntimeDefault}`; OCI: add `linux.seccomp`).',
  references: ['cis-docker:5.21', 'nist-800-190:4.4.3', 'kubescape:C-0210'],
});

export const apparmorCheck = rt({
  id: 'BH-RTC-005',
  title: 'No AppArmor profile',
  severity: 'medium',
  rationale: 'On AppArmor hosts the default profile denies writes to /proc and /sys and mounting; running unconfined gives those back.',
  remediation: 'Do not set `apparmor=unconfined`; on Kubernetes use `appArmorProfile: {type: RuntimeDefault}`; in an OCI config set `process.apparmorProfile`.',
  references: ['cis-docker:5.1', 'nist-800-190:4.4.3', 'kubescape:C-0055'],
});

export const selinuxCheck = rt({
  id: 'BH-RTC-006',
  title: 'SELinux separation disabled',
  severity: 'medium',
  rationale: '`label=disable` or the spc_t type turns off SELinux separation between the container and the host on SELinux hosts.',
  remediation: 'Remove `--security-opt label=disable` / `seLinuxOptions.type: spc_t`; relabel volumes (`:z`) instead.',
  references: ['cis-docker:5.2', 'nist-800-190:4.4.3', 'kubescape:C-0055'],
});

export const hostNetworkCheck = rt({
  id: 'BH-RTC-007',
  title: "Host's network namespace shared",
  severity: 'high',
  rationale: "The container sees and can bind every host interface, reach services listening on localhost and sniff host traffic with NET_RAW.",
  remediation: 'Remove `--network host` / `hostNetwork: true` (OCI: keep a `network` namespace); publish ports instead.',
  references: ['cis-docker:5.9', 'nist-800-190:4.4.2', 'kubescape:C-0041'],
});

export const hostPidCheck = rt({
  id: 'BH-RTC-008',
  title: "Host's process namespace shared",
  severity: 'high',
  rationale: 'The container sees every host process, their command lines and environments, and can signal or ptrace them with the right capability.',
  remediation: 'Remove `--pid host` / `hostPID: true` (OCI: keep a `pid` namespace).',
  references: ['cis-docker:5.15', 'nist-800-190:4.4.3', 'kubescape:C-0038'],
});

export const hostIpcCheck = rt({
  id: 'BH-RTC-009',
  title: "Host's IPC namespace shared",
  severity: 'high',
  rationale: 'Shared memory segments, semaphores and message queues of host processes become readable and writable from the container.',
  remediation: 'Remove `--ipc host` / `hostIPC: true` (OCI: keep an `ipc` namespace).',
  references: ['cis-docker:5.16', 'nist-800-190:4.4.3', 'kubescape:C-0038'],
});

export const hostUtsCheck = rt({
  id: 'BH-RTC-010',
  title: "Host's UTS namespace shared",
  severity: 'medium',
  rationale: 'The container can change the host name of the machine, which other services and logs trust.',
  remediation: 'Remove `--uts host` (OCI: keep a `uts` namespace).',
  references: ['cis-docker:5.20', 'nist-800-190:4.4.3'],
});

export const hostUserNamespaceCheck = rt({
  id: 'BH-RTC-011',
  title: "Host's user namespace shared",
  severity: 'low',
  rationale: 'Without a user namespace uid 0 in the container is uid 0 on the host: any escape lands as host root. With one, root maps to an unprivileged host uid.',
  remediation: 'Use user namespaces: Docker `userns-remap` and no `--userns host`; Kubernetes `hostUsers: false`; OCI: a `user` namespace with uid/gid mappings.',
  references: ['cis-docker:5.30', 'nist-800-190:4.4.3'],
});

export const runtimeSocketCheck = rt({
  id: 'BH-RTC-012',
  title: 'Container runtime socket mounted',
  severity: 'critical',
  rationale: 'Whoever talks to docker.sock, containerd.sock or crio.sock can start a privileged container with the host root mounted: full control of the host.',
  remediation: 'Do not mount the runtime socket; give tools that need the API a narrowly scoped proxy or run them outside containers.',
  references: ['cis-docker:5.31', 'nist-800-190:4.4.3', 'kubescape:C-0074', 'mitre-attack:T1610'],
});

export const sensitiveMountCheck = rt({
  id: 'BH-RTC-013',
  title: 'Sensitive host directory mounted',
  severity: 'high',
  rationale: 'Mounting /, /etc, /proc, /sys, /dev, /boot, /var/run or /var/lib/kubelet exposes host credentials, devices or kernel interfaces; read-write, it lets the container change the host.',
  remediation: 'Mount only the application directory the container needs, read-only where possible.',
  references: ['cis-docker:5.5', 'nist-800-190:4.4.3', 'kubescape:C-0048', 'kubescape:C-0045'],
});

export const writableRootfsCheck = rt({
  id: 'BH-RTC-014',
  title: 'Root filesystem is writable',
  severity: 'medium',
  rationale: 'A writable root filesystem lets an intruder drop and run tools and change binaries (drift); a read-only one confines writes to declared volumes.',
  remediation: 'Run with `--read-only` / `readOnlyRootFilesystem: true` (OCI: `root.readonly: true`) and mount tmpfs or volumes where the application writes.',
  references: ['cis-docker:5.12', 'nist-800-190:4.4.3', 'kubescape:C-0017'],
});

export const memoryLimitCheck = rt({
  id: 'BH-RTC-015',
  title: 'No memory limit',
  severity: 'medium',
  rationale: 'One container without a memory limit can exhaust host memory and get other workloads killed.',
  remediation: 'Set `--memory` / `resources.limits.memory` (OCI: `linux.resources.memory.limit`).',
  references: ['cis-docker:5.10', 'nist-800-190:4.4.3', 'kubescape:C-0004'],
});

export const cpuLimitCheck = rt({
  id: 'BH-RTC-016',
  title: 'No CPU limit or share',
  severity: 'low',
  rationale: 'Without a CPU limit or share a busy or compromised container (a miner) takes CPU from everything else on the host.',
  remediation: 'Set `--cpus` or `--cpu-shares` / `resources.limits.cpu` (OCI: `linux.resources.cpu.quota` or `shares`).',
  references: ['cis-docker:5.11', 'nist-800-190:4.4.3', 'kubescape:C-0050'],
});

export const pidsLimitCheck = rt({
  id: 'BH-RTC-017',
  title: 'No pids limit',
  severity: 'medium',
  rationale: 'Without a pids cgroup limit a fork bomb in one container exhausts the host process table.',
  remediation: 'Set `--pids-limit` (OCI: `linux.resources.pids.limit`; Kubernetes: the kubelet `podPidsLimit`).',
  references: ['cis-docker:5.28', 'nist-800-190:4.4.3'],
});

export const noNewPrivilegesCheck = rt({
  id: 'BH-RTC-018',
  title: 'Privilege escalation not blocked (no-new-privileges)',
  severity: 'medium',
  rationale: 'Without no-new-privileges a process can gain privileges through setuid binaries or file capabilities inside the container.',
  remediation: 'Run with `--security-opt no-new-privileges` / `allowPrivilegeEscalation: false` (OCI: `process.noNewPrivileges: true`).',
  references: ['cis-docker:5.25', 'nist-800-190:4.4.3', 'kubescape:C-0016'],
});

export const rootUserCheck = rt({
  id: 'BH-RTC-019',
  title: 'Container runs as root',
  severity: 'medium',
  rationale: 'A process running as uid 0 owns the container filesystem and keeps root-only capabilities; it is one kernel or runtime bug away from the host.',
  remediation: 'Run as an unprivileged uid (`--user 10001`, `runAsUser` with `runAsNonRoot: true`, OCI `process.user.uid`).',
  references: ['cis-docker:4.1', 'nist-800-190:4.4.3', 'kubescape:C-0013'],
});

export const runtimeConfigChecks: readonly CheckDefinition[] = [
  privilegedCheck,
  dangerousCapabilityCheck,
  addedCapabilityCheck,
  seccompCheck,
  apparmorCheck,
  selinuxCheck,
  hostNetworkCheck,
  hostPidCheck,
  hostIpcCheck,
  hostUtsCheck,
  hostUserNamespaceCheck,
  runtimeSocketCheck,
  sensitiveMountCheck,
  writableRootfsCheck,
  memoryLimitCheck,
  cpuLimitCheck,
  pidsLimitCheck,
  noNewPrivilegesCheck,
  rootUserCheck,
];
