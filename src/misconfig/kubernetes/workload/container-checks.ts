/**
 * Checks of one container of a pod: root filesystem, resources, image
 * reference and pull policy, probes, literal secrets, capabilities, UID 0,
 * privilege escalation, privileged + hostPID, host ports on the host network.
 */
import { asArray, asObject, asString, isObject } from '../input/object.js';
import type { ContainerView } from '../input/pod.js';
import {
  dangerousCapabilityCheck,
  digestPinCheck,
  envSecretCheck,
  hostNetworkPortCheck,
  latestTagCheck,
  livenessProbeCheck,
  netRawCheck,
  privilegedHostPidCheck,
  privilegeEscalationCheck,
  pullPolicyCheck,
  readinessProbeCheck,
  readOnlyRootFsCheck,
  resourceLimitsCheck,
  resourceRequestsCheck,
  rootUidCheck,
} from './checks.js';
import { describeContainer, report, securityContextOf, show, type PodContext } from './context.js';
import { defaultPullPolicy, hasDigest, isLatest, isMutableTag, parseImage } from './image.js';
import { secretInPair, secretInText } from './secret-values.js';

/** Entries of env, args and capability lists looked at per container. */
const MAX_ITEMS = 512;

export function containerFindings(ctx: PodContext, c: ContainerView): void {
  const notEphemeral = c.kind !== 'ephemeralContainers';
  if (!ctx.windows && notEphemeral) readOnlyRoot(ctx, c);
  if (notEphemeral) resources(ctx, c);
  image(ctx, c);
  if (c.kind === 'containers' && !ctx.jobLike) probes(ctx, c);
  literalSecrets(ctx, c);
  if (!ctx.windows) {
    capabilities(ctx, c);
    rootUid(ctx, c);
  }
  privilegeEscalation(ctx, c);
  privilegedHostPid(ctx, c);
  if (ctx.hostNetwork) hostPorts(ctx, c);
}

function readOnlyRoot(ctx: PodContext, c: ContainerView): void {
  const v = securityContextOf(c)['readOnlyRootFilesystem'];
  if (v === true) return;
  report(ctx, readOnlyRootFsCheck, [...c.path, 'securityContext', 'readOnlyRootFilesystem'], `${describeContainer(c)}: securityContext.readOnlyRootFilesystem is ${show(v)}`);
}

function resources(ctx: PodContext, c: ContainerView): void {
  const res = asObject(c.data['resources']) ?? {};
  const limits = asObject(res['limits']) ?? {};
  const requests = asObject(res['requests']) ?? {};
  const missingLimits = ['memory', 'cpu'].filter((r) => limits[r] === undefined || limits[r] === null);
  if (missingLimits.length) {
    // CPU limits are debated (throttling); a missing CPU limit alone is informational.
    const severity = missingLimits.includes('memory') ? undefined : 'info';
    report(ctx, resourceLimitsCheck, [...c.path, 'resources', 'limits'], `${describeContainer(c)}: no ${missingLimits.map((r) => `limits.${r}`).join(' or ')}`, severity ? { severity } : {});
  }
  // A limit without a request makes the request default to the limit.
  const missingRequests = ['cpu', 'memory'].filter((r) => requests[r] == null && limits[r] == null);
  if (missingRequests.length) {
    report(ctx, resourceRequestsCheck, [...c.path, 'resources', 'requests'], `${describeContainer(c)}: no ${missingRequests.map((r) => `requests.${r}`).join(' or ')}`);
  }
}

function image(ctx: PodContext, c: ContainerView): void {
  const text = asString(c.data['image']);
  if (!text || !text.trim()) return;
  const ref = parseImage(text);
  const path = [...c.path, 'image'];
  if (isLatest(ref)) {
    report(ctx, latestTagCheck, path, `${describeContainer(c)}: image ${show(text)} ${ref.tag ? 'uses the latest tag' : 'has no tag (means latest)'}`);
  } else if (!hasDigest(ref)) {
    report(ctx, digestPinCheck, path, `${describeContainer(c)}: image ${show(text)} is referenced by tag only`);
  }
  if (isMutableTag(ref)) {
    const explicit = asString(c.data['imagePullPolicy']);
    const policy = explicit ?? defaultPullPolicy(ref);
    if (policy !== 'Always') {
      report(
        ctx,
        pullPolicyCheck,
        explicit ? [...c.path, 'imagePullPolicy'] : path,
        `${describeContainer(c)}: image ${show(text)} has a moving tag and imagePullPolicy is ${policy}${explicit ? '' : ' (the default for this tag)'}`,
      );
    }
  }
}

function probes(ctx: PodContext, c: ContainerView): void {
  if (!isObject(c.data['livenessProbe'])) {
    report(ctx, livenessProbeCheck, [...c.path, 'livenessProbe'], `${describeContainer(c)}: no livenessProbe`);
  }
  const ports = asArray(c.data['ports']);
  if (ports.length && !isObject(c.data['readinessProbe'])) {
    report(ctx, readinessProbeCheck, [...c.path, 'readinessProbe'], `${describeContainer(c)}: declares ${ports.length} port${ports.length === 1 ? '' : 's'} but has no readinessProbe`);
  }
}

function literalSecrets(ctx: PodContext, c: ContainerView): void {
  asArray(c.data['env'])
    .slice(0, MAX_ITEMS)
    .forEach((e, i) => {
      const entry = asObject(e);
      const name = asString(entry?.['name']);
      const value = asString(entry?.['value']);
      if (!name || value === undefined) return;
      const hit = secretInPair(name, value, `env ${name.slice(0, 128)}`);
      if (!hit) return;
      report(ctx, envSecretCheck, [...c.path, 'env', i, 'value'], `${describeContainer(c)}: ${hit.shown}${hit.reason === 'name' ? '' : ` [${hit.reason}]`}`, {
        title: `Secret in environment variable ${name.slice(0, 128)} of ${describeContainer(c)}`,
      });
    });
  for (const field of ['command', 'args'] as const) {
    asArray(c.data[field])
      .slice(0, MAX_ITEMS)
      .forEach((a, i) => {
        if (typeof a !== 'string') return;
        const flag = /^--?([A-Za-z][A-Za-z0-9_.-]{0,127})=(.+)$/s.exec(a);
        const hit = flag ? secretInPair(flag[1]!, flag[2]!, `${field}[${i}] --${flag[1]}`) : secretInText(a, `${field}[${i}]`);
        if (!hit) return;
        report(ctx, envSecretCheck, [...c.path, field, i], `${describeContainer(c)}: ${hit.shown}${hit.reason === 'name' ? '' : ` [${hit.reason}]`}`, {
          title: `Secret in the ${field} of ${describeContainer(c)}`,
        });
      });
  }
}

/** Capabilities that hand a container part of root on the node; the first three are as good as root. */
const CRITICAL_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE']);
export const DANGEROUS_CAPABILITIES: ReadonlySet<string> = new Set([
  ...CRITICAL_CAPS,
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'NET_ADMIN',
  'NET_RAW',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'SYSLOG',
  'LINUX_IMMUTABLE',
]);

const capName = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim().toUpperCase().replace(/^CAP_/, '') : undefined);

function capabilities(ctx: PodContext, c: ContainerView): void {
  const sc = securityContextOf(c);
  const caps = asObject(sc['capabilities']) ?? {};
  const added = asArray(caps['add']).slice(0, MAX_ITEMS);
  added.forEach((v, i) => {
    const cap = capName(v);
    if (!cap || !DANGEROUS_CAPABILITIES.has(cap)) return;
    report(ctx, dangerousCapabilityCheck, [...c.path, 'securityContext', 'capabilities', 'add', i], `${describeContainer(c)}: capabilities.add includes ${cap}`, {
      title: `Capability ${cap} added to ${describeContainer(c)}`,
      ...(CRITICAL_CAPS.has(cap) ? { severity: 'critical' as const } : {}),
    });
  });
  // A privileged container has every capability whatever the lists say (the PSS checks report it).
  if (sc['privileged'] === true) return;
  if (added.some((v) => capName(v) === 'NET_RAW' || capName(v) === 'ALL')) return;
  const dropped = asArray(caps['drop']).map(capName);
  if (dropped.includes('NET_RAW') || dropped.includes('ALL')) return;
  const path = caps['drop'] !== undefined ? [...c.path, 'securityContext', 'capabilities', 'drop'] : [...c.path, 'securityContext', 'capabilities'];
  report(ctx, netRawCheck, path, `${describeContainer(c)}: capabilities.drop includes neither NET_RAW nor ALL`);
}

function rootUid(ctx: PodContext, c: ContainerView): void {
  const own = securityContextOf(c)['runAsUser'];
  if (typeof own === 'number') {
    if (own === 0) report(ctx, rootUidCheck, [...c.path, 'securityContext', 'runAsUser'], `${describeContainer(c)}: securityContext.runAsUser is 0`);
    return;
  }
  if (ctx.podSecurityContext['runAsUser'] === 0) {
    report(ctx, rootUidCheck, [...ctx.pod.specPath, 'securityContext', 'runAsUser'], `${describeContainer(c)}: inherits runAsUser 0 from the pod securityContext`);
  }
}

function privilegeEscalation(ctx: PodContext, c: ContainerView): void {
  if (securityContextOf(c)['allowPrivilegeEscalation'] !== true) return;
  report(ctx, privilegeEscalationCheck, [...c.path, 'securityContext', 'allowPrivilegeEscalation'], `${describeContainer(c)}: securityContext.allowPrivilegeEscalation is true`);
}

function privilegedHostPid(ctx: PodContext, c: ContainerView): void {
  if (!ctx.hostPID || securityContextOf(c)['privileged'] !== true) return;
  const hostPidLine = ctx.obj.locate([...ctx.pod.specPath, 'hostPID']).startLine;
  report(
    ctx,
    privilegedHostPidCheck,
    [...c.path, 'securityContext', 'privileged'],
    `${describeContainer(c)}: privileged: true, and the pod sets hostPID: true (line ${hostPidLine})`,
  );
}

function hostPorts(ctx: PodContext, c: ContainerView): void {
  asArray(c.data['ports'])
    .slice(0, MAX_ITEMS)
    .forEach((p, i) => {
      const port = asObject(p);
      const hostPort = port?.['hostPort'];
      if (typeof hostPort !== 'number' || hostPort <= 0) return;
      report(ctx, hostNetworkPortCheck, [...c.path, 'ports', i, 'hostPort'], `${describeContainer(c)}: hostPort ${hostPort} on a pod with hostNetwork: true`);
    });
}
