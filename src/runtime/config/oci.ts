/**
 * OCI runtime configuration (config.json, runtime-spec 1.x) → ContainerFacts.
 * There is no "privileged" switch in the spec: what Docker's --privileged
 * produces (CAP_SYS_ADMIN kept and no masked /proc paths) is reported as
 * such. A namespace type missing from linux.namespaces is shared with the
 * host.
 */
import { addCapability, addMount, emptyFacts, type ContainerFacts } from './facts.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function isOciConfig(value: unknown): boolean {
  return isObj(value) && (typeof value.ociVersion === 'string' || (isObj(value.process) && isObj(value.root)));
}

export function ociFacts(value: unknown, doc: number): ContainerFacts[] {
  if (!isObj(value)) return [];
  const f = emptyFacts('oci-config', doc, 'OCI runtime config');
  const proc = isObj(value.process) ? value.process : {};
  const linux = isObj(value.linux) ? value.linux : {};
  const caps = isObj(proc.capabilities) ? proc.capabilities : {};

  // A capability in any set counts; report it once, at its first set.
  const seen = new Set<string>();
  for (const set of ['bounding', 'effective', 'permitted', 'ambient', 'inheritable']) {
    strings(caps[set]).forEach((cap, k) => {
      if (seen.has(cap)) return;
      seen.add(cap);
      addCapability(f, cap, ['process', 'capabilities', set, k], `process.capabilities.${set} holds`);
    });
  }
  const masked = strings(linux.maskedPaths);
  if (seen.has('CAP_SYS_ADMIN') && masked.length === 0) {
    f.privileged = { path: ['process', 'capabilities'], text: 'CAP_SYS_ADMIN with no linux.maskedPaths: what --privileged produces' };
  }

  const seccomp = linux.seccomp;
  if (!isObj(seccomp)) f.noSeccomp = { path: ['linux'], text: 'linux.seccomp is absent' };
  else {
    // An allow-by-default profile is fine when its rules deny something.
    const rules = Array.isArray(seccomp.syscalls) ? seccomp.syscalls : [];
    const restricts = rules.some((r) => isObj(r) && r.action !== 'SCMP_ACT_ALLOW');
    if (seccomp.defaultAction === 'SCMP_ACT_ALLOW' && !restricts) f.noSeccomp = { path: ['linux', 'seccomp', 'defaultAction'], text: 'linux.seccomp allows every system call' };
  }
  if (typeof proc.apparmorProfile !== 'string' || proc.apparmorProfile === '' || proc.apparmorProfile === 'unconfined') {
    f.noApparmor = { path: typeof proc.apparmorProfile === 'string' ? ['process', 'apparmorProfile'] : ['process'], text: 'process.apparmorProfile is not set' };
  }
  if (typeof proc.selinuxLabel === 'string' && /:spc_t(:|$)/.test(proc.selinuxLabel)) f.selinuxDisabled = { path: ['process', 'selinuxLabel'], text: `process.selinuxLabel is "${proc.selinuxLabel}"` };

  const nsList = Array.isArray(linux.namespaces) ? linux.namespaces : [];
  const types = new Set(nsList.flatMap((n) => (isObj(n) && typeof n.type === 'string' ? [n.type] : [])));
  const nsPath = Array.isArray(linux.namespaces) ? ['linux', 'namespaces'] : ['linux'];
  const missing = (t: string) => ({ path: nsPath, text: `linux.namespaces has no "${t}" namespace: the host's is shared` });
  if (!types.has('network')) f.hostNetwork = missing('network');
  if (!types.has('pid')) f.hostPid = missing('pid');
  if (!types.has('ipc')) f.hostIpc = missing('ipc');
  if (!types.has('uts')) f.hostUts = missing('uts');
  if (!types.has('user')) f.hostUserns = missing('user');

  const mounts = Array.isArray(value.mounts) ? value.mounts : [];
  mounts.forEach((m, k) => {
    if (!isObj(m) || typeof m.source !== 'string') return;
    const opts = strings(m.options);
    const bind = m.type === 'bind' || opts.includes('bind') || opts.includes('rbind');
    if (bind) addMount(f, m.source, typeof m.destination === 'string' ? m.destination : '?', opts.includes('ro'), ['mounts', k]);
  });

  const root = isObj(value.root) ? value.root : {};
  if (root.readonly !== true) f.writableRootfs = { path: isObj(value.root) ? ['root'] : [], text: 'root.readonly is not true' };
  const res = isObj(linux.resources) ? linux.resources : {};
  const sub = (k: string) => (isObj(res[k]) ? (res[k] as Obj) : {});
  const positive = (v: unknown) => typeof v === 'number' && v > 0;
  const resPath = isObj(linux.resources) ? ['linux', 'resources'] : ['linux'];
  if (!positive(sub('memory').limit)) f.noMemoryLimit = { path: resPath, text: 'linux.resources.memory.limit is not set' };
  if (!positive(sub('cpu').quota) && !positive(sub('cpu').shares)) f.noCpuLimit = { path: resPath, text: 'linux.resources.cpu has neither quota nor shares' };
  if (!positive(sub('pids').limit)) f.noPidsLimit = { path: resPath, text: 'linux.resources.pids.limit is not set' };
  if (proc.noNewPrivileges !== true) f.escalationAllowed = { path: ['process'], text: 'process.noNewPrivileges is not true' };
  const user = isObj(proc.user) ? proc.user : {};
  if (user.uid === undefined || user.uid === 0) f.root = { path: isObj(proc.user) ? ['process', 'user', 'uid'] : ['process'], text: 'process.user.uid is 0' };
  return [f];
}
