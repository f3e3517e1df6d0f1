/**
 * The Kubernetes audit webhook backend (`bulkhead runtime audit-webhook`):
 * kube-apiserver POSTs audit EventLists, the k8s_audit rules raise alerts.
 */
export {
  startAuditWebhook,
  auditBatchOf,
  parseListenAddress,
  AUDIT_WEBHOOK_PATH,
  AUDIT_API_VERSION,
  MAX_AUDIT_BODY_BYTES,
  MAX_PENDING_ALERTS,
  type AuditWebhook,
  type AuditWebhookOptions,
  type AuditWebhookStats,
} from './server.js';
