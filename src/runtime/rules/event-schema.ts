/**
 * Validation of runtime events read from outside (events.jsonl, the audit
 * webhook): the shapes of src/runtime/events.ts checked with zod, so that
 * the engine only ever sees well-formed events. Extra properties are kept
 * (sensor extensions such as ProcessInfo.tty).
 */
import { z } from 'zod';
import type { K8sAuditEvent, RuntimeEvent } from '../events.js';
import { ALL_EVENT_TYPES } from './evttypes.js';
import { auditTimeNs } from './fields/k8saudit.js';

const num = z.number().finite();
const int = z.number().int();

const processInfo = z.looseObject({
  pid: int,
  ppid: int.optional(),
  tid: int.optional(),
  uid: int.optional(),
  gid: int.optional(),
  loginuid: int.optional(),
  name: z.string(),
  exe: z.string().optional(),
  args: z.array(z.string()).optional(),
  argv0: z.string().optional(),
  cwd: z.string().optional(),
  ancestors: z.array(z.string()).optional(),
  ancestorExes: z.array(z.string()).optional(),
  ancestorPids: z.array(int).optional(),
  stdioIsSocket: z.boolean().optional(),
  exeWritable: z.boolean().optional(),
  exeUpperLayer: z.boolean().optional(),
  exeSetuid: z.boolean().optional(),
});

const containerInfo = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  image: z.string().optional(),
  imageDigest: z.string().optional(),
  runtime: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  privileged: z.boolean().optional(),
  pod: z.looseObject({ name: z.string(), namespace: z.string(), uid: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }).optional(),
  cgroupId: num.optional(),
  pidNs: num.optional(),
});

const fdInfo = z.looseObject({
  name: z.string().optional(),
  typechar: z.enum(['f', '4', '6', 'u', 'm']).optional(),
  openFlags: int.optional(),
  l4proto: z.enum(['tcp', 'udp']).optional(),
  cip: z.string().optional(),
  cport: int.optional(),
  sip: z.string().optional(),
  sport: int.optional(),
});

const syscallEvent = z.looseObject({
  source: z.literal('syscall'),
  time: num,
  type: z.enum(ALL_EVENT_TYPES as [string, ...string[]]),
  res: int.optional(),
  proc: processInfo,
  container: containerInfo.optional(),
  fd: fdInfo.optional(),
  args: z.record(z.string(), z.union([z.string(), num])).optional(),
});

const k8sAuditEvent = z.looseObject({
  source: z.literal('k8s_audit'),
  time: num,
  event: z.record(z.string(), z.unknown()),
});


function isAuditObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>).apiVersion === 'string' && String((v as Record<string, unknown>).apiVersion).startsWith('audit.k8s.io/');
}

/** A K8sAuditEvent from an audit.k8s.io Event object. */
export function auditEvent(e: Record<string, unknown>): K8sAuditEvent {
  return { source: 'k8s_audit', time: auditTimeNs(e) ?? Date.now() * 1e6, event: e };
}

/** Audit events in a value: an Event, or an EventList (what the audit webhook backend POSTs). */
export function auditEventsOf(v: unknown): { events: K8sAuditEvent[] } | { error: string } {
  if (!isAuditObject(v)) return { error: 'not an audit.k8s.io object (apiVersion audit.k8s.io/v1)' };
  if (v.kind === 'Event') return { events: [auditEvent(v)] };
  if (v.kind === 'EventList') {
    if (!Array.isArray(v.items)) return { error: 'EventList without items' };
    const events: K8sAuditEvent[] = [];
    for (const it of v.items) {
      if (it === null || typeof it !== 'object' || Array.isArray(it)) return { error: 'EventList item is not an object' };
      events.push(auditEvent({ apiVersion: v.apiVersion, kind: 'Event', ...(it as Record<string, unknown>) }));
    }
    return { events };
  }
  return { error: `audit object of kind ${String(v.kind)}, expected Event or EventList` };
}

/** A runtime event from a recorded line; audit Events are accepted as they are. */
export function toRuntimeEvents(v: unknown): { events: RuntimeEvent[] } | { error: string } {
  if (isAuditObject(v)) return auditEventsOf(v);
  const source = v !== null && typeof v === 'object' ? (v as Record<string, unknown>).source : undefined;
  if (source !== 'syscall' && source !== 'k8s_audit') return { error: 'source: expected "syscall" or "k8s_audit"' };
  const r = (source === 'syscall' ? syscallEvent : k8sAuditEvent).safeParse(v);
  if (r.success) return { events: [r.data as RuntimeEvent] };
  const issue = r.error.issues[0];
  return { error: issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'not a runtime event' };
}
