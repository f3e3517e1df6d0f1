/**
 * `bulkhead runtime replay events.jsonl`: re-run recorded events through a
 * rule set (tests, forensics), and read Kubernetes audit logs. Invalid lines
 * are counted and the first ones reported with their line numbers;
 * `replayInputVerdict` says what they mean for the command (an input with no
 * valid event is an error, invalid lines are one when strict).
 */
import { BulkheadError } from '../../core/errors.js';
import type { K8sAuditEvent } from '../events.js';
import { auditEventsOf, toRuntimeEvents } from './event-schema.js';
import { jsonLines, MAX_LINE_BYTES } from './lines.js';
import type { Alert, RuleSet } from './ruleset.js';

export interface LineProblem {
  line: number;
  message: string;
}

export interface ReadStats {
  /** Lines read (blank lines included). */
  lines: number;
  /** Lines that were not a valid event. */
  invalid: number;
  /** The first invalid lines (up to `maxProblems`), with why. */
  problems: LineProblem[];
}

export interface ReplayOptions {
  /** Called for each alert as it is raised; when given, alerts are not collected. */
  onAlert?: (alert: Alert) => void | Promise<void>;
  maxProblems?: number;
  maxLineBytes?: number;
}

export interface ReplayResult extends ReadStats {
  /** Events evaluated. */
  events: number;
  alerts: Alert[];
  /** Alerts raised (also when streamed to onAlert). */
  alertCount: number;
}

/** Evaluate every event of a JSON-lines stream (SyscallEvent / K8sAuditEvent lines, or raw audit Events). */
export async function replay(stream: AsyncIterable<Buffer | string>, ruleSet: RuleSet, options: ReplayOptions = {}): Promise<ReplayResult> {
  const maxProblems = options.maxProblems ?? 100;
  const out: ReplayResult = { lines: 0, events: 0, invalid: 0, problems: [], alerts: [], alertCount: 0 };
  for await (const item of jsonLines(stream, options.maxLineBytes ?? MAX_LINE_BYTES)) {
    out.lines = item.line;
    const r = 'error' in item ? { error: item.error } : toRuntimeEvents(item.value);
    if ('error' in r) {
      out.invalid++;
      if (out.problems.length < maxProblems) out.problems.push({ line: item.line, message: r.error });
      continue;
    }
    for (const e of r.events) {
      out.events++;
      for (const a of ruleSet.evaluate(e)) {
        out.alertCount++;
        if (options.onAlert) await options.onAlert(a);
        else out.alerts.push(a);
      }
    }
  }
  return out;
}

export interface ReplayInputVerdict {
  /** The input is unusable (no valid event), or has invalid lines under `strict`: exit 2. */
  error?: BulkheadError;
  /** Invalid lines were skipped: one line for stderr. */
  warning?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the read problems of a replay mean. `name` is how the user named the
 * input (a path, or `<stdin>`); locations are `name:line`.
 */
export function replayInputVerdict(r: ReadStats & { events: number }, name: string, options: { strict?: boolean } = {}): ReplayInputVerdict {
  const first = r.problems[0];
  const hint = 'give JSON lines of runtime events (as bulkhead runtime watch --record writes them) or a Kubernetes audit log';
  if (r.events === 0 && r.invalid === 0) {
    return { error: new BulkheadError('EVENTS_INVALID', `no events in ${name}: the input is empty or only blank lines`, { where: name, hint }) };
  }
  if (r.invalid === 0) return {};
  const why = first?.message ?? 'not a runtime event';
  const where = first ? `${name}:${first.line}` : name;
  const detail = `${plural(r.invalid, 'invalid line')} of ${r.lines}, the first: ${why}`;
  if (r.events === 0) return { error: new BulkheadError('EVENTS_INVALID', `no valid events in ${name}: ${detail}`, { where, hint }) };
  if (options.strict) {
    return { error: new BulkheadError('EVENTS_INVALID', `${name} has ${plural(r.invalid, 'invalid line')} (--strict): the first: ${why}`, { where, hint: 'fix or remove the lines, or replay without --strict to skip them' }) };
  }
  return { warning: `${plural(r.invalid, 'invalid line')} of ${r.lines} in ${name} skipped, the first ${where}: ${why} (--strict makes this an error)` };
}

export interface AuditLogResult extends ReadStats {
  events: K8sAuditEvent[];
}

export const MAX_AUDIT_EVENTS = 1_000_000;

/**
 * Read a Kubernetes audit log (JSON lines of audit.k8s.io Events or
 * EventLists, as the log backend writes) into memory. For logs larger than
 * `maxEvents`, stream them through `replay` instead (it accepts the same lines).
 */
export async function readAuditLog(stream: AsyncIterable<Buffer | string>, options: { maxProblems?: number; maxLineBytes?: number; maxEvents?: number } = {}): Promise<AuditLogResult> {
  const maxProblems = options.maxProblems ?? 100;
  const maxEvents = options.maxEvents ?? MAX_AUDIT_EVENTS;
  const out: AuditLogResult = { lines: 0, events: [], invalid: 0, problems: [] };
  for await (const item of jsonLines(stream, options.maxLineBytes ?? MAX_LINE_BYTES)) {
    out.lines = item.line;
    const r = 'error' in item ? { error: item.error } : auditEventsOf(item.value);
    if ('error' in r) {
      out.invalid++;
      if (out.problems.length < maxProblems) out.problems.push({ line: item.line, message: r.error });
      continue;
    }
    for (const e of r.events) out.events.push(e);
    if (out.events.length > maxEvents) {
      throw new BulkheadError('LIMIT_EXCEEDED', `the audit log has more than ${maxEvents} events`, {
        where: `line ${item.line}`,
        hint: 'replay the log instead of loading it (bulkhead runtime replay reads audit log lines as a stream)',
      });
    }
  }
  return out;
}
