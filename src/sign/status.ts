/**
 * An image's signature status for inventories (the server, the dashboard):
 * verified against configured keys, signed but invalid, unsigned, or signed
 * but not checked because no key was configured. Registry failures are not a
 * status: they throw (an unreachable registry is not "unsigned").
 */
import { discover } from './discover.js';
import { describeKey, type PublicKey } from './keys.js';
import type { ArtifactStore } from './store.js';
import { verifyImage } from './verify-image.js';

export type SignatureState = 'verified' | 'invalid' | 'unsigned' | 'unverified';

export interface SignatureStatus {
  state: SignatureState;
  /** Signature layers found (cosign .sig tag and referrers). */
  signatures: number;
  /** One sentence: what verified it, or why not. */
  reason: string;
  /** The keys it was checked against (descriptions, no key material). */
  keys: string[];
}

/** `true` verified, `false` unsigned or invalid, `null` not known (signatures present, no key to check them). */
export function signedFlag(state: SignatureState): boolean | null {
  return state === 'verified' ? true : state === 'unverified' ? null : false;
}

export async function signatureStatus(store: ArtifactStore, imageDigest: string, keys: readonly PublicKey[]): Promise<SignatureStatus> {
  const keyNames = keys.map(describeKey);
  if (keys.length === 0) {
    const d = await discover(store, imageDigest, 'signatures');
    const n = d.layers.filter((l) => l.kind === 'simple-signing' || l.kind === 'bundle').length + d.problems.length;
    if (n === 0) return { state: 'unsigned', signatures: 0, reason: `no signature (looked at ${d.searched.join(', ') || 'nothing'})`, keys: keyNames };
    return { state: 'unverified', signatures: n, reason: `${n} signature(s) found, not checked: no verification key is configured`, keys: keyNames };
  }
  const r = await verifyImage(store, imageDigest, keys);
  const n = r.signatures.length;
  if (r.verified) {
    const ok = r.signatures.find((s) => s.verified)!;
    return { state: 'verified', signatures: n, reason: `${ok.source}: ${ok.reason}`, keys: keyNames };
  }
  if (n === 0) return { state: 'unsigned', signatures: 0, reason: `no signature (looked at ${r.searched.join(', ') || 'nothing'})`, keys: keyNames };
  return { state: 'invalid', signatures: n, reason: r.signatures.map((s) => `${s.source}: ${s.reason}`).join('; '), keys: keyNames };
}
