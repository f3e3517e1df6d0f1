/**
 * Hand-built runtime events for the rule tests: a process in a container
 * (or on the host) doing one thing. Defaults describe an ordinary process;
 * each test states what differs.
 */
import type { ContainerInfo, FdInfo, K8sAuditEvent, ProcessInfo, SyscallEvent, SyscallEventType } from '../../events.js';

export const T0 = 1_700_000_000_000_000_000;

export const APP_CONTAINER: ContainerInfo = {
  id: '3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00998877665544332211',
  name: 'shop-api',
  image: 'registry.example/shop/api:2.4.1',
  imageDigest: 'sha256:' + 'ab'.repeat(32),
  runtime: 'runc',
  pod: { name: 'api-5c8b', namespace: 'shop', labels: { app: 'api' } },
};

export function proc(p: Partial<ProcessInfo> & Record<string, unknown> = {}): ProcessInfo {
  return {
    pid: 4242,
    ppid: 4200,
    uid: 1000,
    gid: 1000,
    loginuid: 4294967295,
    name: 'node',
    exe: '/usr/local/bin/node',
    args: ['server.js'],
    cwd: '/app',
    ancestors: ['tini', 'containerd-shim'],
    ancestorExes: ['/sbin/tini', '/usr/bin/containerd-shim'],
    ancestorPids: [4200, 4100],
    ...p,
  } as ProcessInfo;
}

interface EventOpts {
  proc?: Partial<ProcessInfo> & Record<string, unknown>;
  /** `null`: a host process. */
  container?: Partial<ContainerInfo> | null;
  res?: number;
  fd?: FdInfo;
  args?: Record<string, string | number>;
  time?: number;
}

export function event(type: SyscallEventType, o: EventOpts = {}): SyscallEvent {
  const e: SyscallEvent = { source: 'syscall', time: o.time ?? T0, type, res: o.res ?? 0, proc: proc(o.proc) };
  if (o.container !== null) e.container = { ...APP_CONTAINER, ...(o.container ?? {}) };
  if (o.fd) e.fd = o.fd;
  if (o.args) e.args = o.args;
  return e;
}

/** execve of `exe` with `args`; name is the basename unless given. */
export function exec(exe: string, args: string[] = [], o: EventOpts = {}): SyscallEvent {
  const name = exe.slice(exe.lastIndexOf('/') + 1).slice(0, 15);
  return event('execve', { ...o, proc: { name, exe, args, ...(o.proc ?? {}) } });
}

export const O_RDONLY = 0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;

export function open(path: string, flags: number, o: EventOpts = {}): SyscallEvent {
  return event('open', { res: 5, ...o, fd: { name: path, typechar: 'f', openFlags: flags } });
}

export function connect(sip: string, sport: number, o: EventOpts & { l4proto?: 'tcp' | 'udp' } = {}): SyscallEvent {
  const v6 = sip.includes(':');
  return event('connect', { ...o, fd: { typechar: v6 ? '6' : '4', l4proto: o.l4proto ?? 'tcp', cip: v6 ? 'fd00::2' : '172.17.0.2', cport: 41234, sip, sport } });
}

/** A Kubernetes audit event (audit.k8s.io/v1), completed and allowed unless overridden. */
export function audit(e: Record<string, unknown>): K8sAuditEvent {
  return {
    source: 'k8s_audit',
    time: T0,
    event: {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: 'f2c0f3e6-1111-4d6b-9a77-5e3b9e2f0001',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods',
      verb: 'create',
      user: { username: 'alice', groups: ['system:authenticated'] },
      sourceIPs: ['10.0.0.8'],
      userAgent: 'kubectl/v1.30.0',
      responseStatus: { code: 201 },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
      stageTimestamp: '2024-05-01T10:00:00.123456Z',
      ...e,
    },
  };
}
