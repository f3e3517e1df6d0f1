/**
 * Sensor benchmark (not a test; bench/ calls it): N execs of /bin/true from
 * a few parallel shell loops, once without tracing and once with the sensor
 * running, then compares execs issued with exec events received, and reports
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
  /** Throughput lost to tracing, in percent of the baseline. */
  slowdownPercent: number;
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
  const baselineSeconds = await execLoop(binary, `bh-bench-warmup-${randomBytes(4).toString('hex')}`, execs, spawners);

  const marker = `bh-bench-${randomBytes(6).toString('hex')}`;
  let received = 0;
  const onEvent = (e: SyscallEvent) => {
    if (e.type === 'execve' && e.proc.args?.[0] === marker) received++;
  };
  const t0 = performance.now();
  const sensor = await Sensor.start({ containers: false, ...options.sensor, onEvent });
  const sensorStartMs = performance.now() - t0;
  let tracedSeconds: number;
  let metrics: SensorMetrics;
  try {
    tracedSeconds = await execLoop(binary, marker, execs, spawners);
  } finally {
    // stop() lets bpftrace drain its buffers and delivers every event before it returns.
    metrics = await sensor.stop();
  }
  const baseline = { seconds: baselineSeconds, execsPerSecond: execs / baselineSeconds };
  const traced = { seconds: tracedSeconds, execsPerSecond: execs / tracedSeconds };
  return {
    execs,
    spawners,
    baseline,
    traced,
    received,
    receivedRatio: received / execs,
    slowdownPercent: (1 - traced.execsPerSecond / baseline.execsPerSecond) * 100,
    sensorStartMs,
    metrics,
  };
}
