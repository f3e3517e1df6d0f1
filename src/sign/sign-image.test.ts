import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from './encoding.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey, type GeneratedKeyPair } from './keys.js';
import { Annotations, cosignConfig, MediaTypes, parseImageManifest, serializeManifest } from './oci.js';
import { buildPayload } from './payload.js';
import { signImage } from './sign-image.js';
import { fixtureBytes, fixtureJson, fixtureText } from './testing/fixtures.js';
import { MemoryArtifactStore } from './testing/memory-store.js';
import { verifyImage } from './verify-image.js';

const IMAGE = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}');

let alice: GeneratedKeyPair;
let bob: GeneratedKeyPair;
beforeAll(async () => {
  [alice, bob] = await Promise.all([generateKeyPair('a', { scrypt: { N: 32768, r: 8, p: 1 } }), generateKeyPair('b', { scrypt: { N: 32768, r: 8, p: 1 } })]);
}, 20_000);

describe('what cosign stores, byte for byte', () => {
  it('the payload equals the bytes cosign signed in dir-img-cosign-valid', () => {
    const sig = fixtureBytes('containers-image', 'dir-img-cosign-valid', 'signature-1').subarray(15);
    const expected = Buffer.from((JSON.parse(sig.toString('utf8')) as { payload: string }).payload, 'base64');
    expect(buildPayload('sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00', '192.168.64.2:5000/cosign-signed-single-sample').equals(expected)).toBe(true);
  });

  it('annotations go under optional, sorted, with Go escaping', () => {
    const p = buildPayload(`sha256:${'a'.repeat(64)}`, 'r/x', { z: '1', a: '<&>' }).toString('utf8');
    expect(p).toBe(`{"critical":{"identity":{"docker-reference":"r/x"},"image":{"docker-manifest-digest":"sha256:${'a'.repeat(64)}"},"type":"cosign container image signature"},"optional":{"a":"\\u003c\\u0026\\u003e","z":"1"}}`);
  });

  it('config and manifest serialization reproduce the constructed one- and two-layer fixtures exactly', () => {
    for (const name of ['sig-one-layer', 'sig-two-layers']) {
      const bytes = fixtureBytes('manifests', 'constructed', name, 'manifest.json');
      const m = parseImageManifest(bytes);
      if (!m.ok) throw new Error(m.reason);
      const config = cosignConfig(m.value.layers.map((l) => l.digest));
      expect(sha256Digest(config)).toBe(m.value.config.digest);
      expect(config.length).toBe(m.value.config.size);
      expect(serializeManifest({ config: m.value.config, layers: m.value.layers }).equals(bytes)).toBe(true);
    }
  });

  it('the reconstructed harbor config blob hashes to the harbor manifest config digest', () => {
    const m = fixtureJson<{ config: { digest: string }; layers: { digest: string }[] }>('manifests', 'harbor-cosign-tag-sig-manifest.json');
    expect(sha256Digest(cosignConfig(m.layers.map((l) => l.digest)))).toBe(m.config.digest);
  });
});

describe('signImage', () => {
  it('tag layout: writes sha256-<hex>.sig with one simple-signing layer that verifies', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(IMAGE);
    const out = await signImage(store, digest, store.repository, alice.privateKey, { annotations: { env: 'prod' } });
    expect(out.reference).toBe(`${digest.replace(':', '-')}.sig`);
    expect(out.alreadySigned).toBe(false);
    const stored = await store.getManifest(out.reference);
    const m = parseImageManifest(stored!.bytes);
    if (!m.ok) throw new Error(m.reason);
    expect(m.value.mediaType).toBe(MediaTypes.ociManifest);
    expect(m.value.config.mediaType).toBe(MediaTypes.ociConfig);
    expect(m.value.layers).toHaveLength(1);
    expect(m.value.layers[0]).toMatchObject({ mediaType: MediaTypes.simpleSigning, digest: sha256Digest(out.payload), annotations: { [Annotations.signature]: out.signature } });
    // DER ECDSA, base64 — not raw r||s.
    expect(Buffer.from(out.signature, 'base64')[0]).toBe(0x30);
    const r = await verifyImage(store, digest, [loadPublicKey(alice.publicKeyPem)], { annotations: { env: 'prod' } });
    expect(r.verified, r.summary).toBe(true);
    expect((await verifyImage(store, digest, [loadPublicKey(bob.publicKeyPem)])).signatures[0]?.failure).toBe('SIGNATURE_INVALID');
  });

  it('appends a second signer as a new layer (config rewritten), and skips an identical re-sign', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(IMAGE);
    await signImage(store, digest, store.repository, alice.privateKey);
    await signImage(store, digest, store.repository, bob.privateKey);
    const again = await signImage(store, digest, store.repository, alice.privateKey);
    expect(again.alreadySigned).toBe(true);
    const m = parseImageManifest((await store.getManifest(`${digest.replace(':', '-')}.sig`))!.bytes);
    if (!m.ok) throw new Error(m.reason);
    expect(m.value.layers).toHaveLength(2);
    expect(m.value.config.size).toBe(342);
    const r = await verifyImage(store, digest, [loadPublicKey(bob.publicKeyPem)]);
    expect(r.signatures.map((s) => s.verified)).toEqual([false, true]);
    // Different annotations = a different payload = a new layer.
    await signImage(store, digest, store.repository, alice.privateKey, { annotations: { build: '7' } });
    const m3 = parseImageManifest((await store.getManifest(`${digest.replace(':', '-')}.sig`))!.bytes);
    expect(m3.ok && m3.value.layers.length).toBe(3);
  });

  it('referrer layout: a manifest with subject and the cosign sig artifact type, found by verifyImage', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(IMAGE);
    const out = await signImage(store, digest, store.repository, alice.privateKey, { mode: 'referrer' });
    expect(out.reference).toBe(out.manifestDigest);
    const m = parseImageManifest((await store.getManifest(out.manifestDigest))!.bytes);
    if (!m.ok) throw new Error(m.reason);
    expect(m.value.artifactType).toBe(MediaTypes.cosignSigArtifact);
    expect(m.value.config.mediaType).toBe(MediaTypes.cosignSigArtifact);
    expect(m.value.subject).toEqual({ mediaType: MediaTypes.ociManifest, size: IMAGE.length, digest });
    expect(store.tags.has(`${digest.replace(':', '-')}.sig`)).toBe(false);
    const r = await verifyImage(store, digest, [loadPublicKey(alice.publicKeyPem)]);
    expect(r.verified).toBe(true);
    expect(r.signatures[0]!.source).toMatch(/^referrer /);
  });

  it('signs with a cosign fixture key and the signature verifies with its derived public key', async () => {
    const key = await loadPrivateKey(fixtureText('keys', 'sigstore-rs', 'ecdsa_encrypted_private.key'), '123');
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(IMAGE);
    await signImage(store, digest, 'example.com/app', key);
    const r = await verifyImage(store, digest, [loadPublicKey(fixtureText('keys', 'sigstore-rs', 'ecdsa_encrypted_private.derived.pub'))], { identity: { mode: 'matchRepository', reference: 'example.com/app:1.0' } });
    expect(r.verified, r.summary).toBe(true);
  }, 20_000);

  it('refuses to sign a digest the store does not have, or on top of an unreadable .sig manifest', async () => {
    const store = new MemoryArtifactStore();
    await expect(signImage(store, `sha256:${'1'.repeat(64)}`, store.repository, alice.privateKey)).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    const digest = await store.addImage(IMAGE);
    await store.putManifest(`${digest.replace(':', '-')}.sig`, Buffer.from('not json'), MediaTypes.ociManifest);
    await expect(signImage(store, digest, store.repository, alice.privateKey)).rejects.toMatchObject({ code: 'MANIFEST_INVALID', where: expect.stringContaining('.sig') });
  });
});
