/**
 * Property tests for every parser of untrusted input in this folder: they
 * return a result or throw a BulkheadError, never anything else, and never
 * take long.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { parseEnvelope, pae } from './dsse.js';
import { decodeBase64Strict } from './encoding.js';
import { loadPrivateKey, loadPublicKey } from './keys.js';
import { buildPayload, parsePayload } from './payload.js';
import { encodePem, parsePem } from './pem.js';
import { parsePolicy } from './policy.js';
import { parseStatement } from './statement.js';
import { parseStrictJson } from './strict-json.js';
import { scryptCalls } from './testing/scrypt-spy.js';

const RUNS = { numRuns: 150 };

/** The scrypt parameter sets a key file may make us derive with (stated here, not imported, so the test checks the code). */
const acceptedScrypt = (p: { N: number; r: number; p: number }) => [32768, 65536, 131072].includes(p.N) && p.r === 8 && p.p === 1;

// Records the parameters of every scrypt derivation (and runs the real one), so
// the hostile-envelope property can check what reached the KDF.
vi.mock('node:crypto', async (importOriginal) => (await import('./testing/scrypt-spy.js')).spyingCrypto(importOriginal));

async function onlyBulkheadErrors(run: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof BulkheadError)) throw e;
    expect(e.hint).toBeTruthy();
  }
}

describe('fuzz: key files', () => {
  it('arbitrary text as a private or public key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), fc.option(fc.string({ maxLength: 8 }), { nil: undefined }), async (text, password) => {
        await onlyBulkheadErrors(() => loadPrivateKey(text, password));
        await onlyBulkheadErrors(() => loadPublicKey(text));
      }),
      RUNS,
    );
  });

  it('PEM-wrapped hostile envelopes (any JSON, any scrypt parameters except the accepted ones)', async () => {
    const params = fc.record({
      N: fc.oneof(fc.integer(), fc.constantFrom(2, 16, 1024, 2 ** 14, 2 ** 20, 2 ** 30, 2 ** 40)),
      r: fc.oneof(fc.integer({ min: -1, max: 64 }), fc.constant(8)),
      p: fc.oneof(fc.integer({ min: -1, max: 64 }), fc.constant(1)),
    });
    const envelope = fc.record({
      kdf: fc.record({ name: fc.constantFrom('scrypt', 'pbkdf2', ''), params, salt: fc.base64String() }),
      cipher: fc.record({ name: fc.constantFrom('nacl/secretbox', 'aes'), nonce: fc.base64String() }),
      ciphertext: fc.base64String(),
    });
    // Everything else well-formed: the scrypt parameters are all that stands between the file and a derivation.
    const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('base64'));
    const wellFormed = fc.record({
      kdf: fc.record({ name: fc.constant('scrypt'), params, salt: bytes(1, 32) }),
      cipher: fc.record({ name: fc.constant('nacl/secretbox'), nonce: bytes(24, 24) }),
      ciphertext: bytes(16, 64),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: wellFormed.map((e) => JSON.stringify(e)), weight: 3 }, { arbitrary: envelope.map((e) => JSON.stringify(e)), weight: 2 }, fc.json(), fc.string()), fc.constantFrom('ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'), async (body, type) => {
        const pem = encodePem(type, Buffer.from(body));
        scryptCalls.length = 0;
        await onlyBulkheadErrors(() => loadPrivateKey(pem, 'pw'));
        // The parameters are checked before deriving: scrypt never runs with a set outside the accepted ones.
        expect(scryptCalls.filter((p) => !acceptedScrypt(p))).toEqual([]);
      }),
      { numRuns: 100 },
    );
    // The spy sees derivations (an accepted set that gets as far as scrypt is recorded).
    scryptCalls.length = 0;
    const accepted = { kdf: { name: 'scrypt', params: { N: 32768, r: 8, p: 1 }, salt: 'c2FsdA==' }, cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') }, ciphertext: Buffer.alloc(32).toString('base64') };
    await onlyBulkheadErrors(() => loadPrivateKey(encodePem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(accepted))), 'pw'));
    expect(scryptCalls).toEqual([{ N: 32768, r: 8, p: 1 }]);
  });

  it('parsePem never throws and round-trips what encodePem writes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.string(), (der, junk) => {
        const out = parsePem(`${junk}\n${encodePem('PUBLIC KEY', der)}`);
        if (out.ok) expect(out.blocks.at(-1)!.der.equals(Buffer.from(der))).toBe(true);
        parsePem(junk);
      }),
      RUNS,
    );
  });

  it('strict base64 accepts exactly the canonical encodings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 12 }), (bytes, s) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(decodeBase64Strict(text)?.equals(Buffer.from(bytes))).toBe(true);
        const d = decodeBase64Strict(s);
        if (d) expect(d.toString('base64')).toBe(s);
      }),
      RUNS,
    );
  });
});

describe('fuzz: signed documents', () => {
  it('DSSE envelopes: arbitrary bytes and arbitrary JSON shapes', () => {
    const shaped = fc.record({ payloadType: fc.oneof(fc.string(), fc.integer()), payload: fc.oneof(fc.base64String(), fc.string()), signatures: fc.oneof(fc.array(fc.record({ keyid: fc.oneof(fc.string(), fc.constant(undefined)), sig: fc.oneof(fc.base64String(), fc.integer()) })), fc.string()) });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), shaped.map((s) => JSON.stringify(s))), (text) => {
        const out = parseEnvelope(Buffer.from(text));
        if (out.ok) {
          expect(out.envelope.signatures.length).toBeGreaterThan(0);
          expect(pae(out.envelope.payloadType, out.envelope.payload).subarray(0, 7).toString()).toBe('DSSEv1 ');
          parseStatement(out.envelope.payload);
        }
      }),
      RUNS,
    );
  });

  it('simple-signing payloads: arbitrary JSON never throws; built payloads parse back to their inputs', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json({ depthSize: 'medium' })), (text) => {
        parsePayload(Buffer.from(text));
        parseStatement(Buffer.from(text));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-f0-9]{64}$/), fc.string(), fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (hex, ref, annotations) => {
        const out = parsePayload(buildPayload(`sha256:${hex}`, ref, annotations));
        expect(out.ok).toBe(true);
        if (out.ok) {
          expect(out.payload).toMatchObject({ dockerReference: ref, manifestDigest: `sha256:${hex}` });
          expect(out.payload.optional ?? {}).toEqual({ ...annotations });
        }
      }),
      RUNS,
    );
  });

  it('strict JSON agrees with JSON.parse on duplicate-free JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        const out = parseStrictJson(text);
        expect(out.ok).toBe(true);
        if (out.ok) expect(out.value).toEqual(JSON.parse(text));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = parseStrictJson(text);
        let native: boolean;
        try {
          JSON.parse(text);
          native = true;
        } catch {
          native = false;
        }
        if (out.ok) expect(native).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('fuzz: policy loader', () => {
  const yamlish = fc.oneof(
    fc.string(),
    fc.json().map((j) => `version: 1\nrules: ${j}\n`),
    fc.record({ version: fc.oneof(fc.constant(1), fc.integer()), registries: fc.array(fc.string()), rules: fc.array(fc.record({ repositories: fc.array(fc.string()), attestations: fc.array(fc.record({ type: fc.string() })) })) }).map((o) => JSON.stringify(o)),
  );
  it('returns a policy or throws POLICY_INVALID with file:line', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          parsePolicy(text, { source: 'fuzz.yaml', readKey: () => '' });
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
          expect((e as BulkheadError).code).toBe('POLICY_INVALID');
          expect((e as BulkheadError).where).toMatch(/^fuzz\.yaml:\d+$/);
        }
      }),
      RUNS,
    );
  });

  it('a YAML alias bomb is refused by the alias limit, before it expands', () => {
    const bomb = `version: 1\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`;
    // Refused while resolving aliases (the document never expands into a value), as a policy error at the file.
    expect(() => parsePolicy(bomb, { source: 'bomb.yaml' })).toThrow(expect.objectContaining({ code: 'POLICY_INVALID', where: 'bomb.yaml:1', message: expect.stringMatching(/alias/i) }));
  });
});
