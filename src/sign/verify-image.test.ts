import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPublicKey } from './keys.js';
import { Annotations, MediaTypes, parseImageManifest } from './oci.js';
import { resolveImage } from './reference.js';
import { verifyRekorBundle } from './rekor.js';
import { dirImageManifest, readDirSignature, storeWithSignatures, type DirSignature } from './testing/dir-signatures.js';
import { fixtureBytes, fixtureJson, fixturePath, fixtureText } from './testing/fixtures.js';
import { MemoryArtifactStore } from './testing/memory-store.js';
import { BulkheadError } from '../core/errors.js';
import { assertImageVerified, verifyImage, type IdentityRequirement } from './verify-image.js';

interface Case {
  name: string;
  image?: string;
  imageReference?: string;
  signature?: string;
  signatures?: string[];
  payloadFrom?: string;
  signatureBase64?: string | null;
  keys: string[];
  rekorKeys?: string[];
  identity?: 'matchRepository' | 'matchExact';
  expect: string;
}

const expected = fixtureJson<{ cases: Case[]; payloadLevelVectors: { cases: { payloadUtf8: string; signatureBase64: string }[]; base64Rejections: string[] } }>('containers-image', 'expected.json');
const key = (name: string) => loadPublicKey(fixtureText('containers-image', name), { where: name });
const sigPath = (p: string) => ['containers-image', ...p.split('/')];
const rekorSignature = () => readDirSignature(...sigPath('dir-img-cosign-key-rekor-valid/signature-1'));

/** Cases whose signature is a described modification of a fixture file. */
function signaturesFor(c: Case): DirSignature[] {
  switch (c.name) {
    case 'key-plus-rekor-missing-set': {
      const s = rekorSignature();
      delete s.annotations[Annotations.rekorBundle];
      return [s];
    }
    case 'key-plus-rekor-garbage-set': {
      const s = rekorSignature();
      s.annotations[Annotations.rekorBundle] = 'this is not a valid SET';
      return [s];
    }
    case 'key-plus-rekor-signature-by-other-accepted-key': {
      const s = readDirSignature(...sigPath('dir-img-cosign-valid/signature-1'));
      s.annotations[Annotations.rekorBundle] = rekorSignature().annotations[Annotations.rekorBundle]!;
      return [s];
    }
    case 'invalid-signature-bytes':
    case 'missing-signature-annotation': {
      const s = readDirSignature(...sigPath(c.payloadFrom!));
      if (c.signatureBase64 === null) delete s.annotations[Annotations.signature];
      else s.annotations[Annotations.signature] = c.signatureBase64!;
      return [s];
    }
  }
  return (c.signatures ?? [c.signature!]).map((p) => readDirSignature(...sigPath(p)));
}

function imageDirFor(c: Case): string {
  if (c.image) return c.image;
  return c.payloadFrom!.split('/')[0]!;
}

describe('containers/image cosign fixtures (expected.json), through the store layout', () => {
  for (const c of expected.cases) {
    const accept = c.expect.startsWith('accept');
    it(`${c.name}: ${accept ? 'accepted' : 'rejected'}`, async () => {
      const manifest = dirImageManifest(imageDirFor(c));
      if (!manifest) {
        // No image manifest: the digest to verify cannot even be resolved.
        const { store } = await storeWithSignatures(undefined, signaturesFor(c), 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00');
        await expect(resolveImage(store, 'latest')).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
        expect(accept).toBe(false);
        return;
      }
      const { store, digest } = await storeWithSignatures(manifest, signaturesFor(c));
      const identity: IdentityRequirement | undefined = c.identity && c.imageReference ? { mode: c.identity, reference: c.imageReference } : undefined;
      const result = await verifyImage(store, digest, c.keys.map(key), {
        ...(identity ? { identity } : {}),
        ...(c.rekorKeys ? { rekorKeys: c.rekorKeys.map(key) } : {}),
      });
      expect(result.verified, result.summary).toBe(accept);
      expect(result.signatures.length).toBe((c.signatures ?? [1]).length);
      for (const s of result.signatures) if (!s.verified) expect(s.failure).toBeDefined();
    });
  }

  it('gives the precise failure for each kind of rejection', async () => {
    const failureOf = async (name: string) => {
      const c = expected.cases.find((x) => x.name === name)!;
      const { store, digest } = await storeWithSignatures(dirImageManifest(imageDirFor(c))!, signaturesFor(c));
      const identity: IdentityRequirement | undefined = c.identity && c.imageReference ? { mode: c.identity, reference: c.imageReference } : undefined;
      const r = await verifyImage(store, digest, c.keys.map(key), { ...(identity ? { identity } : {}), ...(c.rekorKeys ? { rekorKeys: c.rekorKeys.map(key) } : {}) });
      return r.signatures.map((s) => s.failure);
    };
    expect(await failureOf('modified-manifest')).toEqual(['DIGEST_MISMATCH']);
    expect(await failureOf('manifest-digest-error')).toEqual(['DIGEST_MISMATCH']);
    expect(await failureOf('wrong-key')).toEqual(['SIGNATURE_INVALID']);
    expect(await failureOf('valid-with-tag-wrong-tag')).toEqual(['IDENTITY_MISMATCH']);
    expect(await failureOf('other-attachment')).toEqual(['NOT_A_SIGNATURE']);
    expect(await failureOf('invalid-signature-bytes')).toEqual(['SIGNATURE_INVALID']);
    expect(await failureOf('missing-signature-annotation')).toEqual(['MISSING_SIGNATURE']);
    expect(await failureOf('key-plus-rekor-missing-set')).toEqual(['TLOG_MISSING']);
    expect(await failureOf('key-plus-rekor-garbage-set')).toEqual(['TLOG_INVALID']);
    expect(await failureOf('key-plus-rekor-wrong-rekor-key')).toEqual(['TLOG_INVALID']);
    expect(await failureOf('key-plus-rekor-signature-by-other-accepted-key')).toEqual(['TLOG_INVALID']);
    expect(await failureOf('mixed-unknown-then-valid')).toEqual(['SIGNATURE_INVALID', undefined]);
  });

  it('names the other signer when the layer carries its key (Rekor entry): UNTRUSTED_KEY', async () => {
    const { store, digest } = await storeWithSignatures(dirImageManifest('dir-img-cosign-key-rekor-valid')!, [rekorSignature()]);
    const r = await verifyImage(store, digest, [key('cosign.pub')]);
    expect(r.signatures[0]).toMatchObject({ verified: false, failure: 'UNTRUSTED_KEY' });
    expect(r.signatures[0]!.reason).toMatch(/signed by another key: ECDSA P-256 key/);
  });

  it('payload-level vectors: valid signatures over non-payloads are PAYLOAD_INVALID', async () => {
    for (const v of expected.payloadLevelVectors.cases) {
      const s: DirSignature = { mimeType: MediaTypes.simpleSigning, payload: Buffer.from(v.payloadUtf8), annotations: { [Annotations.signature]: v.signatureBase64 } };
      const { store, digest } = await storeWithSignatures(dirImageManifest('dir-img-cosign-valid')!, [s]);
      const r = await verifyImage(store, digest, [key('cosign.pub')]);
      expect(r.signatures[0]).toMatchObject({ verified: false, failure: 'PAYLOAD_INVALID' });
    }
  });

  it('base64 rejections: junk, extra padding, truncation', async () => {
    const valid = readDirSignature(...sigPath('dir-img-cosign-valid/signature-1'));
    const good = valid.annotations[Annotations.signature]!;
    for (const text of ['&', `${good}=`, good.slice(0, -1)]) {
      const s = { ...valid, annotations: { [Annotations.signature]: text } };
      const { store, digest } = await storeWithSignatures(dirImageManifest('dir-img-cosign-valid')!, [s]);
      const r = await verifyImage(store, digest, [key('cosign.pub')]);
      expect(r.signatures[0]).toMatchObject({ verified: false, failure: 'MALFORMED_SIGNATURE' });
    }
  });

  it('annotation constraints (-a) must match optional exactly', async () => {
    const { store, digest } = await storeWithSignatures(dirImageManifest('dir-img-cosign-valid-with-tag')!, [readDirSignature(...sigPath('dir-img-cosign-valid-with-tag/signature-1'))]);
    expect((await verifyImage(store, digest, [key('cosign.pub')], { annotations: { creator: 'containers/image 5.21.2-dev' } })).verified).toBe(true);
    const wrong = await verifyImage(store, digest, [key('cosign.pub')], { annotations: { creator: 'someone' } });
    expect(wrong.signatures[0]).toMatchObject({ failure: 'ANNOTATION_MISMATCH' });
    const numeric = await verifyImage(store, digest, [key('cosign.pub')], { annotations: { timestamp: '1657296609' } });
    expect(numeric.signatures[0]!.reason).toMatch(/timestamp is 1657296609, not "1657296609"/);
  });
});

describe('manifests/constructed and harbor manifests', () => {
  async function loadConstructed(name: string): Promise<{ store: MemoryArtifactStore; subject: string }> {
    const store = new MemoryArtifactStore();
    for (const f of readdirSync(fixturePath('manifests', 'constructed', name, 'blobs', 'sha256'))) {
      await store.putBlob(fixtureBytes('manifests', 'constructed', name, 'blobs', 'sha256', f));
    }
    const tag = fixtureText('manifests', 'constructed', name, 'tag.txt').trim();
    await store.putManifest(tag, fixtureBytes('manifests', 'constructed', name, 'manifest.json'), MediaTypes.ociManifest);
    return { store, subject: tag.replace(/^sha256-/, 'sha256:').replace(/\.(sig|att)$/, '') };
  }

  it('sig-one-layer verifies with cosign.pub; a different digest finds nothing and says where it looked', async () => {
    const { store, subject } = await loadConstructed('sig-one-layer');
    const r = await verifyImage(store, subject, [key('cosign.pub')]);
    expect(r.verified, r.summary).toBe(true);
    const none = await verifyImage(store, `sha256:${'0'.repeat(64)}`, [key('cosign.pub')]);
    expect(none.verified).toBe(false);
    expect(none.signatures).toEqual([]);
    expect(none.summary).toMatch(/no signature found .* looked at tag 127\.0\.0\.1:5000\/app:sha256-0{64}\.sig and referrers of sha256:0000/);
  });

  it('sig-two-layers: both signatures verify', async () => {
    const { store, subject } = await loadConstructed('sig-two-layers');
    const r = await verifyImage(store, subject, [key('cosign2.pub'), key('cosign.pub')]);
    expect(r.signatures.map((s) => s.verified)).toEqual([true, true]);
  });

  it('a blob missing from the registry is BLOB_UNAVAILABLE, a tampered blob BLOB_MISMATCH', async () => {
    const { store, subject } = await loadConstructed('sig-one-layer');
    const layer = parseImageManifest(fixtureBytes('manifests', 'constructed', 'sig-one-layer', 'manifest.json'));
    const digest = layer.ok ? layer.value.layers[0]!.digest : '';
    const payload = store.blobs.get(digest)!;
    store.blobs.set(digest, Buffer.from(payload.toString('utf8').replace('634a', '634b')));
    expect((await verifyImage(store, subject, [key('cosign.pub')])).signatures[0]).toMatchObject({ failure: 'BLOB_MISMATCH' });
    store.blobs.delete(digest);
    expect((await verifyImage(store, subject, [key('cosign.pub')])).signatures[0]).toMatchObject({ failure: 'BLOB_UNAVAILABLE' });
  });

  it('harbor referrer manifest is found through referrers; its Rekor SET verifies with rekor.pub', async () => {
    const store = new MemoryArtifactStore();
    const bytes = fixtureBytes('manifests', 'harbor-cosign-oci11-referrer-sig-manifest.json');
    await store.putManifest(`sha256:${(await import('node:crypto')).createHash('sha256').update(bytes).digest('hex')}`, bytes, MediaTypes.ociManifest);
    const m = parseImageManifest(bytes);
    if (!m.ok) throw new Error(m.reason);
    const subject = m.value.subject!.digest;
    const signer = loadPublicKey(fixtureText('manifests', 'harbor-cosign-oci11-referrer-signer.from-rekor-entry.pub'));
    const r = await verifyImage(store, subject, [signer]);
    // The payload blob is not part of the fixture: found as a referrer, then precisely unavailable.
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]!.source).toMatch(/^referrer sha256:/);
    expect(r.signatures[0]!.failure).toBe('BLOB_UNAVAILABLE');
    const layer = m.value.layers[0]!;
    const rekor = verifyRekorBundle(layer.annotations![Annotations.rekorBundle]!, [key('rekor.pub')], layer.digest.slice(7), layer.annotations![Annotations.signature]!, signer);
    expect(rekor.ok).toBe(true);
    const wrong = verifyRekorBundle(layer.annotations![Annotations.rekorBundle]!, [key('rekor.pub')], layer.digest.slice(7), layer.annotations![Annotations.signature]!, key('cosign.pub'));
    expect(wrong).toMatchObject({ ok: false, reason: expect.stringMatching(/another signing key/) });
  });

  it('a malformed .sig manifest is reported, not skipped', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(Buffer.from('{"schemaVersion":2}'));
    await store.putManifest(`${digest.replace(':', '-')}.sig`, Buffer.from('{"schemaVersion":2,"layers":"x"}'), MediaTypes.ociManifest);
    const r = await verifyImage(store, digest, [key('cosign.pub')]);
    expect(r.signatures[0]).toMatchObject({ verified: false, failure: 'UNREADABLE', source: expect.stringMatching(/\.sig$/) });
  });

  it('harbor tag-based .sig manifest (cosign 1.x, no top-level mediaType) is read; its missing payload is reported', async () => {
    const store = new MemoryArtifactStore();
    // The fixture only names its subject as sha256-1b26826f…; any digest serves to test the layout.
    const subject = `sha256:${'1b'.repeat(32)}`;
    await store.putManifest(`${subject.replace(':', '-')}.sig`, fixtureBytes('manifests', 'harbor-cosign-tag-sig-manifest.json'), MediaTypes.ociManifest);
    const r = await verifyImage(store, subject, [key('cosign.pub')]);
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]).toMatchObject({ verified: false, failure: 'BLOB_UNAVAILABLE' });
  });
});

describe('notation OCI layout (not a cosign format)', () => {
  it('a Notation signature referrer is listed as ignored, and the image counts as unsigned', async () => {
    const store = new MemoryArtifactStore();
    const root = ['notation', 'e2e-valid-signature'];
    const index = fixtureJson<{ manifests: { mediaType: string; digest: string; annotations?: Record<string, string> }[] }>(...root, 'index.json');
    for (const m of index.manifests) {
      const bytes = fixtureBytes(...root, 'blobs', 'sha256', m.digest.slice(7));
      await store.putManifest(m.annotations?.['org.opencontainers.image.ref.name'] ?? m.digest, bytes, m.mediaType);
    }
    const image = (await store.getManifest('v1'))!.digest;
    const r = await verifyImage(store, image, [key('cosign.pub')]);
    expect(r.verified).toBe(false);
    expect(r.signatures).toEqual([]);
    expect(r.ignored).toEqual([expect.objectContaining({ reason: expect.stringMatching(/Notation signature/) })]);
    expect(r.summary).toMatch(/ignored: referrer sha256:90ceaff260d6… \(a Notation signature/);
  });
});

describe('failures that are not about a signature', () => {
  it('a registry without referrers support is noted in where we looked; an outage propagates', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(Buffer.from('{}'));
    store.referrers = async () => {
      throw new BulkheadError('REGISTRY_UNSUPPORTED', 'no referrers API', { hint: 'x' });
    };
    const r = await verifyImage(store, digest, [key('cosign.pub')]);
    expect(r.searched[1]).toMatch(/unavailable: no referrers API/);
    store.referrers = async () => {
      throw new BulkheadError('REGISTRY_RATE_LIMITED', '429', { hint: 'wait' });
    };
    await expect(verifyImage(store, digest, [key('cosign.pub')])).rejects.toMatchObject({ code: 'REGISTRY_RATE_LIMITED' });
  });

  it('assertImageVerified: VERIFICATION_FAILED, exit 1, with the summary', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(Buffer.from('{}'));
    const r = await verifyImage(store, digest, [key('cosign.pub')]);
    try {
      assertImageVerified(r, `${store.repository}@${digest}`);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toMatchObject({ code: 'VERIFICATION_FAILED', exitCode: 1, message: expect.stringMatching(/^no signature found/) });
    }
    await expect(verifyImage(store, digest, [])).rejects.toMatchObject({ code: 'USAGE' });
  });
});
