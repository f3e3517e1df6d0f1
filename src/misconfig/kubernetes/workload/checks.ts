/**
 * Workload hardening checks beyond the Pod Security Standards (BH-K8S-001…):
 * the data half. The functions that produce findings live beside this file,
 * one idea per file. Ids are stable and never reused.
 *
 * References name only ids checked against their source: CIS Kubernetes
 * Benchmark v1.9 (`cis-k8s:`), NSA/CISA Kubernetes Hardening Guide v1.2
 * topics (`nsa-k8s:`), kubescape controls (`kubescape:C-…`), Trivy checks
 * (`trivy:KSV…`) and MITRE ATT&CK techniques.
 */
import type { CheckDefinition } from '../../../core/check.js';

const k = (c: Omit<CheckDefinition, 'kind'>): CheckDefinition => ({ kind: 'kubernetes', ...c });

export const readOnlyRootFsCheck = k({
  id: 'BH-K8S-001',
  title: 'Container root filesystem is writable',
  severity: 'medium',
  rationale:
    'A writable root filesystem lets an attacker who gets code execution drop tools, change binaries and plant persistence inside the container. A read-only root with explicit writable volumes for the few paths the application writes keeps the image as built.',
  remediation:
    'Set `securityContext.readOnlyRootFilesystem: true` on the container and mount an `emptyDir` volume at each path the application must write (e.g. /tmp, caches).',
  references: ['cis-k8s:5.7.3', 'nsa-k8s:pod-security', 'kubescape:C-0017', 'trivy:KSV014'],
});

export const resourceLimitsCheck = k({
  id: 'BH-K8S-002',
  title: 'Container has no CPU or memory limit',
  severity: 'low',
  rationale:
    'Without limits one container can take all the CPU or memory of its node: a bug, a leak or an attacker running a miner starves every other pod there, and an out-of-memory node evicts unrelated workloads.',
  remediation:
    'Set `resources.limits.memory` (and usually `resources.limits.cpu`) on every container, or enforce defaults per namespace with a LimitRange.',
  references: ['nsa-k8s:network-separation', 'kubescape:C-0009', 'kubescape:C-0004', 'kubescape:C-0050', 'trivy:KSV011', 'trivy:KSV018'],
});

export const resourceRequestsCheck = k({
  id: 'BH-K8S-003',
  title: 'Container has no CPU or memory request',
  severity: 'low',
  rationale:
    'Requests are what the scheduler reserves. Without them a pod is BestEffort or Burstable with nothing reserved: it is placed on overloaded nodes and is the first to be evicted under pressure.',
  remediation: 'Set `resources.requests.cpu` and `resources.requests.memory` on every container (a LimitRange can default them per namespace).',
  references: ['nsa-k8s:network-separation', 'kubescape:C-0004', 'kubescape:C-0050', 'trivy:KSV015', 'trivy:KSV016'],
});

/** Pods that carry this annotation set to "true" say they call the Kubernetes API, so the token is wanted. */
export const API_ACCESS_ANNOTATION = 'bulkhead.dev/needs-api-access';

export const automountTokenCheck = k({
  id: 'BH-K8S-004',
  title: 'Service account token mounted into a pod that does not use the API',
  severity: 'medium',
  rationale:
    'Every pod gets its service account token mounted unless told otherwise. A pod running as the `default` service account (no serviceAccountName) almost never calls the API server, so the token only serves an attacker: it authenticates them to the API from inside the cluster.',
  remediation: `Set \`automountServiceAccountToken: false\` in the pod spec (or on the \`default\` ServiceAccount). If the pod does call the API, give it its own ServiceAccount with just the rights it needs, or annotate it \`${API_ACCESS_ANNOTATION}: "true"\`.`,
  references: ['cis-k8s:5.1.6', 'nsa-k8s:pod-security', 'kubescape:C-0034', 'trivy:KSV036', 'mitre-attack:T1528'],
});

export const latestTagCheck = k({
  id: 'BH-K8S-005',
  title: 'Image uses the latest tag or no tag',
  severity: 'medium',
  rationale:
    'A `latest` (or missing) tag names whatever was pushed last: two nodes can run different code under the same manifest, a rollback redeploys the same moving target, and nobody can say which version is running.',
  remediation: 'Use an immutable version tag, ideally pinned by digest: `image: registry/app:1.4.2@sha256:…`.',
  references: ['trivy:KSV013'],
});

export const digestPinCheck = k({
  id: 'BH-K8S-006',
  title: 'Image is not pinned by digest',
  severity: 'low',
  rationale:
    'Tags can be moved by anyone who can push to the repository. Only a digest names exactly the bytes that were scanned, signed and approved; a tag can be repointed at a different image after review.',
  remediation: 'Reference images by digest (`registry/app:1.4.2@sha256:…`); tools such as Renovate or kustomize `images:` keep digests up to date.',
  references: [],
});

export const pullPolicyCheck = k({
  id: 'BH-K8S-007',
  title: 'Image with a mutable tag is not always pulled',
  severity: 'low',
  rationale:
    'With `imagePullPolicy: IfNotPresent` or `Never` a node runs whatever image it cached under a moving tag (`latest`, `stable`, `3.12`): nodes drift apart, and a fixed image is never picked up. A pod can also reuse a private image another tenant pulled, without its own pull secret being checked.',
  remediation: 'Pin the image by digest (then the policy does not matter), or set `imagePullPolicy: Always` for images referenced by a moving tag.',
  references: ['kubescape:C-0075'],
});

export const livenessProbeCheck = k({
  id: 'BH-K8S-008',
  title: 'Container has no liveness probe',
  severity: 'low',
  rationale:
    'Without a liveness probe Kubernetes only restarts a container whose process exits; a deadlocked or hung service keeps running, and serving errors, until someone notices.',
  remediation: 'Add a `livenessProbe` (httpGet, tcpSocket, grpc or exec) that fails when the process can no longer make progress.',
  references: ['kubescape:C-0056'],
});

export const readinessProbeCheck = k({
  id: 'BH-K8S-009',
  title: 'Container that serves ports has no readiness probe',
  severity: 'low',
  rationale:
    'Without a readiness probe a pod receives traffic as soon as its process starts, before it can serve, and keeps receiving it while it is overloaded or its dependencies are down.',
  remediation: 'Add a `readinessProbe` that succeeds only when the container can serve requests.',
  references: ['kubescape:C-0018'],
});

export const defaultNamespaceCheck = k({
  id: 'BH-K8S-010',
  title: 'Object in the default namespace',
  severity: 'low',
  rationale:
    'The `default` namespace is where everything lands by accident: it usually has no NetworkPolicies, no ResourceQuota, no Pod Security labels and broad RoleBindings, so objects there share one unbounded security boundary. An object without a namespace is created in whatever namespace the deploying kubeconfig points at, usually `default`.',
  remediation: 'Create a namespace per application or team, set `metadata.namespace` explicitly, and give the namespace its own policies (NetworkPolicy, ResourceQuota, Pod Security labels).',
  references: ['cis-k8s:5.7.4', 'nsa-k8s:network-separation', 'kubescape:C-0061', 'trivy:KSV110'],
});

export const envSecretCheck = k({
  id: 'BH-K8S-011',
  title: 'Secret written as a literal in a container environment or arguments',
  severity: 'high',
  rationale:
    'A credential written into a manifest is stored in plain text in Git, in the API server (readable by anyone who can read the workload) and in every rendered copy of the chart; it also shows up in `kubectl describe` and in the process environment.',
  remediation:
    'Rotate the credential, store it in a Secret (or an external secret store via the CSI driver or External Secrets) and reference it with `valueFrom.secretKeyRef`, or better mount it as a file.',
  references: ['cis-k8s:5.4.1', 'kubescape:C-0012', 'mitre-attack:T1552.001'],
});

export const configMapSecretCheck = k({
  id: 'BH-K8S-012',
  title: 'Secret stored in a ConfigMap',
  severity: 'high',
  rationale:
    'ConfigMaps are not meant for credentials: they are readable by far more subjects than Secrets (many roles grant get/list on configmaps), never encrypted at rest by the encryption provider config for secrets, and shown in full by `kubectl describe`.',
  remediation: 'Rotate the credential and move it to a Secret (or an external secret store), referenced with `secretKeyRef` or mounted as a file.',
  references: ['cis-k8s:5.4.1', 'kubescape:C-0012', 'trivy:KSV109', 'mitre-attack:T1552.001'],
});

export const runtimeSocketCheck = k({
  id: 'BH-K8S-013',
  title: 'Container runtime socket mounted into a pod',
  severity: 'critical',
  rationale:
    'The Docker, containerd or CRI-O socket is the API of the runtime that runs every container on the node. Whoever can write to it can start a privileged container with the host filesystem mounted: it is root on the node.',
  remediation: 'Remove the hostPath mount. Build images with rootless builders (BuildKit rootless, kaniko) and read runtime data through the Kubernetes API or a node agent designed for it.',
  references: ['cis-k8s:5.2.12', 'nsa-k8s:pod-security', 'kubescape:C-0074', 'trivy:KSV006', 'mitre-attack:T1611'],
});

export const sensitiveHostPathCheck = k({
  id: 'BH-K8S-014',
  title: 'Sensitive host path mounted into a pod',
  severity: 'high',
  rationale:
    'Mounting system directories of the node (`/`, `/etc`, `/proc`, `/sys`, `/var/run`, `/var/lib/kubelet`, `/root`, …) exposes host credentials (kubelet and service account keys, SSH keys, /etc/shadow) and, when writable, lets the container change the host: a short path to taking over the node.',
  remediation: 'Remove the hostPath volume, or narrow it to the one file or directory the workload needs and mount it `readOnly: true`. Prefer projected, configMap, secret or CSI volumes.',
  references: ['cis-k8s:5.2.12', 'nsa-k8s:pod-security', 'kubescape:C-0048', 'trivy:KSV121', 'mitre-attack:T1611'],
});

export const dangerousCapabilityCheck = k({
  id: 'BH-K8S-015',
  title: 'Dangerous Linux capability added to a container',
  severity: 'high',
  rationale:
    'Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH, BPF or NET_ADMIN hand a container parts of root on the node: mounting filesystems, loading kernel modules, reading other processes\' memory or any file, reprogramming the network. Most known container escapes need one of them.',
  remediation: 'Remove the capability from `securityContext.capabilities.add`; drop ALL and add back only what the process needs (usually nothing, or NET_BIND_SERVICE).',
  references: ['cis-k8s:5.2.9', 'nsa-k8s:pod-security', 'kubescape:C-0046', 'trivy:KSV005', 'trivy:KSV022', 'trivy:KSV119', 'trivy:KSV120', 'mitre-attack:T1611'],
});

export const netRawCheck = k({
  id: 'BH-K8S-016',
  title: 'NET_RAW capability not dropped',
  severity: 'low',
  rationale:
    'Container runtimes grant NET_RAW by default. It lets a compromised container craft raw packets: ARP and DNS spoofing of neighbouring pods, and it has been the missing piece of several kernel exploits.',
  remediation: 'Add `NET_RAW` (or `ALL`) to `securityContext.capabilities.drop`.',
  references: ['cis-k8s:5.2.8', 'nsa-k8s:pod-security'],
});

export const serviceExposureCheck = k({
  id: 'BH-K8S-017',
  title: 'Service exposes workloads outside the cluster',
  severity: 'medium',
  rationale:
    'A NodePort Service opens a port on every node; a LoadBalancer Service gets an external address, reachable from the internet unless `loadBalancerSourceRanges` (or a firewall outside the cluster) restricts it. Every workload the Service selects is then reachable from outside, bypassing ingress-level authentication and TLS.',
  remediation: 'Expose HTTP services through an Ingress or Gateway with TLS and authentication; keep Services ClusterIP. Where a LoadBalancer is needed, set `loadBalancerSourceRanges` (or an internal load-balancer annotation) to the networks that need access.',
  references: ['nsa-k8s:network-separation'],
});

export const externalIpsCheck = k({
  id: 'BH-K8S-018',
  title: 'Service sets externalIPs',
  severity: 'medium',
  rationale:
    'kube-proxy routes traffic for a Service\'s externalIPs on every node, whoever owns the address. Anyone who can create Services can use it to intercept traffic to any IP (CVE-2020-8554), which is why the DenyServiceExternalIPs admission plugin exists.',
  remediation: 'Use a LoadBalancer or Ingress instead; enable the DenyServiceExternalIPs admission plugin, or restrict externalIPs with a policy engine.',
  references: ['nsa-k8s:network-separation'],
});

export const hostAliasesCheck = k({
  id: 'BH-K8S-019',
  title: 'Pod overrides name resolution with hostAliases',
  severity: 'low',
  rationale:
    'hostAliases write fixed entries into the pod\'s /etc/hosts: they bypass cluster DNS and its policies, silently pin services to addresses that change, and are a known way to redirect traffic for a name.',
  remediation: 'Remove `hostAliases`; publish the name in DNS (a Service, ExternalName or a CoreDNS entry) instead.',
  references: ['trivy:KSV007'],
});

export const shareProcessNamespaceCheck = k({
  id: 'BH-K8S-020',
  title: 'Containers of the pod share one process namespace',
  severity: 'medium',
  rationale:
    'With `shareProcessNamespace: true` every container sees and can signal the processes of the others, and reads their environment and filesystem through /proc/<pid>/root: a compromised sidecar reads the main container\'s secrets, and the reverse.',
  remediation: 'Remove `shareProcessNamespace` unless a debugging or process-supervisor sidecar truly needs it; use ephemeral debug containers (`kubectl debug`) instead.',
  references: [],
});

export const privilegedHostPidCheck = k({
  id: 'BH-K8S-021',
  title: 'Privileged container in a pod sharing the host PID namespace',
  severity: 'critical',
  rationale:
    'A privileged container that also sees the host\'s processes (hostPID) escapes in one command: `nsenter --target 1 --mount --uts --ipc --net --pid` gives a root shell on the node. Each setting is dangerous; together they are a container that is not contained.',
  remediation: 'Remove `privileged: true` and `hostPID: true`. Node agents that need host visibility should use the narrowest capabilities and read-only mounts instead.',
  references: ['cis-k8s:5.2.2', 'cis-k8s:5.2.3', 'nsa-k8s:pod-security', 'kubescape:C-0057', 'kubescape:C-0038', 'mitre-attack:T1611'],
});

export const rootUidCheck = k({
  id: 'BH-K8S-022',
  title: 'Container explicitly runs as UID 0',
  severity: 'medium',
  rationale:
    '`runAsUser: 0` makes the process root in the container whatever the image says. Root in a container owns the container filesystem and keeps many capabilities; one kernel or runtime bug away from root on the node.',
  remediation: 'Set `runAsUser` to a non-zero UID (e.g. 10001) and `runAsNonRoot: true`; fix file ownership in the image so the application works unprivileged.',
  references: ['cis-k8s:5.2.7', 'nsa-k8s:pod-security', 'kubescape:C-0013', 'trivy:KSV105'],
});

export const privilegeEscalationCheck = k({
  id: 'BH-K8S-023',
  title: 'Container explicitly allows privilege escalation',
  severity: 'medium',
  rationale:
    '`allowPrivilegeEscalation: true` leaves no_new_privs unset: setuid binaries and file capabilities in the image can raise a process to root or grant it capabilities it did not start with.',
  remediation: 'Set `securityContext.allowPrivilegeEscalation: false`.',
  references: ['cis-k8s:5.2.6', 'nsa-k8s:pod-security', 'kubescape:C-0016', 'trivy:KSV001'],
});

export const hostNetworkPortCheck = k({
  id: 'BH-K8S-024',
  title: 'Pod on the host network binds host ports',
  severity: 'medium',
  rationale:
    'A pod on the host network that publishes hostPorts listens directly on the node\'s interfaces: NetworkPolicies do not apply to it, it can reach node-local services (kubelet, metadata endpoints) and it is reachable by anything that can reach the node.',
  remediation: 'Remove `hostNetwork` and `hostPort`; expose the workload through a Service. Node agents that need the host network should listen on localhost only.',
  references: ['cis-k8s:5.2.5', 'cis-k8s:5.2.13', 'nsa-k8s:network-separation', 'kubescape:C-0041', 'kubescape:C-0044', 'trivy:KSV024'],
});

export const ingressTlsCheck = k({
  id: 'BH-K8S-025',
  title: 'Ingress serves hosts without TLS',
  severity: 'medium',
  rationale:
    'Hosts of an Ingress not covered by a `tls` entry are served over plain HTTP: credentials and session cookies cross the network in clear text and can be altered in transit.',
  remediation: 'Add a `spec.tls` entry for every host (cert-manager can issue the certificates) and redirect HTTP to HTTPS in the ingress controller.',
  references: ['nsa-k8s:network-separation'],
});

export const workloadChecks: readonly CheckDefinition[] = [
  readOnlyRootFsCheck,
  resourceLimitsCheck,
  resourceRequestsCheck,
  automountTokenCheck,
  latestTagCheck,
  digestPinCheck,
  pullPolicyCheck,
  livenessProbeCheck,
  readinessProbeCheck,
  defaultNamespaceCheck,
  envSecretCheck,
  configMapSecretCheck,
  runtimeSocketCheck,
  sensitiveHostPathCheck,
  dangerousCapabilityCheck,
  netRawCheck,
  serviceExposureCheck,
  externalIpsCheck,
  hostAliasesCheck,
  shareProcessNamespaceCheck,
  privilegedHostPidCheck,
  rootUidCheck,
  privilegeEscalationCheck,
  hostNetworkPortCheck,
  ingressTlsCheck,
];
