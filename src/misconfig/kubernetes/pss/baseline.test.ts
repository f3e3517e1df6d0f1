import { describe, expect, it } from 'vitest';
import { evaluatePod, forbiddenSummary } from './evaluate.js';
import { app, podOfSpec, resultOf, verdictOf } from './testdata/pods.js';
import type { PssCheckId } from './types.js';

interface Case {
  name: string;
  spec: unknown;
  annotations?: Record<string, string>;
  /** Expected forbiddenDetail, or null when the check allows the pod. */
  detail: string | null;
}

/** Run each case at baseline:latest (and v1.0 when asked) and compare the check's verdict and detail. */
function table(id: PssCheckId, reason: string, cases: Case[], versions: ('latest' | 'v1.0')[] = ['latest']) {
  describe(id, () => {
    for (const version of versions) {
      it.each(cases)(`${version}: $name`, ({ spec, annotations, detail }) => {
        const r = resultOf(spec, 'baseline', version, id, annotations ? { annotations } : {});
        expect(r, 'check must run').toBeDefined();
        if (detail === null) {
          expect(r!.allowed).toBe(true);
          expect(r!.faults).toEqual([]);
        } else {
          expect(r!.allowed).toBe(false);
          expect(r!.forbiddenReason).toBe(reason);
          expect(r!.forbiddenDetail).toBe(detail);
          expect(r!.faults.length).toBeGreaterThan(0);
        }
      });
    }
  });
}

table('hostNamespaces', 'host namespaces', [
  { name: 'unset', spec: { containers: [app()] }, detail: null },
  { name: 'all false', spec: { hostNetwork: false, hostPID: false, hostIPC: false, containers: [app()] }, detail: null },
  { name: 'hostNetwork', spec: { hostNetwork: true, containers: [app()] }, detail: 'hostNetwork=true' },
  { name: 'all three, sorted', spec: { hostPID: true, hostNetwork: true, hostIPC: true, containers: [app()] }, detail: 'hostIPC=true, hostNetwork=true, hostPID=true' },
  { name: 'a string is not true', spec: { hostPID: 'true', containers: [app()] }, detail: null },
], ['v1.0', 'latest']);

table('privileged', 'privileged', [
  { name: 'unset', spec: { containers: [app()] }, detail: null },
  { name: 'false', spec: { containers: [app({ securityContext: { privileged: false } })] }, detail: null },
  { name: 'container', spec: { containers: [app({ securityContext: { privileged: true } })] }, detail: 'container "app" must not set securityContext.privileged=true' },
  {
    name: 'init and ephemeral containers',
    spec: {
      initContainers: [{ name: 'init', securityContext: { privileged: true } }],
      containers: [app()],
      ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }],
    },
    detail: 'containers "init", "debug" must not set securityContext.privileged=true',
  },
], ['v1.0', 'latest']);

table('capabilities_baseline', 'non-default capabilities', [
  { name: 'no capabilities', spec: { containers: [app()] }, detail: null },
  { name: 'default set', spec: { containers: [app({ securityContext: { capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'AUDIT_WRITE'] } } })] }, detail: null },
  { name: 'drop only', spec: { containers: [app({ securityContext: { capabilities: { drop: ['ALL'] } } })] }, detail: null },
  { name: 'NET_RAW is not default', spec: { containers: [app({ securityContext: { capabilities: { add: ['NET_RAW'] } } })] }, detail: 'container "app" must not include "NET_RAW" in securityContext.capabilities.add' },
  { name: 'CAP_ prefix is not matched', spec: { containers: [app({ securityContext: { capabilities: { add: ['CAP_CHOWN'] } } })] }, detail: 'container "app" must not include "CAP_CHOWN" in securityContext.capabilities.add' },
  { name: 'case-sensitive', spec: { containers: [app({ securityContext: { capabilities: { add: ['chown'] } } })] }, detail: 'container "app" must not include "chown" in securityContext.capabilities.add' },
  {
    name: 'two containers, sorted capabilities',
    spec: {
      initContainers: [{ name: 'i', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
      containers: [app({ securityContext: { capabilities: { add: ['NET_ADMIN', 'KILL'] } } })],
    },
    detail: 'containers "i", "app" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add',
  },
], ['v1.0', 'latest']);

table('hostPathVolumes', 'hostPath volumes', [
  { name: 'no volumes', spec: { containers: [app()] }, detail: null },
  { name: 'emptyDir and nfs are fine at baseline', spec: { volumes: [{ name: 'e', emptyDir: {} }, { name: 'n', nfs: { server: 's', path: '/' } }], containers: [app()] }, detail: null },
  { name: 'hostPath: null is unset', spec: { volumes: [{ name: 'x', hostPath: null, emptyDir: {} }], containers: [app()] }, detail: null },
  { name: 'one', spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [app()] }, detail: 'volume "root"' },
  { name: 'two', spec: { volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'e', emptyDir: {} }, { name: 'b', hostPath: { path: '/b' } }], containers: [app()] }, detail: 'volumes "a", "b"' },
], ['v1.0', 'latest']);

table('hostPorts', 'hostPort', [
  { name: 'container ports only', spec: { containers: [app({ ports: [{ containerPort: 8080 }] })] }, detail: null },
  { name: 'hostPort 0', spec: { containers: [app({ ports: [{ containerPort: 8080, hostPort: 0 }] })] }, detail: null },
  { name: 'one', spec: { containers: [app({ ports: [{ containerPort: 80, hostPort: 8080 }] })] }, detail: 'container "app" uses hostPort 8080' },
  {
    name: 'several, in an init container too',
    spec: {
      initContainers: [{ name: 'i', ports: [{ containerPort: 1, hostPort: 10000 }] }],
      containers: [app({ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }] })],
    },
    detail: 'containers "i", "app" use hostPorts 10000, 8080',
  },
], ['v1.0', 'latest']);

table('appArmorProfile', 'forbidden AppArmor profile', [
  { name: 'none', spec: { containers: [app()] }, detail: null },
  { name: 'runtime/default annotation', spec: { containers: [app()] }, annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }, detail: null },
  { name: 'localhost annotation', spec: { containers: [app()] }, annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/my-profile' }, detail: null },
  { name: 'empty annotation', spec: { containers: [app()] }, annotations: { 'container.apparmor.security.beta.kubernetes.io/app': '' }, detail: null },
  { name: 'field RuntimeDefault and Localhost', spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [app({ securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'x' } } })] }, detail: null },
  {
    name: 'unconfined annotation (any container name)',
    spec: { containers: [app()] },
    annotations: { 'container.apparmor.security.beta.kubernetes.io/other': 'unconfined' },
    detail: 'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/other="unconfined""',
  },
  { name: 'pod field Unconfined', spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [app()] }, detail: 'pod must not set AppArmor profile type to "Unconfined"' },
  { name: 'container field Unconfined', spec: { containers: [app({ securityContext: { appArmorProfile: { type: 'Unconfined' } } })] }, detail: 'container "app" must not set AppArmor profile type to "Unconfined"' },
], ['v1.0', 'latest']);

describe('appArmorProfile reason is plural for several profiles', () => {
  it('says "forbidden AppArmor profiles"', () => {
    const r = resultOf(
      { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [app({ securityContext: { appArmorProfile: { type: 'Bogus' } } })] },
      'baseline',
      'latest',
      'appArmorProfile',
    );
    expect(r!.forbiddenReason).toBe('forbidden AppArmor profiles');
    expect(r!.forbiddenDetail).toBe('pod and container "app" must not set AppArmor profile type to "Bogus", "Unconfined"');
  });
});

table('seLinuxOptions', 'seLinuxOptions', [
  { name: 'none', spec: { containers: [app()] }, detail: null },
  { name: 'allowed types and a level', spec: { securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } }, containers: [app({ securityContext: { seLinuxOptions: { type: 'container_kvm_t' } } })] }, detail: null },
  { name: 'bad pod type', spec: { securityContext: { seLinuxOptions: { type: 'spc_t' } }, containers: [app()] }, detail: 'pod set forbidden securityContext.seLinuxOptions: type "spc_t"' },
  { name: 'user and role', spec: { containers: [app({ securityContext: { seLinuxOptions: { user: 'system_u', role: 'system_r' } } })] }, detail: 'container "app" set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set' },
  {
    name: 'types from pod and containers',
    spec: { securityContext: { seLinuxOptions: { type: 'b_t' } }, initContainers: [{ name: 'i', securityContext: { seLinuxOptions: { type: 'a_t', user: 'u' } } }], containers: [app()] },
    detail: 'pod and container "i" set forbidden securityContext.seLinuxOptions: types "a_t", "b_t"; user may not be set',
  },
]);

table('procMount', 'procMount', [
  { name: 'unset', spec: { containers: [app()] }, detail: null },
  { name: 'Default', spec: { containers: [app({ securityContext: { procMount: 'Default' } })] }, detail: null },
  { name: 'Unmasked', spec: { containers: [app({ securityContext: { procMount: 'Unmasked' } })] }, detail: 'container "app" must not set securityContext.procMount to "Unmasked"' },
  { name: 'case-sensitive', spec: { containers: [app({ securityContext: { procMount: 'default' } })] }, detail: 'container "app" must not set securityContext.procMount to "default"' },
], ['v1.0', 'latest']);

table('seccompProfile_baseline', 'seccompProfile', [
  { name: 'unset', spec: { containers: [app()] }, detail: null },
  { name: 'RuntimeDefault and Localhost', spec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [app({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } })] }, detail: null },
  { name: 'pod Unconfined', spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [app()] }, detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"' },
  {
    name: 'pod and container',
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [app({ securityContext: { seccompProfile: { type: 'unconfined' } } })] },
    detail: 'pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined", "unconfined"',
  },
  { name: 'annotations are ignored from v1.19', spec: { containers: [app()] }, annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }, detail: null },
]);

table('sysctls', 'forbidden sysctls', [
  { name: 'none', spec: { containers: [app()] }, detail: null },
  { name: 'safe ones', spec: { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] }, containers: [app()] }, detail: null },
  { name: 'unsafe ones, in order', spec: { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'net.core.somaxconn', value: '1' }] }, containers: [app()] }, detail: 'kernel.msgmax, net.core.somaxconn' },
], ['v1.0', 'latest']);

table('windowsHostProcess', 'hostProcess', [
  { name: 'unset', spec: { containers: [app()] }, detail: null },
  { name: 'false', spec: { securityContext: { windowsOptions: { hostProcess: false } }, containers: [app()] }, detail: null },
  { name: 'pod', spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [app()] }, detail: 'pod must not set securityContext.windowsOptions.hostProcess=true' },
  {
    name: 'pod and containers',
    spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [app({ securityContext: { windowsOptions: { hostProcess: true } } })], ephemeralContainers: [{ name: 'e', securityContext: { windowsOptions: { hostProcess: true } } }] },
    detail: 'pod and containers "app", "e" must not set securityContext.windowsOptions.hostProcess=true',
  },
], ['v1.0', 'latest']);

table('hostProbesAndHostLifecycle', 'probe or lifecycle host', [
  { name: 'probes without host', spec: { containers: [app({ livenessProbe: { httpGet: { path: '/', port: 80 } }, readinessProbe: { tcpSocket: { port: 80 } } })] }, detail: null },
  { name: 'empty host', spec: { containers: [app({ livenessProbe: { httpGet: { host: '', port: 80 } } })] }, detail: null },
  { name: 'liveness httpGet host', spec: { containers: [app({ livenessProbe: { httpGet: { host: '169.254.169.254', port: 80 } } })] }, detail: 'container "app" uses probe or lifecycle host "169.254.169.254"' },
  {
    name: 'startup tcp and preStop http in two containers',
    spec: {
      initContainers: [{ name: 'z', startupProbe: { tcpSocket: { host: 'b.example', port: 1 } } }],
      containers: [app({ lifecycle: { preStop: { httpGet: { host: 'a.example', port: 1 } }, postStart: { tcpSocket: { host: 'b.example', port: 1 } } } })],
    },
    detail: 'containers "app", "z" use probe or lifecycle hosts "a.example", "b.example"',
  },
]);

describe('baseline aggregate', () => {
  it('lists reasons in check-id order, as the API server does', () => {
    const pod = podOfSpec({
      hostPID: true,
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
      containers: [app({ securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } }, ports: [{ containerPort: 1, hostPort: 1 }] })],
    });
    expect(forbiddenSummary(evaluatePod(pod, 'baseline', 'latest'))).toBe(
      'non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'host namespaces (hostPID=true), hostPort (container "app" uses hostPort 1), ' +
        'privileged (container "app" must not set securityContext.privileged=true), forbidden sysctls (kernel.msgmax)',
    );
  });

  it('privileged runs no check at all', () => {
    expect(evaluatePod(podOfSpec({ hostPID: true, containers: [app({ securityContext: { privileged: true } })] }), 'privileged', 'latest')).toEqual([]);
  });

  it('baseline does not run restricted checks', () => {
    expect(verdictOf({ containers: [app()] }, 'baseline', 'latest', 'runAsNonRoot')).toBe('not-run');
    expect(verdictOf({ containers: [app()] }, 'baseline', 'latest', 'allowPrivilegeEscalation')).toBe('not-run');
  });
});

describe('seccompProfile_baseline before v1.19 (annotations)', () => {
  it('checks the pod annotation and the annotations of the pod’s own containers only', () => {
    const r = resultOf({ initContainers: [{ name: 'init' }], containers: [app()] }, 'baseline', 'v1.18', 'seccompProfile_baseline', {
      annotations: {
        'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/init': '',
        'container.seccomp.security.alpha.kubernetes.io/app': 'runtime/default',
        'container.seccomp.security.alpha.kubernetes.io/gone': 'unconfined',
      },
    });
    expect(r!.forbiddenDetail).toBe(
      'forbidden annotations container.seccomp.security.alpha.kubernetes.io/init="", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
    );
    expect(r!.faults.map((f) => f.path)).toEqual([
      ['metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod'],
      ['metadata', 'annotations', 'container.seccomp.security.alpha.kubernetes.io/init'],
    ]);
  });
});
