/**
 * Kubernetes version support (BH-K8S-300 end of life, BH-K8S-301 patch
 * level): the release table, the cluster's version from the input or
 * `--k8s-version`, and packages for the vulnerability matcher.
 */
export { MINOR_RELEASES, RELEASES_AS_OF, releaseOf, type MinorRelease } from './releases.js';
export {
  endOfLifeCheck,
  patchLevelCheck,
  versionChecks,
  parseK8sVersion,
  parseK8sVersionFlag,
  versionSupport,
  versionFindings,
  type K8sVersion,
  type SupportStatus,
  type VersionSupport,
  type VersionSource,
} from './support.js';
export { VersionCollector, clusterVersion, distinctVersions, type ClusterVersion, type VersionSighting } from './cluster.js';
export { kubernetesPackages, KUBERNETES_MODULE } from './packages.js';
