/**
 * Control-plane and kubelet configuration against the CIS Kubernetes
 * Benchmark v1.9 (BH-K8S-100…157): `controlPlaneChecks` for the registry,
 * `controlPlaneFindings` per object (static pod manifests, KubeletConfiguration),
 * `kubeletFindings` for a kubelet's config and/or flags.
 */
export { controlPlaneChecks, controlPlaneFindings, componentsIn, RULES_BY_COMPONENT } from './evaluate.js';
export { kubeletFindings, kubeletConfigFindings, kubeletFlagsFromText, isKubeletConfiguration, kubeletRules, type KubeletInput, type FlagsText } from './kubelet.js';
export { parseFlags, shellWords, FlagSet, type FlagValue, type Word } from './flags.js';
export { componentOf, COMPONENTS, type Component } from './components.js';
export { judgeCiphers, STRONG_CIPHER_SUITES } from './ciphers.js';
export { DEFAULT_ADMISSION_PLUGINS } from './apiserver.js';
