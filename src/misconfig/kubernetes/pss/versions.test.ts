/**
 * Every place where a check changes with the policy version, on both sides of
 * the boundary, plus the overrides, the Windows exemption (v1.25+) and the
 * user-namespace relaxation (v1.35+).
 */
import { describe, expect, it } from 'vitest';
import { pssChecksRun } from './evaluate.js';
import { app, restrictedPod, verdictOf, type PodOptions } from './testdata/pods.js';
import type { PssCheckId } from './types.js';
import type { PssLevel, PssVersion } from './version.js';

type Verdict = 'allowed' | 'forbidden' | 'not-run';

interface Boundary {
  name: string;
  level: PssLevel;
  check: PssCheckId;
  spec: unknown;
  opts?: PodOptions;
  expect: Partial<Record<PssVersion, Verdict>>;
}

const sysctl = (name: string) => ({ securityContext: { sysctls: [{ name, value: '1' }] }, containers: [app()] });
const windows = (spec: Record<string, unknown>) => ({ ...spec, os: { name: 'windows' } });
const userns = (spec: Record<string, unknown>) => ({ ...spec, hostUsers: false });

const BOUNDARIES: Boundary[] = [
  // v1.0: the first version
  { name: 'privileged at v1.0', level: 'baseline', check: 'privileged', spec: { containers: [app({ securityContext: { privileged: true } })] }, expect: { 'v1.0': 'forbidden', latest: 'forbidden' } },
  // v1.7 / v1.8: allowPrivilegeEscalation appears
  { name: 'allowPrivilegeEscalation starts at v1.8', level: 'restricted', check: 'allowPrivilegeEscalation', spec: { containers: [app()] }, expect: { 'v1.0': 'not-run', 'v1.7': 'not-run', 'v1.8': 'forbidden', latest: 'forbidden' } },
  // v1.18 / v1.19: seccomp annotations → fields
  {
    name: 'seccomp: annotation unconfined forbidden until v1.18, ignored from v1.19',
    level: 'baseline',
    check: 'seccompProfile_baseline',
    spec: { containers: [app()] },
    opts: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } },
    expect: { 'v1.0': 'forbidden', 'v1.18': 'forbidden', 'v1.19': 'allowed', latest: 'allowed' },
  },
  {
    name: 'seccomp: container annotation only for a container of the pod',
    level: 'baseline',
    check: 'seccompProfile_baseline',
    spec: { containers: [app()] },
    opts: { annotations: { 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/gone': 'unconfined' } },
    expect: { 'v1.18': 'forbidden' },
  },
  {
    name: 'seccomp: an empty annotation value is forbidden',
    level: 'baseline',
    check: 'seccompProfile_baseline',
    spec: { containers: [app()] },
    opts: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': '' } },
    expect: { 'v1.18': 'forbidden' },
  },
  {
    name: 'seccomp: docker/default and localhost/ annotations are allowed',
    level: 'baseline',
    check: 'seccompProfile_baseline',
    spec: { containers: [app()] },
    opts: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'docker/default', 'container.seccomp.security.alpha.kubernetes.io/app': 'localhost/p.json' } },
    expect: { 'v1.18': 'allowed' },
  },
  {
    name: 'seccomp: field Unconfined ignored until v1.18, forbidden from v1.19',
    level: 'baseline',
    check: 'seccompProfile_baseline',
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [app()] },
    expect: { 'v1.18': 'allowed', 'v1.19': 'forbidden' },
  },
  {
    name: 'seccomp: restricted has only the baseline annotation check before v1.19',
    level: 'restricted',
    check: 'seccompProfile_baseline',
    spec: { containers: [app()] },
    expect: { 'v1.18': 'allowed', 'v1.19': 'not-run', latest: 'not-run' },
  },
  { name: 'seccomp: restricted field check starts at v1.19', level: 'restricted', check: 'seccompProfile_restricted', spec: { containers: [app()] }, expect: { 'v1.18': 'not-run', 'v1.19': 'forbidden' } },
  // v1.21 / v1.22: capabilities_restricted overrides capabilities_baseline
  { name: 'caps: restricted uses the baseline list before v1.22', level: 'restricted', check: 'capabilities_baseline', spec: { containers: [app({ securityContext: { capabilities: { add: ['NET_RAW'] } } })] }, expect: { 'v1.21': 'forbidden', 'v1.22': 'not-run' } },
  { name: 'caps: drop ALL required from v1.22', level: 'restricted', check: 'capabilities_restricted', spec: { containers: [app()] }, expect: { 'v1.21': 'not-run', 'v1.22': 'forbidden', latest: 'forbidden' } },
  { name: 'caps: baseline keeps capabilities_baseline at every version', level: 'baseline', check: 'capabilities_baseline', spec: { containers: [app({ securityContext: { capabilities: { add: ['NET_RAW'] } } })] }, expect: { 'v1.22': 'forbidden', latest: 'forbidden' } },
  // v1.22 / v1.23: runAsUser appears
  { name: 'runAsUser starts at v1.23', level: 'restricted', check: 'runAsUser', spec: restrictedPod({ securityContext: { runAsUser: 0 } }), expect: { 'v1.22': 'not-run', 'v1.23': 'forbidden', latest: 'forbidden' } },
  // v1.24 / v1.25: Windows exemption
  { name: 'windows: allowPrivilegeEscalation exempt from v1.25', level: 'restricted', check: 'allowPrivilegeEscalation', spec: windows({ containers: [app()] }), expect: { 'v1.24': 'forbidden', 'v1.25': 'allowed', latest: 'allowed' } },
  { name: 'windows: seccomp exempt from v1.25', level: 'restricted', check: 'seccompProfile_restricted', spec: windows({ containers: [app()] }), expect: { 'v1.24': 'forbidden', 'v1.25': 'allowed' } },
  { name: 'windows: capabilities exempt from v1.25', level: 'restricted', check: 'capabilities_restricted', spec: windows({ containers: [app({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] }), expect: { 'v1.24': 'forbidden', 'v1.25': 'allowed' } },
  { name: 'windows: runAsNonRoot is not exempt', level: 'restricted', check: 'runAsNonRoot', spec: windows({ containers: [app()] }), expect: { 'v1.25': 'forbidden', latest: 'forbidden' } },
  { name: 'windows: "Windows" is not windows', level: 'restricted', check: 'allowPrivilegeEscalation', spec: { os: { name: 'Windows' }, containers: [app()] }, expect: { latest: 'forbidden' } },
  {
    name: 'windows: no capability check at all at restricted ≥ v1.25 (the baseline one is overridden)',
    level: 'restricted',
    check: 'capabilities_baseline',
    spec: windows({ containers: [app({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] }),
    expect: { 'v1.25': 'not-run', latest: 'not-run' },
  },
  { name: 'windows: baseline still checks capabilities', level: 'baseline', check: 'capabilities_baseline', spec: windows({ containers: [app({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } })] }), expect: { latest: 'forbidden' } },
  // sysctls: v1.26/27, v1.28/29, v1.31/32, v1.36/37
  { name: 'sysctl ip_local_reserved_ports from v1.27', level: 'baseline', check: 'sysctls', spec: sysctl('net.ipv4.ip_local_reserved_ports'), expect: { 'v1.0': 'forbidden', 'v1.26': 'forbidden', 'v1.27': 'allowed', latest: 'allowed' } },
  ...['tcp_keepalive_time', 'tcp_fin_timeout', 'tcp_keepalive_intvl', 'tcp_keepalive_probes'].map((s) => ({
    name: `sysctl ${s} from v1.29`,
    level: 'baseline' as const,
    check: 'sysctls' as const,
    spec: sysctl(`net.ipv4.${s}`),
    expect: { 'v1.28': 'forbidden', 'v1.29': 'allowed' } as Partial<Record<PssVersion, Verdict>>,
  })),
  ...['tcp_rmem', 'tcp_wmem'].map((s) => ({
    name: `sysctl ${s} from v1.32`,
    level: 'baseline' as const,
    check: 'sysctls' as const,
    spec: sysctl(`net.ipv4.${s}`),
    expect: { 'v1.31': 'forbidden', 'v1.32': 'allowed' } as Partial<Record<PssVersion, Verdict>>,
  })),
  ...['tcp_slow_start_after_idle', 'tcp_notsent_lowat'].map((s) => ({
    name: `sysctl ${s} from v1.37`,
    level: 'baseline' as const,
    check: 'sysctls' as const,
    spec: sysctl(`net.ipv4.${s}`),
    expect: { 'v1.36': 'forbidden', 'v1.37': 'allowed', latest: 'allowed', 'v1.99': 'allowed' } as Partial<Record<PssVersion, Verdict>>,
  })),
  { name: 'sysctl: the same name with a CAP-like twist is not matched', level: 'baseline', check: 'sysctls', spec: sysctl('net.ipv4.TCP_RMEM'), expect: { latest: 'forbidden' } },
  // v1.30 / v1.31: container_engine_t
  { name: 'selinux container_engine_t from v1.31', level: 'baseline', check: 'seLinuxOptions', spec: { containers: [app({ securityContext: { seLinuxOptions: { type: 'container_engine_t' } } })] }, expect: { 'v1.0': 'forbidden', 'v1.30': 'forbidden', 'v1.31': 'allowed', latest: 'allowed' } },
  // v1.33 / v1.34: hostProbesAndHostLifecycle
  { name: 'probe host checked from v1.34', level: 'baseline', check: 'hostProbesAndHostLifecycle', spec: { containers: [app({ readinessProbe: { tcpSocket: { host: '10.0.0.1', port: 1 } } })] }, expect: { 'v1.33': 'not-run', 'v1.34': 'forbidden', latest: 'forbidden' } },
  // v1.34 / v1.35: user-namespace relaxation and procMount_restricted
  { name: 'userns: runAsNonRoot relaxed from v1.35', level: 'restricted', check: 'runAsNonRoot', spec: userns({ containers: [app()] }), expect: { 'v1.34': 'forbidden', 'v1.35': 'allowed', latest: 'allowed' } },
  { name: 'userns: runAsUser=0 relaxed from v1.35', level: 'restricted', check: 'runAsUser', spec: userns(restrictedPod({ securityContext: { runAsUser: 0 } })), expect: { 'v1.34': 'forbidden', 'v1.35': 'allowed' } },
  { name: 'userns: hostUsers true is not a relaxation', level: 'restricted', check: 'runAsNonRoot', spec: { hostUsers: true, containers: [app()] }, expect: { latest: 'forbidden' } },
  { name: 'userns: baseline procMount relaxed from v1.35', level: 'baseline', check: 'procMount', spec: userns({ containers: [app({ securityContext: { procMount: 'Unmasked' } })] }), expect: { 'v1.34': 'forbidden', 'v1.35': 'allowed', latest: 'allowed' } },
  { name: 'userns: restricted uses baseline procMount until v1.34', level: 'restricted', check: 'procMount', spec: userns({ containers: [app({ securityContext: { procMount: 'Unmasked' } })] }), expect: { 'v1.34': 'forbidden', 'v1.35': 'not-run' } },
  { name: 'userns: procMount_restricted is not relaxed', level: 'restricted', check: 'procMount_restricted', spec: userns({ containers: [app({ securityContext: { procMount: 'Unmasked' } })] }), expect: { 'v1.34': 'not-run', 'v1.35': 'forbidden', latest: 'forbidden' } },
  { name: 'userns: allowPrivilegeEscalation is not relaxed', level: 'restricted', check: 'allowPrivilegeEscalation', spec: userns({ containers: [app()] }), expect: { latest: 'forbidden' } },
  // overrides at every version
  {
    name: 'restricted skips hostPathVolumes, restrictedVolumes catches hostPath',
    level: 'restricted',
    check: 'hostPathVolumes',
    spec: restrictedPod({}, { volumes: [{ name: 'h', hostPath: { path: '/' } }] }),
    expect: { 'v1.0': 'not-run', latest: 'not-run' },
  },
  { name: 'restrictedVolumes catches hostPath at every version', level: 'restricted', check: 'restrictedVolumes', spec: restrictedPod({}, { volumes: [{ name: 'h', hostPath: { path: '/' } }] }), expect: { 'v1.0': 'forbidden', latest: 'forbidden' } },
  { name: 'baseline keeps hostPathVolumes', level: 'baseline', check: 'hostPathVolumes', spec: restrictedPod({}, { volumes: [{ name: 'h', hostPath: { path: '/' } }] }), expect: { 'v1.0': 'forbidden', latest: 'forbidden' } },
];

describe('version boundaries', () => {
  for (const b of BOUNDARIES) {
    it.each(Object.entries(b.expect))(`${b.name} (${b.level}, %s)`, (version, verdict) => {
      expect(verdictOf(b.spec, b.level, version as PssVersion, b.check, b.opts ?? {})).toBe(verdict);
    });
  }
});

describe('check sets per version', () => {
  it('a version newer than the newest known is evaluated as the newest', () => {
    expect(pssChecksRun('restricted', 'v1.99')).toEqual(pssChecksRun('restricted', 'latest'));
    expect(pssChecksRun('restricted', `v1.37`)).toEqual(pssChecksRun('restricted', 'latest'));
  });

  it('baseline at latest runs the twelve baseline checks', () => {
    expect(pssChecksRun('baseline', 'latest')).toEqual([
      'appArmorProfile',
      'capabilities_baseline',
      'hostNamespaces',
      'hostPathVolumes',
      'hostPorts',
      'hostProbesAndHostLifecycle',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'seccompProfile_baseline',
      'sysctls',
      'windowsHostProcess',
    ]);
  });

  it('restricted at latest replaces the four overridden baseline checks', () => {
    const run = pssChecksRun('restricted', 'latest');
    for (const id of ['hostPathVolumes', 'capabilities_baseline', 'seccompProfile_baseline', 'procMount']) expect(run).not.toContain(id);
    for (const id of ['restrictedVolumes', 'capabilities_restricted', 'seccompProfile_restricted', 'procMount_restricted', 'runAsUser', 'runAsNonRoot', 'allowPrivilegeEscalation']) {
      expect(run).toContain(id);
    }
    expect(run).toHaveLength(15);
  });

  it('restricted at v1.0 has only restrictedVolumes and runAsNonRoot of its own', () => {
    const run = pssChecksRun('restricted', 'v1.0');
    expect(run.slice(run.indexOf('restrictedVolumes'))).toEqual(['restrictedVolumes', 'runAsNonRoot']);
  });
});
