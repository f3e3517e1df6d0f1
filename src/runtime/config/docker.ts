/**
 * `docker container inspect` output (an array of containers, or one of
 * them) → ContainerFacts. Field names follow Docker Engine API
 * ContainerInspectResponse: HostConfig.{Privileged, CapAdd, SecurityOpt,
 * NetworkMode, PidMode, IpcMode, UTSMode, UsernsMode, ReadonlyRootfs,
 * Memory, NanoCpus, CpuQuota, CpuShares, PidsLimit, Binds}, Mounts[],
 * AppArmorProfile, Config.User.
 */
import { addCapability, addMount, emptyFacts, type ContainerFacts } from './facts.js';
import type { JsonPath } from './source.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function isDockerInspect(value: unknown): boolean {
  const first = Array.isArray(value) ? value[0] : value;
  return isObj(first) && isObj(first.HostConfig) && (typeof first.Id === 'string' || isObj(first.Config));
}

/** `seccomp=unconfined`, `seccomp:unconfined` (old syntax), `no-new-privileges`, `no-new-privileges:true` → key and value. */
function securityOpt(opt: string): [string, string] {
  const m = /^([a-z-]+)[=:](.*)$/.exec(opt);
  return m ? [m[1]!, m[2]!] : [opt, 'true'];
}

export function dockerFacts(value: unknown, doc: number): ContainerFacts[] {
  const list = Array.isArray(value) ? value : [value];
  const out: ContainerFacts[] = [];
  list.forEach((c, i) => {
    if (!isObj(c) || !isObj(c.HostConfig)) return;
    const at = (...p: Array<string | number>): JsonPath => (Array.isArray(value) ? [i, ...p] : p);
    const hc = c.HostConfig;
    const name = typeof c.Name === 'string' && c.Name ? c.Name : typeof c.Id === 'string' ? c.Id.slice(0, 12) : `#${i}`;
    const f = emptyFacts('docker-inspect', doc, `container ${name}`);

    const privileged = hc.Privileged === true;
    if (privileged) f.privileged = { path: at('HostConfig', 'Privileged'), text: 'HostConfig.Privileged is true' };
    if (Array.isArray(hc.CapAdd)) hc.CapAdd.forEach((cap, k) => typeof cap === 'string' && addCapability(f, cap, at('HostConfig', 'CapAdd', k), 'HostConfig.CapAdd adds'));

    const opts = Array.isArray(hc.SecurityOpt) ? hc.SecurityOpt.filter((o): o is string => typeof o === 'string') : [];
    let noNewPrivs = false;
    opts.forEach((o, k) => {
      const [key, val] = securityOpt(o);
      const p = at('HostConfig', 'SecurityOpt', k);
      if (key === 'seccomp' && val === 'unconfined') f.noSeccomp = { path: p, text: `HostConfig.SecurityOpt has "${o}"` };
      if (key === 'apparmor' && val === 'unconfined') f.noApparmor = { path: p, text: `HostConfig.SecurityOpt has "${o}"` };
      if (key === 'label' && (val === 'disable' || val === 'type:spc_t')) f.selinuxDisabled = { path: p, text: `HostConfig.SecurityOpt has "${o}"` };
      if (key === 'no-new-privileges' && val !== 'false') noNewPrivs = true;
    });
    if (!f.noApparmor && c.AppArmorProfile === 'unconfined' && !privileged) f.noApparmor = { path: at('AppArmorProfile'), text: 'AppArmorProfile is "unconfined"' };

    const mode = (k: string) => (typeof hc[k] === 'string' ? (hc[k] as string) : '');
    if (mode('NetworkMode') === 'host') f.hostNetwork = { path: at('HostConfig', 'NetworkMode'), text: 'HostConfig.NetworkMode is "host"' };
    if (mode('PidMode') === 'host') f.hostPid = { path: at('HostConfig', 'PidMode'), text: 'HostConfig.PidMode is "host"' };
    if (mode('IpcMode') === 'host') f.hostIpc = { path: at('HostConfig', 'IpcMode'), text: 'HostConfig.IpcMode is "host"' };
    if (mode('UTSMode') === 'host') f.hostUts = { path: at('HostConfig', 'UTSMode'), text: 'HostConfig.UTSMode is "host"' };
    if (mode('UsernsMode') === 'host') f.hostUserns = { path: at('HostConfig', 'UsernsMode'), text: 'HostConfig.UsernsMode is "host"' };

    // Mounts[] is what the engine resolved; HostConfig.Binds is the older request form.
    if (Array.isArray(c.Mounts) && c.Mounts.length > 0) {
      c.Mounts.forEach((m, k) => {
        if (!isObj(m) || m.Type !== 'bind' || typeof m.Source !== 'string') return;
        addMount(f, m.Source, typeof m.Destination === 'string' ? m.Destination : '?', m.RW === false, at('Mounts', k));
      });
    } else if (Array.isArray(hc.Binds)) {
      hc.Binds.forEach((b, k) => {
        if (typeof b !== 'string') return;
        const [src, dst, opt] = b.split(':');
        addMount(f, src ?? '', dst ?? '?', (opt ?? '').split(',').includes('ro'), at('HostConfig', 'Binds', k));
      });
    }

    if (hc.ReadonlyRootfs !== true) f.writableRootfs = { path: at('HostConfig', 'ReadonlyRootfs'), text: 'HostConfig.ReadonlyRootfs is not true' };
    if (num(hc.Memory) <= 0) f.noMemoryLimit = { path: at('HostConfig', 'Memory'), text: 'HostConfig.Memory is 0 (unlimited)' };
    if (num(hc.NanoCpus) <= 0 && num(hc.CpuQuota) <= 0 && num(hc.CpuShares) <= 0) {
      f.noCpuLimit = { path: at('HostConfig', 'NanoCpus'), text: 'HostConfig.NanoCpus, CpuQuota and CpuShares are all unset' };
    }
    if (num(hc.PidsLimit) <= 0) f.noPidsLimit = { path: at('HostConfig', 'PidsLimit'), text: `HostConfig.PidsLimit is ${hc.PidsLimit === undefined ? 'absent' : JSON.stringify(hc.PidsLimit)} (unlimited)` };
    if (!noNewPrivs && !privileged) f.escalationAllowed = { path: at('HostConfig', 'SecurityOpt'), text: 'HostConfig.SecurityOpt has no "no-new-privileges"' };

    const cfg = isObj(c.Config) ? c.Config : {};
    const user = typeof cfg.User === 'string' ? cfg.User : '';
    const uid = user.split(':')[0] ?? '';
    if (uid === '' || uid === 'root' || uid === '0') f.root = { path: at('Config', 'User'), text: user === '' ? 'Config.User is empty: the process runs as root' : `Config.User is "${user}"` };
    out.push(f);
  });
  return out;
}
