/**
 * The cluster version as packages the vulnerability matcher understands
 * (src/vuln/match): Go modules in the `Go` OSV ecosystem. Kubernetes
 * advisories are filed there against `k8s.io/kubernetes` at the release
 * version (`v1.29.3`; the matcher strips the `v`). Provider builds are
 * matched at their upstream version: providers backport fixes, so a
 * provider build may be reported for a fix it already carries; the
 * `k8s.vendor` property says so.
 */
import type { Package } from '../../../core/types.js';
import type { VersionSource } from './support.js';

export const KUBERNETES_MODULE = 'k8s.io/kubernetes';

export function kubernetesPackages(seen: VersionSource): Package[] {
  const v = seen.version;
  const pkg: Package = {
    id: `golang:${KUBERNETES_MODULE}@${v.upstream}`,
    type: 'golang',
    name: KUBERNETES_MODULE,
    version: v.upstream,
    purl: `pkg:golang/${KUBERNETES_MODULE}@${v.upstream}`,
    foundBy: 'k8s-cluster-version',
    locations: [seen.source],
  };
  if (v.vendor) pkg.properties = { 'k8s.vendor': v.vendor, 'k8s.version': v.raw };
  return [pkg];
}
