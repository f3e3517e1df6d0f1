/**
 * The Kubernetes admission controller: a ValidatingAdmissionWebhook that
 * enforces Pod Security Standards, the trust policy, a vulnerability gate
 * and ValidatingAdmissionPolicies, in enforce, warn or audit mode.
 */
export { loadAdmissionConfig, parseAdmissionConfig, DEFAULT_DEADLINE_MS, type AdmissionConfig, type AdmissionMode, type VulnerabilityGate, type ParseConfigOptions } from './config.js';
export { createAdmissionHandler, type AdmissionDependencies, type AdmissionHandler, type AdmissionLogEvent, type AdmissionDecisionEvent } from './handler.js';
export { createScanSubmitter, type ScanSubmitter, type ScanSubmitterOptions, type ScanSubmissionEvent } from './submit.js';
export { startAdmissionServer, parseListen, MAX_REVIEW_BYTES, type AdmissionServer, type AdmissionServerOptions } from './server.js';
export { parseAdmissionReview, reviewResponse, ADMISSION_API_VERSION, type AdmissionRequest, type AdmissionResponse, type AdmissionReviewResponse } from './review.js';
export { vulnerabilityProblem, type ScanLookup, type OnDemandScanner, type ScanContext, type GateName, type GateResult } from './gates.js';
