/**
 * sysctls (baseline): only the "safe", namespaced sysctls may be set in
 * `spec.securityContext.sysctls`. The allowed set grows with the policy
 * version (v1.0, v1.27, v1.29, v1.32, v1.37).
 */
import { asArray, asObject } from '../../input/object.js';
import type { PssCheck, PssFault, PssViolation } from '../types.js';
import { shown, type PodContext } from '../context.js';

const V1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const V1_27 = [...V1_0, 'net.ipv4.ip_local_reserved_ports'];
const V1_29 = [...V1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const V1_32 = [...V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const V1_37 = [...V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** The allowed sysctls of each version step, for documentation and tests. */
export const SAFE_SYSCTLS: ReadonlyArray<{ minimumVersion: number; names: readonly string[] }> = [
  { minimumVersion: 0, names: V1_0 },
  { minimumVersion: 27, names: V1_27 },
  { minimumVersion: 29, names: V1_29 },
  { minimumVersion: 32, names: V1_32 },
  { minimumVersion: 37, names: V1_37 },
];

export const sysctlsCheck: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  versions: SAFE_SYSCTLS.map(({ minimumVersion, names }) => {
    const allowed = new Set(names);
    return { minimumVersion, check: (pod: PodContext) => sysctls(pod, allowed) };
  }),
};

function sysctls(pod: PodContext, allowed: ReadonlySet<string>): PssViolation | undefined {
  const forbidden: string[] = [];
  const faults: PssFault[] = [];
  asArray(pod.podSecurityContext?.['sysctls']).forEach((s, i) => {
    const name = asObject(s)?.['name'];
    if (typeof name === 'string' && allowed.has(name)) return;
    forbidden.push(shown(name));
    faults.push({ path: pod.specAt('securityContext', 'sysctls', i, 'name'), subject: `sysctl "${shown(name)}"` });
  });
  if (!forbidden.length) return undefined;
  return { forbiddenReason: 'forbidden sysctls', forbiddenDetail: forbidden.join(', '), faults };
}
