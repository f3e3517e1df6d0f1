/**
 * Sensor benchmark (not a test; bench/ calls it): N execs of /bin/true from
 * a few parallel shell loops, in rounds that alternate an untraced pass with a
 * pass while the sensor runs, then compares execs issued with exec events received, and reports
 * lost records and the slowdown. Each exec carries a unique marker argument,
 * so the count ignores everything else the machine does.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { SyscallEvent } from '../events.js';
import { Sensor, type SensorMetrics, type SensorOptions } from './sensor.js';

export interface SensorBenchOptions {
  /** Execs in total (default 20,000). */
  execs?: number;
  /** Parallel shell loops (default 4). */
  spawners?: number;
  /** Program to exec (default /bin/true). */
  binary?: string;
  /** Untraced/traced pairs the execs are split into (default 3). */
  rounds?: number;
  /** Extra sensor options (program options, setup). */
  sensor?: Omit<SensorOptions, 'onEvent'>;
}

export interface SensorBenchResult {
  execs: number;
  spawners: number;
  baseline: { seconds: number; execsPerSecond: number };
  traced: { seconds: number; execsPerSecond: number };
  /** Exec events of the benchmark's own execs that reached the event callback. */
  received: number;
  /** Fraction of issued execs seen (1 = all). */
  receivedRatio: number;
  rounds: number;
  /** Throughput lost to tracing, in percent of the untraced pass of the same round: the median over rounds. */
  slowdownPercent: number;
  slowdownPercentPerRound: number[];
  sensorStartMs: number;
  /** All events the sensor delivered meanwhile (the benchmark's and the machine's). */
  metrics: SensorMetrics;
}

/** Run `count` execs of `binary marker` from `spawners` parallel sh loops; resolves with the wall time in seconds. */
async function execLoop(binary: string, marker: string, count: number, spawners: number): Promise<number> {
  const per = Math.ceil(count / spawners);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: spawners }, (_, i) => {
      const n = Math.min(per, count - i * per);
      if (n <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', 'i=0; while [ "$i" -lt "$1" ]; do "$2" "$3"; i=$((i+1)); done', 'bench', String(n), binary, marker], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exec loop exited with ${code}`))));
      });
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function runSensorBench(options: SensorBenchOptions = {}): Promise<SensorBenchResult> {
  const execs = options.execs ?? 20_000;
  const spawners = options.spawners ?? 4;
  const binary = options.binary ?? '/bin/true';
  const rounds = Math.max(1, options.rounds ?? 3);
  const perRound = Math.ceil(execs / rounds);
  // Warm-up: page cache and fork paths, not counted.
  await execLoop(binary, `bh-bench-warmup-${randomBytes(4).toString('hex')}`, Math.min(perRound, 2000), spawners);

  const marker = `bh-bench-${randomBytes(6).toString('hex')}`;
  let received = 0;
  const onEvent = (e: SyscallEvent) => {
    if (e.type === 'execve' && e.proc.args?.[0] === marker) received++;
  };
  // Untraced and traced passes alternate, so load from other work on the machine falls on both sides alike.
  const pairs: Array<{ baseline: number; traced: number }> = [];
  let baselineSeconds = 0;
  let tracedSeconds = 0;
  let sensorStartMs = 0;
  const metrics: SensorMetrics[] = [];
  for (let r = 0; r < rounds; r++) {
    const n = Math.min(perRound, execs - r * perRound);
    if (n <= 0) break;
    const untraced = await execLoop(binary, `bh-bench-untraced-${randomBytes(4).toString('hex')}`, n, spawners);
    const t0 = performance.now();
    const sensor = await Sensor.start({ containers: false, ...options.sensor, onEvent });
    sensorStartMs = Math.max(sensorStartMs, performance.now() - t0);
    let traced: number;
    try {
      traced = await execLoop(binary, marker, n, spawners);
    } finally {
      // stop() lets bpftrace drain its buffers and delivers every event before it returns.
      metrics.push(await sensor.stop());
    }
    baselineSeconds += untraced;
    tracedSeconds += traced;
    pairs.push({ baseline: n / untraced, traced: n / traced });
  }
  const slowdowns = pairs.map((p) => (1 - p.traced / p.baseline) * 100).sort((a, b) => a - b);
  return {
    execs,
    spawners,
    rounds: pairs.length,
    baseline: { seconds: baselineSeconds, execsPerSecond: execs / baselineSeconds },
    traced: { seconds: tracedSeconds, execsPerSecond: execs / tracedSeconds },
    received,
    receivedRatio: received / execs,
    slowdownPercent: slowdowns[Math.floor(slowdowns.length / 2)]!,
    slowdownPercentPerRound: slowdowns,
    sensorStartMs,
    metrics: sumMetrics(metrics),
  };
}

/** The counters of several sensor runs added up. */
function sumMetrics(all: readonly SensorMetrics[]): SensorMetrics {
  const out = { ...all[0]! } as Record<string, unknown>;
  for (const m of all.slice(1)) {
    for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && typeof out[k] === 'number') out[k] = (out[k] as number) + v;
  }
  return out as unknown as SensorMetrics;
}
