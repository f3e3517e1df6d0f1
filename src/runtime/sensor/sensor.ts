/**
 * The runner: checks the machine (setup.ts), generates the program
 * (program.ts), runs bpftrace with `-f json`, and turns its lines into
 * SyscallEvents in order: lines → messages (output.ts) → records assembled
 * per probe run (assemble.ts) → container attribution (containers.ts) →
 * events with ancestry (build-event.ts, process-table.ts).
 *
 * Start resolves when the program's BEGIN record arrives: bpftrace 0.17
 * prints `attached_probes` before it attaches, BEGIN runs after. Nothing is
 * dropped silently: lost, malformed, unknown and orphaned records are
 * counted in metrics().
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { BulkheadError } from '../../core/errors.js';
import type { ContainerInfo, SyscallEvent } from '../events.js';
import { RecordAssembler, type RawEvent } from './assemble.js';
import { EventBuilder } from './build-event.js';
import { ContainerResolver, containerInfoFor } from './containers.js';
import { LineSplitter, parseOutputLine } from './output.js';
import { ProcessTable } from './process-table.js';
import { generateProgram, type GeneratedProgram, type ProgramOptions } from './program.js';
import { prepareSensorEnvironment, type SensorEnvironment, type SetupOptions } from './setup.js';

export interface SensorOptions {
  /** What to trace (kernel facts are filled in by the set-up checks). */
  program?: Omit<ProgramOptions, 'mountOffset' | 'exitGroupDead' | 'capLayout' | 'hasTracepoint'>;
  setup?: SetupOptions;
  /** Container attribution; `false` leaves events without containers. */
  containers?: ContainerResolver | false;
  procRoot?: string;
  /** How long bpftrace may take to attach every probe (ms); attaching ~40 probes takes 3-6 s. */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Raw events waiting for attribution before new ones are dropped (and counted). */
  maxQueue?: number;
  onEvent: (event: SyscallEvent) => void;
  /** bpftrace stopped on its own after start, or an event callback threw. */
  onError?: (error: Error) => void;
}

export interface SensorMetrics {
  /** Output lines read from bpftrace. */
  lines: number;
  /** Events delivered. */
  events: number;
  /** Records the kernel dropped because the perf buffer was full (bpftrace `lost_events`). */
  lost: number;
  /** Lines that were not valid JSON or not a well-formed record. */
  malformed: number;
  /** Well-formed lines of a type or record code the sensor does not know. */
  unknown: number;
  /** Record pieces whose main record never came. */
  orphaned: number;
  /** Paths left out because the kernel walk did not complete or pieces were lost. */
  incompletePaths: number;
  truncatedStrings: number;
  /** Events dropped because attribution fell behind by more than maxQueue. */
  dropped: number;
  containerRefreshes: number;
}

/** bpftrace 0.17 prints this on every start where the memlock limit cannot be raised; programs still load. */
const HARMLESS_STDERR = /couldn't set RLIMIT_MEMLOCK/;
const STDERR_KEEP = 64 * 1024;

type BpftraceProcess = ChildProcessByStdio<Writable, Readable, Readable>;

export class Sensor {
  private readonly m: SensorMetrics = {
    lines: 0,
    events: 0,
    lost: 0,
    malformed: 0,
    unknown: 0,
    orphaned: 0,
    incompletePaths: 0,
    truncatedStrings: 0,
    dropped: 0,
    containerRefreshes: 0,
  };
  private readonly queue: RawEvent[] = [];
  private head = 0;
  private pumping: Promise<void> = Promise.resolve();
  /** Set and cleared synchronously by pump(), so an event queued as the pump finishes always starts a new one. */
  private pumpActive = false;
  private stderr = '';
  private stopping = false;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;
  private readonly outputEnded: Promise<void>;
  private readyResolve!: () => void;
  private readonly readyPromise: Promise<void>;
  private readonly assembler: RecordAssembler;
  private readonly builder: EventBuilder;
  private readonly table = new ProcessTable();

  private constructor(
    readonly environment: SensorEnvironment,
    readonly program: GeneratedProgram,
    private readonly child: BpftraceProcess,
    private readonly options: SensorOptions,
    private readonly resolver: ContainerResolver | undefined,
  ) {
    this.assembler = new RecordAssembler({ chunk: program.chunk });
    this.table.seedFromProc(options.procRoot);
    const epochOffsetNs = Date.now() * 1e6 - Number(process.hrtime.bigint());
    this.builder = new EventBuilder(this.table, epochOffsetNs);
    this.readyPromise = new Promise((r) => (this.readyResolve = r));
    const splitter = new LineSplitter(
      (line) => this.onLine(line),
      () => this.m.malformed++,
    );
    this.outputEnded = new Promise((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
      child.stdout.on('end', () => {
        splitter.end();
        resolve();
      });
      child.stdout.on('error', () => resolve());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
        if (!this.stopping) {
          this.options.onError?.(
            new BulkheadError('SENSOR_UNAVAILABLE', `bpftrace stopped on its own (${signal ?? `exit code ${code}`}): ${this.stderrSummary() || 'no message'}`, {
              where: this.environment.bpftrace,
              hint: 'events after this point are not traced; restart the sensor',
            }),
          );
        }
      });
    });
  }

  /** Check the machine, start bpftrace and wait until every probe is attached. */
  static async start(options: SensorOptions): Promise<Sensor> {
    const env = await prepareSensorEnvironment(options.setup);
    const program = generateProgram({ ...options.program, ...env.kernel });
    const child = spawn(env.bpftrace, ['--no-warnings', '-f', 'json', '-'], {
      env: { ...process.env, ...program.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const spawnError = new Promise<never>((_, reject) => child.on('error', (e) => reject(e)));
    spawnError.catch(() => undefined); // an error after start is reported through the exit handler
    child.stdin.end(program.text);
    const resolver = options.containers === false ? undefined : (options.containers ?? new ContainerResolver({ procRoot: options.procRoot }));
    const sensor = new Sensor(env, program, child, options, resolver);
    if (resolver) await resolver.refresh();
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      sensor.readyPromise.then(() => 'ready' as const),
      sensor.exitPromise.then(() => 'exited' as const),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
      spawnError,
    ]).finally(() => clearTimeout(timer));
    if (outcome === 'ready') return sensor;
    sensor.stopping = true;
    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      await sensor.exitPromise;
      throw new BulkheadError('SENSOR_UNAVAILABLE', `bpftrace did not attach its probes within ${timeoutMs} ms`, {
        where: env.bpftrace,
        hint: `raise the start timeout, or check the machine's load; bpftrace said: ${sensor.stderrSummary() || 'nothing'}`,
      });
    }
    throw new BulkheadError('SENSOR_UNAVAILABLE', `bpftrace could not load the sensor program: ${sensor.stderrSummary() || `exit code ${sensor.exitInfo?.code}`}`, {
      where: env.bpftrace,
      hint: 'run `bulkhead runtime watch --debug` to see the generated program; the kernel verifier or a missing kernel type is the usual cause',
    });
  }

  /** bpftrace's stderr without the harmless lines, shortened. */
  stderrSummary(): string {
    return this.stderr
      .split('\n')
      .filter((l) => l.trim() && !HARMLESS_STDERR.test(l))
      .slice(-8)
      .join(' | ')
      .slice(0, 2000);
  }

  metrics(): SensorMetrics {
    return {
      ...this.m,
      orphaned: this.assembler.orphaned,
      incompletePaths: this.builder.stats.incompletePaths,
      truncatedStrings: this.builder.stats.truncatedStrings,
      containerRefreshes: this.resolver?.refreshes ?? 0,
    };
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** SIGINT, wait for bpftrace to flush and exit, deliver what is left, and return the final metrics. */
  async stop(): Promise<SensorMetrics> {
    this.stopping = true;
    if (this.exitInfo === undefined) {
      this.child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const exited = await Promise.race([this.exitPromise.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.options.stopTimeoutMs ?? 10_000)))]);
      clearTimeout(timer);
      if (!exited) {
        this.child.kill('SIGKILL');
        await this.exitPromise;
      }
    }
    await this.outputEnded;
    this.startPump();
    while (this.pumpActive) await this.pumping;
    return this.metrics();
  }

  private onLine(line: Buffer): void {
    this.m.lines++;
    const msg = parseOutputLine(line);
    switch (msg.type) {
      case 'attached':
        return;
      case 'lost':
        this.m.lost += msg.count;
        return;
      case 'malformed':
        this.m.malformed++;
        return;
      case 'other':
        this.m.unknown++;
        return;
      case 'tuple': {
        const r = this.assembler.add(msg.values);
        if (r.type === 'ready') this.readyResolve();
        else if (r.type === 'malformed') this.m.malformed++;
        else if (r.type === 'unknown') this.m.unknown++;
        else if (r.type === 'event') this.enqueue(r.event);
        return;
      }
    }
  }

  private enqueue(raw: RawEvent): void {
    if (this.queue.length - this.head >= (this.options.maxQueue ?? 200_000)) {
      this.m.dropped++;
      return;
    }
    this.queue.push(raw);
    this.startPump();
  }

  private startPump(): void {
    if (this.pumpActive || this.head >= this.queue.length) return;
    this.pumpActive = true;
    this.pumping = this.pump();
  }

  /**
   * Deliver queued events in order; only an unknown cgroup makes it wait (for
   * a runtime rescan). The flag is cleared in the same synchronous step as the
   * loop's last check, so an event queued right after always starts a new pump.
   */
  private async pump(): Promise<void> {
    try {
      while (this.head < this.queue.length) {
        const raw = this.queue[this.head++]!;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        let container;
        if (this.resolver) {
          const { cgroup, pidns } = raw.ctx;
          let rec = this.resolver.lookup(cgroup, pidns);
          if (!rec && !this.resolver.isHostCgroup(cgroup)) rec = await this.resolver.resolve(cgroup, pidns);
          if (rec) container = containerInfoFor(rec, cgroup, pidns);
        }
        this.deliver(raw, container);
      }
    } finally {
      this.pumpActive = false;
    }
  }

  private deliver(raw: RawEvent, container: ContainerInfo | undefined): void {
    let event: SyscallEvent | undefined;
    try {
      event = this.builder.build(raw, container);
    } catch (e) {
      this.m.malformed++;
      this.options.onError?.(new BulkheadError('INTERNAL', `cannot build an event from record ${raw.code}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    if (!event) return;
    this.m.events++;
    try {
      this.options.onEvent(event);
    } catch (e) {
      this.options.onError?.(e as Error);
    }
  }
}
