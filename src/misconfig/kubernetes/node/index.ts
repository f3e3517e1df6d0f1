/**
 * A node's files (BH-K8S-200…230): CIS 1.1.x and 4.1.x permission and
 * ownership checks (`nodeScan`/`nodeFindings`), and the configuration the
 * node carries judged by the control-plane and kubelet checks
 * (`nodeConfigFindings`: static pod manifests, kubelet config and flags).
 */
export { nodeChecks, nodeRules, type FileRule, type Owner, type Target } from './checks.js';
export { nodeFindings, nodeScan, type NodeProblem, type NodeScanResult } from './scan.js';
export { nodeConfigFindings, type NodeConfigResult } from './configs.js';
