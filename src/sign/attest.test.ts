import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attestImage, verifyAttestationEnvelope, verifyAttestations } from './attest.js';
import { pae, parseEnvelope } from './dsse.js';
import { sha256Digest } from './encoding.js';
import { generateKeyPair, loadPublicKey, type GeneratedKeyPair } from './keys.js';
import { Annotations, MediaTypes, parseImageManifest } from './oci.js';
import { buildPredicate, PredicateTypes, predicateTypeFor } from './predicates.js';
import { buildStatement, parseStatement } from './statement.js';
import { fixtureBytes, fixtureJson, fixturePath, fixtureText } from './testing/fixtures.js';
import { MemoryArtifactStore } from './testing/memory-store.js';

const DSSE = 'cosign-dsse-blob-attestation';
const cosignPub = loadPublicKey(fixtureText(DSSE, 'cosign.pub'));
const blob = sha256Digest(fixtureBytes(DSSE, 'blob'));
const otherBlob = sha256Digest(fixtureBytes(DSSE, 'other-blob'));

describe('statement generation matches cosign (statement-generation-cases.json)', () => {
  const gen = fixtureJson<{ subject: { name: string; digest: { sha256: string } }; fixedTime: string; cases: { name: string; cosignType: string; predicateInput: string; expectedStatement: unknown }[] }>('cosign-attestation', 'statement-generation-cases.json');
  for (const c of gen.cases) {
    it(c.name, () => {
      const predicateType = predicateTypeFor(c.cosignType);
      const bytes = buildStatement({ name: gen.subject.name, digest: `sha256:${gen.subject.digest.sha256}`, predicateType, predicate: buildPredicate(c.cosignType, c.predicateInput, new Date(gen.fixedTime)) });
      expect(JSON.parse(bytes.toString('utf8'))).toEqual(c.expectedStatement);
    });
  }

  it('v0.1 field order is cosign legacy (_type, predicateType, subject, predicate); v1 is protobuf order', () => {
    const v01 = buildStatement({ name: 'r', digest: `sha256:${'a'.repeat(64)}`, predicateType: 'https://x/y', predicate: {} }).toString();
    expect(Object.keys(JSON.parse(v01) as object)).toEqual(['_type', 'predicateType', 'subject', 'predicate']);
    const v1 = buildStatement({ name: 'r', digest: `sha256:${'a'.repeat(64)}`, predicateType: 'https://x/y', predicate: {}, version: 'v1' }).toString();
    expect(JSON.parse(v1)).toMatchObject({ _type: 'https://in-toto.io/Statement/v1' });
    expect(Object.keys(JSON.parse(v1) as object)).toEqual(['_type', 'subject', 'predicateType', 'predicate']);
  });

  it('rejects unknown short names and non-JSON predicates where cosign would', () => {
    expect(() => predicateTypeFor('notreallyslsaprovenance')).toThrow(/unknown attestation type/);
    expect(() => buildPredicate('cyclonedx', 'not json')).toThrow(/not JSON/);
    expect(() => buildPredicate('vuln', '{"scanner":{"uri":5}}')).toThrow(/predicate.scanner.uri must be a string/);
  });
});

describe('cosign-dsse-blob-attestation fixtures', () => {
  const env = (f: string) => fixtureBytes(DSSE, f);
  const slsa = predicateTypeFor('slsaprovenance');
  const table: [string, string, string | undefined, boolean, string?][] = [
    ['slsa-provenance-v0.2.dsse.json', blob, slsa, true],
    ['slsa-provenance-v0.2.dsse.json', blob, undefined, true],
    ['slsa-provenance-v0.2.dsse.json', blob, predicateTypeFor('custom'), false, 'TYPE_MISMATCH'],
    ['slsa-provenance-v0.2.dsse.json', otherBlob, slsa, false, 'DIGEST_MISMATCH'],
    ['empty-subject.dsse.json', blob, slsa, false, 'PAYLOAD_INVALID'],
    ['missing-sha256.dsse.json', blob, slsa, false, 'DIGEST_MISMATCH'],
    ['multiple-subjects.dsse.json', blob, slsa, true],
    ['multiple-subjects-invalid.dsse.json', blob, slsa, false, 'DIGEST_MISMATCH'],
  ];
  for (const [file, digest, type, ok, failure] of table) {
    it(`${file} for ${digest === blob ? 'blob' : 'other-blob'} type ${type ?? 'any'}: ${ok ? 'OK' : failure}`, () => {
      const out = verifyAttestationEnvelope(env(file), [cosignPub], digest, type);
      expect(out.ok, out.ok ? '' : out.reason).toBe(ok);
      if (!out.ok) expect(out.failure).toBe(failure);
    });
  }

  it('PAE is what the spec says for the 295-byte statement', () => {
    const parsed = parseEnvelope(env('slsa-provenance-v0.2.dsse.json'));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.envelope.payload.length).toBe(295);
    expect(pae(parsed.envelope.payloadType, parsed.envelope.payload).toString().startsWith('DSSEv1 28 application/vnd.in-toto+json 295 {"_type":')).toBe(true);
  });

  it('a signature replaced by base64("something\\n") fails, and so does any other key', () => {
    const doc = JSON.parse(env('slsa-provenance-v0.2.dsse.json').toString()) as { signatures: { sig: string }[] };
    doc.signatures[0]!.sig = 'c29tZXRoaW5nCg==';
    expect(verifyAttestationEnvelope(Buffer.from(JSON.stringify(doc)), [cosignPub], blob, slsa)).toMatchObject({ ok: false, failure: 'SIGNATURE_INVALID' });
    const other = loadPublicKey(fixtureText('containers-image', 'cosign2.pub'));
    expect(verifyAttestationEnvelope(env('slsa-provenance-v0.2.dsse.json'), [other], blob, slsa)).toMatchObject({ ok: false, failure: 'SIGNATURE_INVALID' });
  });

  it('policy-testdata: real cosign envelopes parse; the malformed predicate types do not match their intended types', () => {
    for (const kind of ['valid', 'malformed']) {
      for (const f of readdirSync(fixturePath('cosign-attestation', 'policy-testdata', kind))) {
        const parsed = parseEnvelope(fixtureBytes('cosign-attestation', 'policy-testdata', kind, f));
        if (!parsed.ok) throw new Error(parsed.reason);
        const st = parseStatement(parsed.envelope.payload);
        if (!st.ok) throw new Error(st.reason);
        const intended = f.startsWith('vuln') ? PredicateTypes.vuln : PredicateTypes.custom;
        expect(st.statement.predicateType === intended).toBe(kind === 'valid');
      }
    }
  });
});

describe('attestations in the store', () => {
  let pair: GeneratedKeyPair;
  beforeAll(async () => {
    pair = await generateKeyPair('', { scrypt: { N: 32768, r: 8, p: 1 } });
  }, 20_000);
  const IMAGE = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}');

  it('the constructed .att fixture verifies for its subject and returns the predicate', async () => {
    const store = new MemoryArtifactStore();
    for (const f of readdirSync(fixturePath('manifests', 'constructed', 'att-slsa-v0.2', 'blobs', 'sha256'))) await store.putBlob(fixtureBytes('manifests', 'constructed', 'att-slsa-v0.2', 'blobs', 'sha256', f));
    await store.putManifest(fixtureText('manifests', 'constructed', 'att-slsa-v0.2', 'tag.txt').trim(), fixtureBytes('manifests', 'constructed', 'att-slsa-v0.2', 'manifest.json'), MediaTypes.ociManifest);
    const r = await verifyAttestations(store, blob, [cosignPub], 'slsaprovenance');
    expect(r.verified, r.summary).toBe(true);
    expect(r.predicates[0]).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: { builder: { id: '2' }, buildType: 'x' } });
    const wrongType = await verifyAttestations(store, blob, [cosignPub], 'cyclonedx');
    expect(wrongType.verified).toBe(false);
    expect(wrongType.attestations[0]!.failure).toBe('TYPE_MISMATCH');
  });

  it('attest → verify-attestation round trip, stored like cosign (.att, DSSE layer, predicateType annotation)', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(IMAGE);
    const bom = fixtureText('cosign-attestation', 'predicates', 'bom-go-mod.cyclonedx.json');
    const out = await attestImage(store, digest, bom, 'cyclonedx', pair.privateKey);
    expect(out.reference).toBe(`${digest.replace(':', '-')}.att`);
    const m = parseImageManifest((await store.getManifest(out.reference))!.bytes);
    if (!m.ok) throw new Error(m.reason);
    expect(m.value.layers[0]).toMatchObject({ mediaType: MediaTypes.dsse, annotations: { [Annotations.signature]: '', [Annotations.predicateType]: 'https://cyclonedx.org/bom' } });
    const r = await verifyAttestations(store, digest, [loadPublicKey(pair.publicKeyPem)], 'cyclonedx');
    expect(r.verified, r.summary).toBe(true);
    expect(r.predicates[0]!.predicate).toEqual(JSON.parse(bom));
    // A second type is appended; --replace drops earlier ones of the same type only.
    await attestImage(store, digest, fixtureText('cosign-attestation', 'predicates', 'vuln-predicate.json'), 'vuln', pair.privateKey);
    await attestImage(store, digest, bom, 'cyclonedx', pair.privateKey, { replace: true });
    const m2 = parseImageManifest((await store.getManifest(out.reference))!.bytes);
    expect(m2.ok && m2.value.layers.map((l) => l.annotations?.[Annotations.predicateType])).toEqual(['https://cosign.sigstore.dev/attestation/vuln/v1', 'https://cyclonedx.org/bom']);
    expect((await verifyAttestations(store, digest, [loadPublicKey(pair.publicKeyPem)])).predicates).toHaveLength(2);
  });

  it('tampering is caught: swapped envelope blob, envelope for another image, another key', async () => {
    const store = new MemoryArtifactStore();
    const digest = await store.addImage(IMAGE);
    const out = await attestImage(store, digest, '{"a":1}', 'https://example.com/p/v1', pair.privateKey, { statementVersion: 'v1' });
    const pub = loadPublicKey(pair.publicKeyPem);
    expect((await verifyAttestations(store, digest, [pub], 'https://example.com/p/v1')).verified).toBe(true);
    store.blobs.set(out.layer.digest, Buffer.from(out.envelope.toString().replace('"payloadType"', '"payloadType" ')));
    expect((await verifyAttestations(store, digest, [pub])).attestations[0]!.failure).toBe('BLOB_MISMATCH');
    const other = await generateKeyPair('', { scrypt: { N: 32768, r: 8, p: 1 } });
    const store2 = new MemoryArtifactStore();
    const d2 = await store2.addImage(IMAGE);
    await attestImage(store2, d2, '{}', 'openvex', other.privateKey);
    const r2 = await verifyAttestations(store2, d2, [pub], 'openvex');
    expect(r2.attestations[0]!.failure).toBe('SIGNATURE_INVALID');
    expect(r2.summary).toMatch(/no attestation of type https:\/\/openvex.dev\/ns/);
    const none = await verifyAttestations(new MemoryArtifactStore(), digest, [pub]);
    expect(none.summary).toMatch(/no attestation found .* looked at tag .*\.att and referrers/);
  }, 20_000);
});
