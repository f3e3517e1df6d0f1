import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTrustedRoot, verifyBundle } from './bundle.js';
import { sha256Digest } from './encoding.js';
import { loadPublicKey, type PublicKey } from './keys.js';
import { fixtureBytes, fixturePath, fixtureText } from './testing/fixtures.js';

const CONFORMANCE = ['bundles', 'sigstore-conformance'];
const IDENTITY = {
  subjectAlternativeName: 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const production = loadTrustedRoot(fixtureBytes('bundles', 'trusted-roots', 'public-good-production.from-sigstore-js-tuf-seeds.json'));

describe('sigstore-conformance bundles (directory name _fail = must fail)', () => {
  const cases = readdirSync(fixturePath(...CONFORMANCE), { withFileTypes: true }).filter((d) => d.isDirectory());
  expect(cases.length).toBeGreaterThan(20);
  for (const dir of cases) {
    const name = dir.name;
    const shouldFail = name.endsWith('_fail');
    it(`${name}: ${shouldFail ? 'fails' : 'verifies'}`, () => {
      const at = (f: string) => [...CONFORMANCE, name, f];
      const artifact = existsSync(fixturePath(...at('artifact'))) ? fixtureBytes(...at('artifact')) : fixtureBytes(...CONFORMANCE, 'a.txt');
      const root = existsSync(fixturePath(...at('trusted_root.json'))) ? loadTrustedRoot(fixtureBytes(...at('trusted_root.json'))) : production;
      let publicKey: PublicKey | undefined;
      let outcome: { verified: boolean; reason: string; failure?: string };
      try {
        if (existsSync(fixturePath(...at('key.pub')))) publicKey = loadPublicKey(fixtureText(...at('key.pub')));
        outcome = verifyBundle(fixtureBytes(...at('bundle.sigstore.json')), root, artifact, { ...(publicKey ? { publicKey } : { identity: IDENTITY }) });
      } catch (e) {
        // Only a key file that cannot be read may throw (managed-key-wrong-key_fail's key.pub is not valid base64).
        expect((e as { code?: string }).code).toBe('KEY_INVALID');
        outcome = { verified: false, reason: (e as Error).message };
      }
      expect(outcome.verified, outcome.reason).toBe(!shouldFail);
      if (shouldFail) expect(outcome.reason.length).toBeGreaterThan(0);
    });
  }

  it('a certificate bundle with the wrong identity fails as IDENTITY_MISMATCH', () => {
    const out = verifyBundle(fixtureBytes(...CONFORMANCE, 'happy-path-v0.3', 'bundle.sigstore.json'), production, fixtureBytes(...CONFORMANCE, 'a.txt'), { identity: { subjectAlternativeName: 'https://example.com/other' } });
    expect(out).toMatchObject({ verified: false, failure: 'IDENTITY_MISMATCH' });
  });

  it('reports the identity it accepted when none was required', () => {
    const out = verifyBundle(fixtureBytes(...CONFORMANCE, 'happy-path-v0.2', 'bundle.sigstore.json'), production, fixtureBytes(...CONFORMANCE, 'a.txt'));
    expect(out.verified).toBe(true);
    expect(out.signer?.subjectAlternativeName).toBe(IDENTITY.subjectAlternativeName);
  });
});

describe('other bundles', () => {
  it('cosign OCI attestation bundle (keyless): verifies for its image digest, fails for another', () => {
    const bundle = fixtureBytes('bundles', 'cosign', 'oci-attestation.sigstore.json');
    const root = loadTrustedRoot(fixtureBytes('bundles', 'cosign', 'trusted_root_pgi.json'));
    const image = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
    const good = verifyBundle(bundle, root, undefined, { expectedDigest: image });
    expect(good.verified, good.reason).toBe(true);
    expect(good.statement?.predicateType).toBe('https://cosign.sigstore.dev/attestation/v1');
    expect(good.signer?.subjectAlternativeName).toBe('cody@soyland.com');
    const other = verifyBundle(bundle, root, undefined, { expectedDigest: sha256Digest('another image') });
    expect(other).toMatchObject({ verified: false, failure: 'SUBJECT_MISMATCH' });
    const wrongIdentity = verifyBundle(bundle, root, undefined, { expectedDigest: image, identity: { subjectAlternativeName: 'wrong' } });
    expect(wrongIdentity).toMatchObject({ verified: false, failure: 'IDENTITY_MISMATCH' });
  });

  it('sigstore-go key-signed DSSE bundle verifies with its publish key and not with another', () => {
    const bundle = fixtureBytes('bundles', 'sigstore-go', 'bundle-publish.json');
    const root = loadTrustedRoot(fixtureBytes('bundles', 'trusted-roots', 'public-good.from-sigstore-go-examples.json'));
    const key = loadPublicKey(fixtureText('bundles', 'sigstore-go', 'publish_key.pub'));
    const out = verifyBundle(bundle, root, undefined, { publicKey: key });
    expect(out.verified, out.reason).toBe(true);
    const wrong = verifyBundle(bundle, root, undefined, { publicKey: loadPublicKey(fixtureText('containers-image', 'cosign.pub')) });
    expect(wrong.verified).toBe(false);
  });

  it('sigstore-go public-key-validity bundle (TSA timestamp only) verifies with tlogThreshold 0', () => {
    const bundle = fixtureBytes('bundles', 'sigstore-go', 'public-key-validity.sigstore.json');
    const root = loadTrustedRoot(fixtureBytes('bundles', 'sigstore-go', 'public-key-validity.trusted_root.json'));
    const key = loadPublicKey(fixtureText('bundles', 'sigstore-go', 'public-key-validity.pem'));
    expect(verifyBundle(bundle, root, Buffer.from('test content'), { publicKey: key, tlogThreshold: 0 }).verified).toBe(true);
    expect(verifyBundle(bundle, root, Buffer.from('test content!'), { publicKey: key, tlogThreshold: 0 }).verified).toBe(false);
    expect(verifyBundle(bundle, root, Buffer.from('test content'), { publicKey: key }).verified).toBe(false);
  });

  it('refuses a trusted root that is not one', () => {
    expect(() => loadTrustedRoot('{"foo": 1}')).toThrow(/trusted root/);
    expect(() => loadTrustedRoot('nope')).toThrow(/not valid JSON/);
  });
});
