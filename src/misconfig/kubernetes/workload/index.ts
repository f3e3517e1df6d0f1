/**
 * Workload hardening beyond the Pod Security Standards (BH-K8S-001…025):
 * `workloadChecks` for the registry, `workloadFindings` per object,
 * `exposureFindings` / `ExposureCollector` across objects (Services →
 * workloads).
 */
export * from './checks.js';
export { workloadFindings } from './evaluate.js';
export { ExposureCollector, exposureFindings } from './exposure.js';
export { serviceAccountWithoutAutomount } from './pod-checks.js';
export type { WorkloadOptions } from './context.js';
export { parseImage, isMutableTag, type ImageRef } from './image.js';
export { sensitiveHostPath, runtimeSocketOf, SENSITIVE_HOST_PATHS, RUNTIME_SOCKETS } from './hostpath.js';
