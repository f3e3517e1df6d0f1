/**
 * `bulkhead image <registry ref> --attest sbom,vuln --attest-key KEY`: scan,
 * then push signed in-toto attestations of the result to the image (DSSE
 * envelopes at the `.att` tag, as `bulkhead attest` and cosign write them):
 * `sbom` is the CycloneDX inventory, `vuln` the reported vulnerabilities in
 * cosign's vuln predicate. An attestation of the same type from an earlier
 * run is replaced. The key is loaded before the scan, so a wrong password
 * fails fast.
 */
import path from 'node:path';
import { BulkheadError } from '../core/errors.js';
import type { ScanResult } from '../core/types.js';
import { repositoryStore, type RegistryOptions } from '../registry/index.js';
import { rendererFor } from '../report/registry.js';
import { attestImage, buildVulnPredicate, loadPrivateKey, resolveImage, resolveKeyPassword, type PrivateKey } from '../sign/index.js';
import { registryTarget } from '../server/targets.js';
import type { FlagValues } from './flags.js';
import { readKeyFile } from './keys.js';

export const ATTESTATION_KINDS = ['sbom', 'vuln'] as const;
export type AttestationKind = (typeof ATTESTATION_KINDS)[number];

export interface AttestPlan {
  kinds: AttestationKind[];
  key: PrivateKey;
  repository: string;
  reference: string;
}

/** What the scan step tells the attest step: how it reached the registry, which DB matched. */
export interface AttestContext {
  registry?: RegistryOptions;
  db?: { uri: string; version: string };
}

/** Checks the flags and loads the key; undefined when --attest is not given. */
export async function planAttestation(target: string, flags: FlagValues, cwd: string, env: NodeJS.ProcessEnv): Promise<AttestPlan | undefined> {
  const wanted = flags.attest as string[] | undefined;
  if (!wanted?.length) {
    if (typeof flags['attest-key'] === 'string') throw new BulkheadError('USAGE', '--attest-key without --attest', { hint: 'add --attest sbom,vuln' });
    return undefined;
  }
  const kinds: AttestationKind[] = [];
  for (const k of wanted) {
    if (!(ATTESTATION_KINDS as readonly string[]).includes(k)) throw new BulkheadError('USAGE', `--attest ${k} is not one of ${ATTESTATION_KINDS.join(', ')}`, { where: '--attest' });
    if (!kinds.includes(k as AttestationKind)) kinds.push(k as AttestationKind);
  }
  const ref = registryTarget(target);
  if (!ref) {
    throw new BulkheadError('USAGE', `--attest needs a registry image; ${target} is not a registry reference`, {
      where: target,
      hint: 'push the image first, then scan it by its registry reference',
    });
  }
  const keyFile = flags['attest-key'];
  if (typeof keyFile !== 'string') throw new BulkheadError('USAGE', '--attest needs --attest-key <private key>', { hint: 'bulkhead key generate writes one' });
  const key = await loadPrivateKey(readKeyFile(path.resolve(cwd, keyFile), 'private key'), resolveKeyPassword(undefined, env), { where: keyFile });
  return { kinds, key, repository: ref.repository, reference: ref.digest ?? ref.tag ?? 'latest' };
}

/** Pushes the planned attestations of `result`; returns one line per attestation. */
export async function pushAttestations(plan: AttestPlan, result: ScanResult, ctx: AttestContext): Promise<string[]> {
  const store = repositoryStore(plan.repository, ctx.registry ?? {});
  // The subject is what the reference names now (an index for multi-platform images), as `bulkhead attest` and cosign do.
  const digest = (await resolveImage(store, plan.reference)).digest;
  const lines: string[] = [];
  for (const kind of plan.kinds) {
    if (kind === 'sbom') {
      const sbom = rendererFor('cyclonedx').render(result, { color: false });
      const r = await attestImage(store, digest, sbom, 'cyclonedx', plan.key, { replace: true });
      lines.push(`attested ${plan.repository}@${digest}: CycloneDX SBOM (${result.packages.length} packages) at ${r.reference}`);
    } else {
      const started = Date.parse(result.createdAt);
      const times = { startedOn: result.createdAt, finishedOn: new Date(started + result.stats.durationMs).toISOString() };
      const predicate = buildVulnPredicate(result, times, ctx.db);
      const n = result.findings.filter((f) => f.kind === 'vulnerability' && !f.suppressedBy).length;
      const r = await attestImage(store, digest, predicate, 'vuln', plan.key, { replace: true });
      lines.push(`attested ${plan.repository}@${digest}: vulnerabilities (${n}) at ${r.reference}`);
    }
  }
  return lines;
}
