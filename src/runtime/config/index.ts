/**
 * Runtime least-privilege checks (BH-RTC-…) over how containers are run:
 * `docker inspect` JSON, OCI runtime config.json, Kubernetes pod specs.
 * `checkRuntimeConfig(text, file)` detects the format of each document.
 */
import { BulkheadError } from '../../core/errors.js';
import type { Finding } from '../../core/types.js';
import { dockerFacts, isDockerInspect } from './docker.js';
import { findingsFor } from './evaluate.js';
import type { ContainerFacts } from './facts.js';
import { isKubernetes, kubernetesFacts } from './kubernetes.js';
import { isOciConfig, ociFacts } from './oci.js';
import { SourceText } from './source.js';

export { runtimeConfigChecks } from './checks.js';
export type { ContainerFacts } from './facts.js';

export type RuntimeConfigFormat = ContainerFacts['format'];

export function detectRuntimeConfigFormat(value: unknown): RuntimeConfigFormat | undefined {
  if (isDockerInspect(value)) return 'docker-inspect';
  if (isOciConfig(value)) return 'oci-config';
  if (isKubernetes(value)) return 'kubernetes';
  return undefined;
}

/** Facts per container of every document, for callers that want the model rather than findings. */
export function runtimeConfigFacts(text: string, file: string): { facts: ContainerFacts[]; source: SourceText } {
  const source = SourceText.parse(text, file);
  if (source.values.length === 0) {
    throw new BulkheadError('CONFIG_INVALID', `${file} is empty`, { where: file, hint: 'pass `docker inspect` output, an OCI config.json or a Kubernetes pod spec' });
  }
  const facts: ContainerFacts[] = [];
  source.values.forEach((value, doc) => {
    const format = detectRuntimeConfigFormat(value);
    const where = source.values.length > 1 ? `${file} (document ${doc + 1})` : file;
    if (!format) {
      throw new BulkheadError('CONFIG_INVALID', `${where} is not a container configuration Bulkhead knows`, {
        where: `${file}:${source.lineRange(doc, [])?.startLine ?? 1}`,
        hint: 'pass `docker inspect` output (HostConfig…), an OCI runtime config.json (ociVersion, process, root) or a Kubernetes Pod, workload or PodSpec',
      });
    }
    const found = format === 'docker-inspect' ? dockerFacts(value, doc) : format === 'oci-config' ? ociFacts(value, doc) : kubernetesFacts(value, doc);
    if (found.length === 0 && format === 'kubernetes') {
      const kind = (value as { kind?: unknown }).kind;
      throw new BulkheadError('CONFIG_INVALID', `${where}: ${typeof kind === 'string' ? `kind ${kind}` : 'the document'} holds no pod spec`, {
        where: `${file}:${source.lineRange(doc, [])?.startLine ?? 1}`,
        hint: 'pass a Pod, a workload with a pod template (Deployment, StatefulSet, DaemonSet, Job, CronJob…) or a PodSpec',
      });
    }
    facts.push(...found);
  });
  return { facts, source };
}

/** Findings for every container in `text` (the file name is used in locations and errors). */
export function checkRuntimeConfig(text: string, file: string): Finding[] {
  const { facts, source } = runtimeConfigFacts(text, file);
  return findingsFor(facts, source);
}
