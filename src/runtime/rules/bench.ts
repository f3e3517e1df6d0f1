/**
 * Rule-engine throughput: a generator of realistic syscall events (container
 * workloads: execs of shells and tools, opens of libraries, configs and logs,
 * connects to services; mostly benign, a few that alert) and a timing
 * function. Not a test: bench/ calls it (events per second per core,
 * counted in process CPU time so that other load on the machine skews it less).
 */
import type { ContainerInfo, ProcessInfo, SyscallEvent } from '../events.js';
import type { RuleSet } from './ruleset.js';

/** Small deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTAINERS: ContainerInfo[] = [
  { id: 'a'.repeat(64), name: 'web', image: 'docker.io/library/nginx:1.27', runtime: 'runc', pod: { name: 'web-7d9f', namespace: 'shop' } },
  { id: 'b'.repeat(64), name: 'api', image: 'registry.example/shop/api:2.4.1', runtime: 'containerd', pod: { name: 'api-5c8b', namespace: 'shop' } },
  { id: 'c'.repeat(64), name: 'worker', image: 'python:3.12-slim', runtime: 'runc' },
  { id: 'd'.repeat(64), name: 'db', image: 'postgres:16', runtime: 'runc', pod: { name: 'db-0', namespace: 'data' } },
];

interface ProcTemplate {
  name: string;
  exe: string;
  args: string[];
  ancestors: string[];
  ancestorExes: string[];
}

const EXECS: ProcTemplate[] = [
  { name: 'node', exe: '/usr/local/bin/node', args: ['server.js'], ancestors: ['tini', 'containerd-shim'], ancestorExes: ['/sbin/tini', '/usr/bin/containerd-shim'] },
  { name: 'python3', exe: '/usr/local/bin/python3', args: ['-m', 'worker', '--queue', 'default'], ancestors: ['sh', 'runc'], ancestorExes: ['/bin/sh', '/usr/bin/runc'] },
  { name: 'nginx', exe: '/usr/sbin/nginx', args: ['-g', 'daemon off;'], ancestors: ['containerd-shim'], ancestorExes: ['/usr/bin/containerd-shim'] },
  { name: 'sh', exe: '/bin/sh', args: ['-c', 'pg_isready -q'], ancestors: ['kubelet', 'systemd'], ancestorExes: ['/usr/bin/kubelet', '/lib/systemd/systemd'] },
  { name: 'pg_isready', exe: '/usr/lib/postgresql/16/bin/pg_isready', args: ['-q'], ancestors: ['sh', 'kubelet', 'systemd'], ancestorExes: ['/bin/sh', '/usr/bin/kubelet', '/lib/systemd/systemd'] },
  { name: 'curl', exe: '/usr/bin/curl', args: ['-fsS', 'http://localhost:8080/healthz'], ancestors: ['sh', 'kubelet'], ancestorExes: ['/bin/sh', '/usr/bin/kubelet'] },
  { name: 'ls', exe: '/bin/ls', args: ['-la', '/app'], ancestors: ['bash', 'runc'], ancestorExes: ['/bin/bash', '/usr/bin/runc'] },
  { name: 'grep', exe: '/bin/grep', args: ['-r', 'TODO', '/app/src'], ancestors: ['bash', 'sshd'], ancestorExes: ['/bin/bash', '/usr/sbin/sshd'] },
  { name: 'bash', exe: '/bin/bash', args: [], ancestors: ['runc:[2:INIT]', 'runc'], ancestorExes: ['/usr/bin/runc', '/usr/bin/runc'] },
  { name: 'java', exe: '/opt/java/openjdk/bin/java', args: ['-jar', '/app/service.jar'], ancestors: ['containerd-shim'], ancestorExes: ['/usr/bin/containerd-shim'] },
];

/** Weights of EXECS for execs (same order); network events only come from the first five kinds of process. */
const EXEC_WEIGHTS = [20, 18, 10, 3, 12, 12, 5, 5, 2, 13];
const NETWORK_PROCS = [0, 1, 2, 5, 9];

const OPEN_PATHS: Array<[string, number]> = [
  ['/etc/ld.so.cache', 0o2000000],
  ['/lib/x86_64-linux-gnu/libc.so.6', 0o2000000],
  ['/usr/lib/x86_64-linux-gnu/libssl.so.3', 0o2000000],
  ['/app/config/settings.json', 0],
  ['/etc/hosts', 0],
  ['/etc/resolv.conf', 0],
  ['/etc/passwd', 0],
  ['/proc/self/status', 0],
  ['/var/log/nginx/access.log', 0o2101],
  ['/tmp/upload-7f3a.part', 0o101],
  ['/app/data/cache.db', 0o102],
  ['/usr/share/zoneinfo/UTC', 0],
  ['/etc/nginx/nginx.conf', 0],
  ['/home/app/.cache/pip/http/abc', 0o1101],
  ['/dev/null', 0o1],
];

const REMOTES: Array<[string, number]> = [
  ['10.96.0.1', 443],
  ['10.0.12.7', 5432],
  ['172.17.0.3', 6379],
  ['151.101.1.69', 443],
  ['140.82.121.4', 443],
  ['127.0.0.1', 8080],
  ['8.8.8.8', 53],
];

/**
 * `count` events: about 35% execve, 45% open, 12% connect, 3% accept and the
 * rest unlink/rename/chmod/setuid/procexit, spread over four containers and
 * the host. They go through JSON like recorded events do (events.jsonl, the
 * sensor's bpftrace lines), so their object layout is what the engine meets
 * in practice.
 */
export function generateEvents(count: number, seed = 42): SyscallEvent[] {
  return JSON.parse(JSON.stringify(buildEvents(count, seed))) as SyscallEvent[];
}

function buildEvents(count: number, seed: number): SyscallEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const totalWeight = EXEC_WEIGHTS.reduce((a, b) => a + b, 0);
  const pickExec = (): ProcTemplate => {
    let x = r() * totalWeight;
    for (let i = 0; i < EXECS.length; i++) if ((x -= EXEC_WEIGHTS[i]!) < 0) return EXECS[i]!;
    return EXECS[0]!;
  };
  const events: SyscallEvent[] = [];
  let time = 1_700_000_000_000_000_000;
  for (let i = 0; i < count; i++) {
    time += Math.floor(r() * 50_000);
    const container = r() < 0.85 ? pick(CONTAINERS) : undefined;
    const roll = r();
    const t = roll >= 0.8 && roll < 0.95 ? EXECS[pick(NETWORK_PROCS)]! : pickExec();
    const pid = 1000 + Math.floor(r() * 30000);
    const proc: ProcessInfo = {
      pid,
      ppid: pid - 1,
      uid: r() < 0.6 ? 0 : 1000,
      gid: 0,
      name: t.name,
      exe: t.exe,
      args: t.args,
      cwd: '/app',
      ancestors: t.ancestors,
      ancestorExes: t.ancestorExes,
      ancestorPids: t.ancestors.map((_, k) => pid - 1 - k),
    };
    const base = { source: 'syscall' as const, time, proc, ...(container ? { container } : {}) };
    if (roll < 0.35) {
      events.push({ ...base, type: 'execve', res: 0 });
    } else if (roll < 0.8) {
      const [path, flags] = pick(OPEN_PATHS);
      events.push({ ...base, type: 'open', res: r() < 0.95 ? 3 + Math.floor(r() * 20) : -2, fd: { name: path, typechar: 'f', openFlags: flags } });
    } else if (roll < 0.92) {
      const [ip, port] = pick(REMOTES);
      events.push({ ...base, type: 'connect', res: 0, fd: { typechar: '4', l4proto: 'tcp', cip: '172.17.0.2', cport: 30000 + Math.floor(r() * 30000), sip: ip, sport: port } });
    } else if (roll < 0.95) {
      events.push({ ...base, type: 'accept', res: 5, fd: { typechar: '4', l4proto: 'tcp', cip: '10.0.3.4', cport: 40000 + Math.floor(r() * 20000), sip: '172.17.0.2', sport: 8080 } });
    } else {
      const k = pick(['unlink', 'rename', 'chmod', 'setuid', 'procexit'] as const);
      if (k === 'unlink') events.push({ ...base, type: 'unlink', res: 0, args: { path: '/tmp/upload-7f3a.part' } });
      else if (k === 'rename') events.push({ ...base, type: 'rename', res: 0, args: { oldpath: '/app/data/cache.db.tmp', newpath: '/app/data/cache.db' } });
      else if (k === 'chmod') events.push({ ...base, type: 'chmod', res: 0, args: { path: '/app/run.sh', mode: 0o755 } });
      else if (k === 'setuid') events.push({ ...base, type: 'setuid', res: 0, args: { uid: 1000 } });
      else events.push({ ...base, type: 'procexit', res: 0 });
    }
  }
  return events;
}

export interface BenchResult {
  events: number;
  /** Alerts raised by one pass over the events. */
  alerts: number;
  /** CPU time of the best round, ms (user + system of this process). */
  cpuMs: number;
  /** Wall-clock time of the same round, ms. */
  wallMs: number;
  /** Events per CPU second: the per-core rate, not skewed by other load on the machine. */
  eventsPerSecond: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Evaluate `events` against the rule set `rounds` times (after one warm-up
 * round) and report the best round: events per second of CPU time.
 */
export function benchRuleEngine(events: readonly SyscallEvent[], ruleSet: RuleSet, rounds = 3): BenchResult {
  let alerts = 0;
  for (const e of events) alerts += ruleSet.evaluate(e).length;
  let best = { cpu: Number.POSITIVE_INFINITY, wall: 0 };
  for (let r = 0; r < rounds; r++) {
    const c = cpuMs();
    const t = performance.now();
    for (const e of events) ruleSet.evaluate(e);
    const cpu = cpuMs() - c;
    if (cpu < best.cpu) best = { cpu, wall: performance.now() - t };
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  return { events: events.length, alerts, cpuMs: round(best.cpu), wallMs: round(best.wall), eventsPerSecond: Math.round((events.length / Math.max(best.cpu, 0.001)) * 1000) };
}
