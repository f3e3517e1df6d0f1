import { describe, expect, it, vi } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { decryptEnvelope, encryptEnvelope } from './encrypted-key.js';
import { describeKey, ENCRYPTED_COSIGN_PEM, generateKeyPair, loadPrivateKey, loadPublicKey } from './keys.js';
import { resolveKeyPassword } from './password.js';
import { signBytes, verifyBytes } from './signer.js';
import { fixtureJson, fixtureText } from './testing/fixtures.js';
import { scryptCalls } from './testing/scrypt-spy.js';
import { rejection } from '../../test/helpers/errors.js';

// Every scrypt derivation goes through this spy (it calls the real scrypt), so
// a test can say whether, and with which parameters, a key was derived.
vi.mock('node:crypto', async (importOriginal) => (await import('./testing/scrypt-spy.js')).spyingCrypto(importOriginal));

interface KeyCase {
  file: string;
  pemType: string;
  password: string | null;
  scrypt?: { N: number; r: number; p: number };
  publicKey?: string;
  cosignLoadPrivateKey?: string;
  expect?: string;
}

const index = fixtureJson<{ keys: KeyCase[] }>('keys', 'index.json');


describe('cosign key fixtures (keys/index.json)', () => {
  for (const k of index.keys) {
    const shouldLoad = k.cosignLoadPrivateKey ? k.cosignLoadPrivateKey === 'ok' : (k.expect ?? '').startsWith('ok');
    it(`${k.file}: ${shouldLoad ? 'loads' : 'is refused'}`, async () => {
      const pem = fixtureText('keys', k.file);
      if (k.password === null) {
        // Unencrypted PKCS#8: loads without a password, the password is not needed.
        const key = await loadPrivateKey(pem, undefined, { where: k.file });
        expect(key.algorithm).toBe('ecdsa-p256');
        return;
      }
      if (!shouldLoad) {
        const e = await rejection(loadPrivateKey(pem, k.password, { where: k.file }));
        expect(e.code).toBe('KEY_INVALID');
        expect(e.message).toMatch(/SEC1/);
        expect(e.where).toContain(k.file);
        return;
      }
      const key = await loadPrivateKey(pem, k.password, { where: k.file });
      const expected = loadPublicKey(fixtureText('keys', k.publicKey!));
      expect(key.publicKey.hint).toBe(expected.hint);
      // The loaded key really signs: verify with the independently derived public key.
      const data = Buffer.from('bulkhead key fixture');
      expect(verifyBytes(expected, data, signBytes(key, data))).toBe(true);
    }, 20_000);
  }

  it('a wrong password is KEY_INVALID (exit 2) and names the file, never the password', async () => {
    const e = await rejection(loadPrivateKey(fixtureText('keys', 'cosign-keys_test/pemsigstorekey.key'), 'not-hello', { where: 'pemsigstorekey.key' }));
    expect(e.code).toBe('KEY_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/wrong password/);
    expect(e.where).toBe('pemsigstorekey.key:1');
    expect(`${e.message} ${e.hint}`).not.toContain('not-hello');
  });

  it('an encrypted key without any password asks for one', async () => {
    const e = await rejection(loadPrivateKey(fixtureText('keys', 'sigstore-rs/cosign_generated_encrypted_empty_private.key'), undefined));
    expect(e.message).toMatch(/no password/);
  });
});

describe('go-securesystemslib vectors', () => {
  const v = fixtureJson<{ passphraseUtf8: string; vectors: { name: string; encryptedJson: string; decryptedUtf8: string; scrypt: { N: number } }[] }>('keys', 'go-securesystemslib-encrypted-vectors.json');
  for (const vec of v.vectors) {
    it(`${vec.name} (N=${vec.scrypt.N}) decrypts to the stated bytes`, async () => {
      const out = await decryptEnvelope(Buffer.from(vec.encryptedJson), v.passphraseUtf8);
      expect(out.ok && out.plaintext.toString('utf8')).toBe(vec.decryptedUtf8);
    }, 20_000);
  }

  it('refuses scrypt parameters outside the accepted sets before deriving anything', async () => {
    const doc = JSON.parse(v.vectors[0]!.encryptedJson) as { kdf: { params: { N: number } } };
    doc.kdf.params.N = 2 ** 30;
    scryptCalls.length = 0;
    const out = await decryptEnvelope(Buffer.from(JSON.stringify(doc)), v.passphraseUtf8);
    expect(out).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(scryptCalls).toEqual([]);
    // The spy does see derivations: the untouched vector derives once, with its own parameters.
    const vec = JSON.parse(v.vectors[0]!.encryptedJson) as { kdf: { params: { N: number; r: number; p: number } } };
    await decryptEnvelope(Buffer.from(v.vectors[0]!.encryptedJson), v.passphraseUtf8);
    expect(scryptCalls).toEqual([vec.kdf.params]);
  });
});

describe('generateKeyPair', () => {
  it('writes an ENCRYPTED SIGSTORE PRIVATE KEY in cosign JSON that loads back with the password', async () => {
    const pair = await generateKeyPair('pw');
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    const lines = pair.privateKeyPem.trim().split('\n').slice(1, -1);
    expect(lines.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    const json = Buffer.from(lines.join(''), 'base64').toString('utf8');
    expect(json).toMatch(/^\{"kdf":\{"name":"scrypt","params":\{"N":65536,"r":8,"p":1\},"salt":"[A-Za-z0-9+/=]{44}"\},"cipher":\{"name":"nacl\/secretbox","nonce":"[A-Za-z0-9+/=]{32}"\},"ciphertext":"[A-Za-z0-9+/=]+"\}$/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const loaded = await loadPrivateKey(pair.privateKeyPem, 'pw');
    expect(loaded.publicKey.hint).toBe(loadPublicKey(pair.publicKeyPem).hint);
    await expect(loadPrivateKey(pair.privateKeyPem, 'wrong')).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect(describeKey(loaded.publicKey)).toMatch(/^ECDSA P-256 key/);
  }, 20_000);

  it('can write the older COSIGN PEM type (what skopeo writes)', async () => {
    const pair = await generateKeyPair('', { pemType: ENCRYPTED_COSIGN_PEM, scrypt: { N: 32768, r: 8, p: 1 } });
    expect(pair.privateKeyPem).toContain(ENCRYPTED_COSIGN_PEM);
    expect((await loadPrivateKey(pair.privateKeyPem, '')).algorithm).toBe('ecdsa-p256');
  }, 20_000);

  it('envelope round trip refuses non-accepted parameters when writing', async () => {
    await expect(encryptEnvelope(Buffer.from('x'), 'p', { N: 1024, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});

describe('plain PEM keys', () => {
  it('accepts SEC1 EC PRIVATE KEY and PKCS#8 unencrypted PEMs as import-key-pair does', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect((await loadPrivateKey(sec1, undefined)).publicKey.hint).toBe((await loadPrivateKey(pkcs8, 'ignored')).publicKey.hint);
  });

  it('refuses weak RSA, unknown PEM types and private keys given as public keys', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, undefined)).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect(() => loadPublicKey('-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n')).toThrow(/unsupported PEM type "FOO"/);
    expect(() => loadPublicKey(fixtureText('keys', 'sigstore-rs/ecdsa_private.key'))).toThrow(/private key/);
    expect(() => loadPublicKey('garbage', { where: 'k.pub' })).toThrow(BulkheadError);
  });
});

describe('resolveKeyPassword', () => {
  it('prefers the option, then BULKHEAD_KEY_PASSWORD, then COSIGN_PASSWORD; empty is a value', () => {
    expect(resolveKeyPassword('a', { BULKHEAD_KEY_PASSWORD: 'b', COSIGN_PASSWORD: 'c' })).toBe('a');
    expect(resolveKeyPassword(undefined, { BULKHEAD_KEY_PASSWORD: '', COSIGN_PASSWORD: 'c' })).toBe('');
    expect(resolveKeyPassword(undefined, { COSIGN_PASSWORD: 'c' })).toBe('c');
    expect(resolveKeyPassword(undefined, {})).toBeUndefined();
  });
});
