/** Test helpers: build real K8sObjects (through the loader) from plain pod specs. */
import { objectsOfText } from '../../input/load.js';
import type { K8sObject } from '../../input/object.js';
import { podOf, type PodView } from '../../input/pod.js';
import { evaluatePod } from '../evaluate.js';
import type { PssCheckId, PssCheckResult } from '../types.js';
import type { PssLevel, PssVersion } from '../version.js';

export interface PodOptions {
  kind?: string;
  annotations?: Record<string, string>;
  namespace?: string;
  name?: string;
}

export function objectOf(spec: unknown, opts: PodOptions = {}): K8sObject {
  const metadata: Record<string, unknown> = { name: opts.name ?? 'p' };
  if (opts.namespace) metadata['namespace'] = opts.namespace;
  if (opts.annotations) metadata['annotations'] = opts.annotations;
  const doc = { apiVersion: 'v1', kind: opts.kind ?? 'Pod', metadata, spec };
  const [o] = [...objectsOfText(JSON.stringify(doc), 'case.json')];
  return o!;
}

export function podOfSpec(spec: unknown, opts: PodOptions = {}): PodView {
  return podOf(objectOf(spec, opts))!;
}

/** One container named `app` with the given extra fields. */
export const app = (extra: Record<string, unknown> = {}) => ({ name: 'app', image: 'registry.example/app:1.0', ...extra });

/** A pod that passes restricted at every version: the base most restricted tests perturb. */
export const restrictedPod = (containerExtra: Record<string, unknown> = {}, specExtra: Record<string, unknown> = {}) => ({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [app({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, ...containerExtra })],
  ...specExtra,
});

/** The result of one check, or `undefined` when that check did not run. */
export function resultOf(spec: unknown, level: PssLevel, version: PssVersion, id: PssCheckId, opts: PodOptions = {}): PssCheckResult | undefined {
  return evaluatePod(podOfSpec(spec, opts), level, version).find((r) => r.checkId === id);
}

/** `allowed`, `forbidden`, or `not-run` for one check. */
export function verdictOf(spec: unknown, level: PssLevel, version: PssVersion, id: PssCheckId, opts: PodOptions = {}): 'allowed' | 'forbidden' | 'not-run' {
  const r = resultOf(spec, level, version, id, opts);
  return !r ? 'not-run' : r.allowed ? 'allowed' : 'forbidden';
}
