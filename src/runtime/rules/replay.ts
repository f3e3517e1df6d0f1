/**
 * `bulkhead runtime replay events.jsonl`: re-run recorded events through a
 * rule set (tests, forensics), and read Kubernetes audit logs. Invalid lines
 * are counted and the first ones reported with their line numbers.
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
