/**
 * Runtime detection benchmarks, each with a baseline measured in the same run:
 *  (a) the rule engine: the official Falco rules (the four upstream files) plus
 *      Bulkhead's defaults over 200,000 generated events, events per CPU
 *      second (one core), as a ratio to JSON-parsing and walking the same
 *      events serialized as JSON lines (what replay must do anyway);
 *  (b) the eBPF sensor: 20,000 execs of /bin/true with and without tracing,
 *      execs issued vs exec events received, records lost, and the exec rate
 *      in both runs. Needs root, bpftrace and BTF; skipped with the reason otherwise.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { benchRuleEngine, DEFAULT_RULES_NAME, generateEvents, loadRules, type RuleFile } from '../src/runtime/rules/index.js';
import { runSensorBench } from '../src/runtime/sensor/index.js';
import { sensorUnavailableReason } from '../src/runtime/sensor/test-support.js';

const UPSTREAM = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'k8s_audit_rules.yaml'];

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Visit every value of a parsed event (so the parse cannot be optimized away); returns a count. */
function walk(v: unknown): number {
  if (v === null || typeof v !== 'object') return 1;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += walk(x);
  else for (const k in v) n += walk((v as Record<string, unknown>)[k]);
  return n;
}

/** Best of `rounds` (after a warm-up): CPU ms to JSON.parse and walk every line. */
function parseBaseline(lines: readonly string[], rounds = 3): { cpuMs: number; values: number } {
  let values = 0;
  for (const l of lines) values += walk(JSON.parse(l));
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const c = cpuMs();
    let n = 0;
    for (const l of lines) n += walk(JSON.parse(l));
    best = Math.min(best, cpuMs() - c);
    if (n !== values) throw new Error('parse baseline is not deterministic');
  }
  return { cpuMs: best, values };
}

export function benchRuleEngineSection(repo: string, count = 200_000) {
  const rulesDir = path.join(repo, 'src/runtime/rules');
  const read = (p: string, name: string): RuleFile => ({ path: name, text: readFileSync(p, 'utf8') });
  // The defaults are read from the source tree: the bench build (tsc only) does not copy the YAML beside the compiled module.
  const files = [...UPSTREAM.map((f) => read(path.join(rulesDir, 'testdata/upstream', f), f)), read(path.join(rulesDir, 'default', DEFAULT_RULES_NAME), DEFAULT_RULES_NAME)];
  const loadStart = performance.now();
  const ruleSet = loadRules(files);
  const loadMs = performance.now() - loadStart;
  const events = generateEvents(count);
  const lines = events.map((e) => JSON.stringify(e));
  const engine = benchRuleEngine(events, ruleSet);
  const baseline = parseBaseline(lines);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    events: engine.events,
    rules: ruleSet.rules.length,
    rulesDisabled: ruleSet.disabled.length,
    loadMs: round(loadMs),
    alerts: engine.alerts,
    engineCpuMs: engine.cpuMs,
    eventsPerCpuSecond: engine.eventsPerSecond,
    parseCpuMs: round(baseline.cpuMs),
    parsedEventsPerCpuSecond: Math.round((count / Math.max(baseline.cpuMs, 0.001)) * 1000),
    engineOverParse: +(engine.cpuMs / Math.max(baseline.cpuMs, 0.001)).toFixed(2),
  };
}

export async function benchSensorSection(execs = 20_000): Promise<Record<string, unknown>> {
  const reason = sensorUnavailableReason();
  if (reason) return { skipped: reason };
  const r = await runSensorBench({ execs });
  return {
    execs: r.execs,
    spawners: r.spawners,
    received: r.received,
    receivedRatio: +r.receivedRatio.toFixed(4),
    lost: r.metrics.lost,
    dropped: r.metrics.dropped,
    malformed: r.metrics.malformed,
    sensorEvents: r.metrics.events,
    baselineExecsPerSecond: Math.round(r.baseline.execsPerSecond),
    tracedExecsPerSecond: Math.round(r.traced.execsPerSecond),
    rounds: r.rounds,
    slowdownPercent: +r.slowdownPercent.toFixed(1),
    slowdownPercentPerRound: r.slowdownPercentPerRound.map((x) => +x.toFixed(1)),
    sensorStartMs: Math.round(r.sensorStartMs),
  };
}
