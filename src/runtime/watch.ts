/**
 * The sensor, the drift detector and the rule engine joined: every kernel
 * event is attributed to its container, exec events are checked against the
 * image's files when a drift index is known, and the rules decide what is an
 * alert. Used by `bulkhead runtime watch` and by the end-to-end tests.
 *
 * A recorder (`--record`) is handed each event just before the rules: after
 * the container filter and drift marking, so that replaying the recording
 * raises the same alerts without the image or the running containers.
 */
import type { SyscallEvent } from './events.js';
import type { Alert, RuleSet } from './rules/index.js';
import { Sensor, type SensorMetrics, type SensorOptions } from './sensor/index.js';
import { readFileSync } from 'node:fs';
import { checkExec, firstReadable, markDrift, procRootReader, rootfsReader, type DriftIndex, type ExecFileReader } from './drift/index.js';

export interface WatchOptions {
  rules: RuleSet;
  onAlert: (alert: Alert) => void | Promise<void>;
  /** Image file index for drift (the container's image); exec events are checked against it. */
  drift?: DriftIndex;
  /** Only events of these container ids (prefixes accepted); default every container and the host. */
  containers?: readonly string[];
  sensor?: Omit<SensorOptions, 'onEvent' | 'onError'>;
  /** Receives every evaluated event, as the rules see it (an EventRecorder for `--record`). */
  recorder?: { record(event: SyscallEvent): void };
  onError?: (e: Error) => void;
}

export interface Watch {
  sensor: Sensor;
  /** Events evaluated, alerts raised, drift checks that failed to read the file. */
  stats(): { events: number; alerts: number; driftUnknown: number; sensor: SensorMetrics };
  /** Stop the sensor and wait for every pending evaluation. */
  stop(): Promise<ReturnType<Watch['stats']>>;
}

export async function startWatch(options: WatchOptions): Promise<Watch> {
  let events = 0;
  let alerts = 0;
  let driftUnknown = 0;
  let chain: Promise<void> = Promise.resolve();
  const wanted = options.containers?.length ? options.containers : undefined;
  const evaluate = async (event: SyscallEvent) => {
    if (wanted && !(event.container && wanted.some((id) => event.container!.id.startsWith(id)))) return;
    events++;
    if (options.drift && event.type === 'execve' && event.container) {
      const readers: ExecFileReader[] = [procRootReader(event.proc.pid)];
      // A short-lived process is gone before we look: fall back to the container's root filesystem.
      const rootfs = runcRootfs(event.container.id);
      if (rootfs) readers.push(rootfsReader(rootfs));
      const verdict = await checkExec(options.drift, event, firstReadable(...readers));
      if (verdict.status === 'unknown') driftUnknown++;
      markDrift(event, verdict);
    }
    options.recorder?.record(event);
    for (const alert of options.rules.evaluate(event)) {
      alerts++;
      await options.onAlert(alert);
    }
  };
  const sensor = await Sensor.start({
    ...options.sensor,
    // Evaluate in arrival order; a drift check reads the file while the process may still run.
    onEvent: (event) => {
      chain = chain.then(() => evaluate(event)).catch((e: Error) => options.onError?.(e));
    },
    onError: (e) => options.onError?.(e),
  });
  const stats = () => ({ events, alerts, driftUnknown, sensor: sensor.metrics() });
  return {
    sensor,
    stats,
    async stop() {
      await sensor.stop();
      await chain;
      return stats();
    },
  };
}

/** The root filesystem of a runc container, from its state file (`/run/runc/<id>/state.json`). */
function runcRootfs(id: string, roots: readonly string[] = ['/run/runc', '/run/docker/runtime-runc/moby', '/run/containerd/runc/k8s.io']): string | undefined {
  if (!/^[\w.-]+$/.test(id)) return undefined;
  for (const root of roots) {
    try {
      const state = JSON.parse(readFileSync(`${root}/${id}/state.json`, 'utf8')) as { config?: { rootfs?: unknown } };
      if (typeof state.config?.rootfs === 'string') return state.config.rootfs;
    } catch {
      // not this runtime
    }
  }
  return undefined;
}
