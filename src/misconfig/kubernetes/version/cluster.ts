/**
 * The cluster's Kubernetes version, from what the input shows:
 * 1. `--k8s-version` (explicit, wins);
 * 2. the kube-apiserver image tag (`registry.k8s.io/kube-apiserver:v1.29.3`,
 *    in static pod manifests or the mirror pods of a cluster dump);
 * 3. the other control-plane images (controller manager, scheduler,
 *    kube-proxy), which follow the API server's version;
 * 4. Node objects of a cluster dump (`status.nodeInfo.kubeletVersion`).
 * Within one kind of source the lowest version is taken: during an upgrade
 * the oldest component is the one still exposed. Every sighting is kept in
 * `sightings` so a caller can judge each distinct version.
 */
import type { Location } from '../../../core/types.js';
import { asString, getIn, locationOf, type K8sObject } from '../input/object.js';
import { containersOf, podOf } from '../input/pod.js';
import { parseK8sVersion, parseK8sVersionFlag, type K8sVersion, type VersionSource } from './support.js';

type Rank = 0 | 1 | 2 | 3;

export interface VersionSighting extends VersionSource {
  /** 0 explicit, 1 API server image, 2 other control-plane image, 3 kubelet of a Node. */
  rank: Rank;
}

export interface ClusterVersion extends VersionSource {
  sightings: VersionSighting[];
}

/** Image repositories whose tag is the Kubernetes version, with the rank of what they say. */
const IMAGES: ReadonlyArray<[RegExp, Rank]> = [
  [/(?:^|\/)kube-apiserver(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/, 1],
  [/(?:^|\/)(?:kube-controller-manager|kube-scheduler|kube-proxy|hyperkube)(?:-(?:amd64|arm64|arm|ppc64le|s390x))?$/, 2],
];

const MAX_SIGHTINGS = 1000;

function compare(a: K8sVersion, b: K8sVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

const where = (loc: Location) => (loc.path ? ` (${loc.path}${loc.startLine ? `:${loc.startLine}` : ''})` : '');

export class VersionCollector {
  private readonly sightings: VersionSighting[] = [];

  add(obj: K8sObject): void {
    if (this.sightings.length >= MAX_SIGHTINGS) return;
    if (obj.kind === 'Node') {
      const kubelet = asString(getIn(obj.data, ['status', 'nodeInfo', 'kubeletVersion']));
      const v = kubelet ? parseK8sVersion(kubelet) : undefined;
      if (!v) return;
      const location = locationOf(obj, ['status', 'nodeInfo', 'kubeletVersion']);
      this.sightings.push({ version: v, rank: 3, source: `kubelet of node ${obj.name}${where(location)}`, location });
      return;
    }
    const pod = podOf(obj);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      const image = asString(c.data['image']);
      if (!image) continue;
      const at = image.indexOf('@');
      const ref = at >= 0 ? image.slice(0, at) : image;
      const colon = ref.lastIndexOf(':');
      if (colon <= ref.lastIndexOf('/')) continue;
      const repo = ref.slice(0, colon);
      const rank = IMAGES.find(([re]) => re.test(repo))?.[1];
      const v = rank ? parseK8sVersion(ref.slice(colon + 1)) : undefined;
      if (!rank || !v) continue;
      const location = locationOf(obj, [...c.path, 'image']);
      this.sightings.push({ version: v, rank, source: `${image}${where(location)}`, location });
    }
  }

  /** The version, or undefined when the input shows none and none was given. */
  result(explicit?: string): ClusterVersion | undefined {
    const all = [...this.sightings];
    if (explicit !== undefined) all.unshift({ version: parseK8sVersionFlag(explicit), rank: 0, source: '--k8s-version' });
    if (!all.length) return undefined;
    const best = Math.min(...all.map((s) => s.rank));
    const chosen = all.filter((s) => s.rank === best).sort((a, b) => compare(a.version, b.version))[0]!;
    const out: ClusterVersion = { version: chosen.version, source: chosen.source, sightings: all };
    if (chosen.location) out.location = chosen.location;
    return out;
  }
}

/** The cluster version of a whole input (see VersionCollector for streaming use). */
export function clusterVersion(objects: Iterable<K8sObject>, explicit?: string): ClusterVersion | undefined {
  const c = new VersionCollector();
  for (const o of objects) c.add(o);
  return c.result(explicit);
}

/** Distinct versions seen, lowest first: a cluster mid-upgrade, or nodes lagging the control plane. */
export function distinctVersions(v: ClusterVersion): K8sVersion[] {
  const seen = new Map<string, K8sVersion>();
  for (const s of v.sightings) if (!seen.has(s.version.raw)) seen.set(s.version.raw, s.version);
  return [...seen.values()].sort(compare);
}
