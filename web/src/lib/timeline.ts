/** Time buckets for the runtime alerts chart. */

/** Falco priorities, most severe first. Unknown priorities are counted as `other`. */
export const PRIORITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;
export type PriorityKey = (typeof PRIORITIES)[number] | 'other';

export function priorityKey(p: string): PriorityKey {
  const k = p.toLowerCase();
  if (k === 'info') return 'informational';
  if (k === 'warn') return 'warning';
  return (PRIORITIES as readonly string[]).includes(k) ? (k as PriorityKey) : 'other';
}

export interface Bucket {
  start: number;
  end: number;
  total: number;
  counts: Partial<Record<PriorityKey, number>>;
}

/**
 * Splits [from, to) into `n` equal buckets and counts alerts per priority.
 * Alerts with unparseable times or outside the window are left out and counted in `dropped`.
 */
export function bucketAlerts(
  alerts: ReadonlyArray<{ time: string; priority: string }>,
  from: number,
  to: number,
  n: number,
): { buckets: Bucket[]; dropped: number } {
  const count = Math.max(1, Math.floor(n));
  const span = Math.max(1, to - from);
  const width = span / count;
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    start: from + i * width,
    end: from + (i + 1) * width,
    total: 0,
    counts: {},
  }));
  let dropped = 0;
  for (const a of alerts) {
    const t = Date.parse(a.time);
    if (!Number.isFinite(t) || t < from || t > to) {
      dropped++;
      continue;
    }
    const i = Math.min(count - 1, Math.floor((t - from) / width));
    const b = buckets[i]!;
    const key = priorityKey(a.priority);
    b.counts[key] = (b.counts[key] ?? 0) + 1;
    b.total++;
  }
  return { buckets, dropped };
}

/** The window to chart: from the earliest to the latest alert (at least one hour), ending no earlier than `now`'s alerts. */
export function alertWindow(alerts: ReadonlyArray<{ time: string }>, now: number): { from: number; to: number } {
  const times = alerts.map((a) => Date.parse(a.time)).filter(Number.isFinite);
  if (times.length === 0) return { from: now - 24 * 3600_000, to: now };
  const min = Math.min(...times);
  const max = Math.max(...times);
  const to = Math.max(max, min + 3600_000);
  return { from: min, to };
}
