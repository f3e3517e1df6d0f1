/**
 * Checks of a pod as a whole: service account token automount, hostPath
 * volumes (runtime sockets and sensitive host paths), hostAliases and a
 * shared process namespace.
 */
import type { K8sObject } from '../input/object.js';
import { asArray, asObject, asString } from '../input/object.js';
import { containersOf } from '../input/pod.js';
import { API_ACCESS_ANNOTATION, automountTokenCheck, hostAliasesCheck, runtimeSocketCheck, sensitiveHostPathCheck, shareProcessNamespaceCheck } from './checks.js';
import { report, show, type PodContext } from './context.js';
import { runtimeSocketOf, sensitiveHostPath } from './hostpath.js';

const MAX_VOLUMES = 512;

export function podFindings(ctx: PodContext): void {
  automount(ctx);
  hostPathVolumes(ctx);
  const spec = ctx.pod.spec;
  const aliases = asArray(spec['hostAliases']);
  if (aliases.length) {
    const names = aliases.flatMap((a) => asArray(asObject(a)?.['hostnames'])).filter((h): h is string => typeof h === 'string');
    report(ctx, hostAliasesCheck, [...ctx.pod.specPath, 'hostAliases'], `hostAliases pin ${names.slice(0, 5).map((n) => show(n)).join(', ') || `${aliases.length} entr${aliases.length === 1 ? 'y' : 'ies'}`}${names.length > 5 ? ', …' : ''}`);
  }
  if (spec['shareProcessNamespace'] === true) {
    const n = containersOf(ctx.pod).filter((c) => c.kind === 'containers').length;
    report(ctx, shareProcessNamespaceCheck, [...ctx.pod.specPath, 'shareProcessNamespace'], `shareProcessNamespace: true across ${n} container${n === 1 ? '' : 's'}`);
  }
}

/**
 * The heuristic: a pod that names no service account (or names `default`)
 * has no RBAC of its own, so it almost certainly never calls the API; its
 * token is only an attacker's asset. A pod with its own service account is
 * taken to need the token. The annotation `bulkhead.dev/needs-api-access:
 * "true"` opts a pod out; a `default` ServiceAccount with automount off
 * (passed in through the options) does too. Static pods (kubelet manifests,
 * their mirror pods in dumps, kubeadm's control plane) never get a token.
 */
function automount(ctx: PodContext): void {
  if (isStaticPod(ctx)) return;
  const spec = ctx.pod.spec;
  const flag = spec['automountServiceAccountToken'];
  if (flag === false) return;
  const sa = asString(spec['serviceAccountName']) ?? asString(spec['serviceAccount']) ?? 'default';
  if (sa !== 'default' && sa !== '') return;
  if (ctx.pod.annotations[API_ACCESS_ANNOTATION]?.toLowerCase() === 'true') return;
  if (flag !== true && ctx.options.automountDisabledServiceAccounts?.has(`${ctx.pod.namespace}/default`)) return;
  const path = flag === true ? [...ctx.pod.specPath, 'automountServiceAccountToken'] : ctx.pod.specPath;
  report(
    ctx,
    automountTokenCheck,
    path,
    `pod runs as the default service account and ${flag === true ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false'}`,
  );
}

/** A pod the kubelet runs from a file: marked by the kubelet's annotations, or kubeadm's control-plane labels. */
function isStaticPod(ctx: PodContext): boolean {
  if (ctx.pod.object.kind !== 'Pod') return false;
  const a = ctx.pod.annotations;
  if (a['kubernetes.io/config.source'] === 'file' || a['kubernetes.io/config.mirror'] !== undefined) return true;
  return ctx.pod.namespace === 'kube-system' && ctx.pod.labels['tier'] === 'control-plane';
}

function hostPathVolumes(ctx: PodContext): void {
  const volumes = asArray(ctx.pod.spec['volumes']).slice(0, MAX_VOLUMES);
  if (!volumes.length) return;
  const containers = containersOf(ctx.pod);
  volumes.forEach((v, i) => {
    const vol = asObject(v);
    const hostPath = asString(asObject(vol?.['hostPath'])?.['path']);
    if (!vol || hostPath === undefined) return;
    const name = asString(vol['name']) ?? `#${i}`;
    const mounts = containers.flatMap((c) =>
      asArray(c.data['volumeMounts'])
        .map((m) => asObject(m))
        .filter((m) => m?.['name'] === name)
        .map((m) => ({ container: c.name, readOnly: m?.['readOnly'] === true })),
    );
    const writable = mounts.filter((m) => !m.readOnly).map((m) => m.container);
    const how = mounts.length === 0 ? 'not mounted by any container' : writable.length ? `writable in ${writable.slice(0, 5).map((n) => `"${n}"`).join(', ')}` : 'mounted read-only';
    const path = [...ctx.pod.specPath, 'volumes', i, 'hostPath', 'path'];
    const socket = runtimeSocketOf(hostPath);
    if (socket) {
      report(ctx, runtimeSocketCheck, path, `volume "${name}": hostPath ${show(hostPath)} is a container runtime socket (${how})`);
      return;
    }
    const match = sensitiveHostPath(hostPath);
    if (!match) return;
    const why = match.relation === 'is' ? 'is' : match.relation === 'under' ? 'lies under' : 'contains';
    report(ctx, sensitiveHostPathCheck, path, `volume "${name}": hostPath ${show(hostPath)} ${why} ${match.sensitive} (${how})`, {
      title: `Sensitive host path ${match.path.slice(0, 128)} mounted into a pod`,
      ...(match.path === '/' && writable.length ? { severity: 'critical' as const } : !writable.length && mounts.length ? { severity: 'medium' as const } : {}),
    });
  });
}

/** `namespace/name` of a ServiceAccount that turns token automount off, for WorkloadOptions. */
export function serviceAccountWithoutAutomount(obj: K8sObject): string | undefined {
  if (obj.kind !== 'ServiceAccount' || obj.data['automountServiceAccountToken'] !== false) return undefined;
  return `${obj.namespace ?? 'default'}/${obj.name}`;
}
