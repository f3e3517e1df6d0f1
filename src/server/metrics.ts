/** Prometheus metrics of one server (its own registry, so several servers can run in one process). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  scansByStatus: Gauge<'status'>;
  queueDepth: Gauge;
  jobDuration: Histogram<'outcome'>;
  runtimeAlerts: Counter<'priority'>;
  dbErrors: Counter;
}

export function createMetrics(defaults = false): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'bulkhead_http_request_duration_seconds',
      help: 'HTTP request durations by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    scansByStatus: new Gauge({ name: 'bulkhead_scans', help: 'Scans by status', labelNames: ['status'], registers: [registry] }),
    queueDepth: new Gauge({ name: 'bulkhead_queue_depth', help: 'Scan jobs waiting', registers: [registry] }),
    jobDuration: new Histogram({
      name: 'bulkhead_job_duration_seconds',
      help: 'Scan job durations by outcome',
      labelNames: ['outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    runtimeAlerts: new Counter({ name: 'bulkhead_runtime_alerts_total', help: 'Runtime alerts received', labelNames: ['priority'], registers: [registry] }),
    dbErrors: new Counter({ name: 'bulkhead_db_errors_total', help: 'Failed database statements', registers: [registry] }),
  };
}
