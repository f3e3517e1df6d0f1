/**
 * Key pairs in the formats cosign reads and writes: the encrypted
 * `ENCRYPTED SIGSTORE PRIVATE KEY` file, plain PKCS#8 / SEC1 / PKCS#1 PEM for
 * imported keys, `PUBLIC KEY` (SPKI) and certificates for verification.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { BulkheadError } from '../core/errors.js';
import { decryptEnvelope, DEFAULT_SCRYPT, encryptEnvelope, type ScryptParams } from './encrypted-key.js';
import { encodePem, parsePem, type PemBlock } from './pem.js';

export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa' | 'ed25519';

export interface PublicKey {
  readonly key: KeyObject;
  readonly algorithm: KeyAlgorithm;
  /** SubjectPublicKeyInfo PEM. */
  readonly pem: string;
  /** cosign's key hint: base64(SHA-256(SPKI DER)). */
  readonly hint: string;
  /** Where it came from (file name, `inline`), for messages. */
  readonly source?: string;
}

export interface PrivateKey {
  readonly key: KeyObject;
  readonly algorithm: KeyAlgorithm;
  readonly publicKey: PublicKey;
}

export interface GeneratedKeyPair {
  /** The encrypted private key file (`cosign.key`). */
  privateKeyPem: string;
  /** The public key file (`cosign.pub`). */
  publicKeyPem: string;
  privateKey: PrivateKey;
}

export const ENCRYPTED_SIGSTORE_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const ENCRYPTED_COSIGN_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';

export interface GenerateOptions {
  /** PEM type to write: current cosign writes SIGSTORE; COSIGN is what older cosign and skopeo write. Both are read by both. */
  pemType?: typeof ENCRYPTED_SIGSTORE_PEM | typeof ENCRYPTED_COSIGN_PEM;
  scrypt?: ScryptParams;
}

function keyError(message: string, where: string | undefined, hint: string, cause?: unknown): BulkheadError {
  return new BulkheadError('KEY_INVALID', message, { where, hint, cause });
}

function algorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'ed25519';
  if (type === 'rsa') return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? 'rsa' : undefined;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ecdsa-p256';
    if (curve === 'secp384r1') return 'ecdsa-p384';
    if (curve === 'secp521r1') return 'ecdsa-p521';
  }
  return undefined;
}

const SUPPORTED = 'ECDSA P-256/P-384/P-521, RSA ≥ 2048 bits or Ed25519';

/** Wrap a Node public KeyObject. */
export function toPublicKey(key: KeyObject, source?: string): PublicKey {
  const algorithm = algorithmOf(key);
  if (!algorithm) throw keyError(`unsupported public key (${key.asymmetricKeyType ?? 'unknown'})`, source, `use ${SUPPORTED}`);
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    key,
    algorithm,
    pem: encodePem('PUBLIC KEY', der),
    hint: createHash('sha256').update(der).digest('base64'),
    ...(source === undefined ? {} : { source }),
  };
}

function toPrivateKey(key: KeyObject, where: string | undefined): PrivateKey {
  const algorithm = algorithmOf(key);
  if (!algorithm) throw keyError(`unsupported private key (${key.asymmetricKeyType ?? 'unknown'})`, where, `use ${SUPPORTED}`);
  return { key, algorithm, publicKey: toPublicKey(createPublicKey(key), where) };
}

/** A fresh ECDSA P-256 key pair, the private half encrypted under `password` (which may be empty). */
export async function generateKeyPair(password: string, options: GenerateOptions = {}): Promise<GeneratedKeyPair> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const body = await encryptEnvelope(pkcs8, password, options.scrypt ?? DEFAULT_SCRYPT);
  const wrapped = toPrivateKey(privateKey, undefined);
  return {
    privateKeyPem: encodePem(options.pemType ?? ENCRYPTED_SIGSTORE_PEM, body),
    publicKeyPem: wrapped.publicKey.pem,
    privateKey: wrapped,
  };
}

function onlyBlock(pem: string | Buffer, where: string | undefined, what: string): PemBlock {
  const parsed = parsePem(typeof pem === 'string' ? pem : pem.toString('utf8'));
  if (!parsed.ok) throw keyError(`not a PEM ${what}: ${parsed.reason}`, where ? `${where}:${parsed.line}` : `line ${parsed.line}`, `give a PEM file as cosign or \`bulkhead key generate\` writes it`);
  const [block] = parsed.blocks;
  return block!;
}

function parseDer(der: Buffer, type: 'pkcs8' | 'sec1' | 'pkcs1', where: string | undefined, what: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type });
  } catch (e) {
    throw keyError(`${what} does not hold a readable ${type.toUpperCase()} private key`, where, 'the file is damaged or not a private key', e);
  }
}

/**
 * Load a private key for signing: cosign's encrypted formats (with the
 * password), or an unencrypted `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1)
 * or `RSA PRIVATE KEY` (PKCS#1) as `cosign import-key-pair` accepts them. For
 * unencrypted files the password is not used.
 */
export async function loadPrivateKey(pem: string | Buffer, password: string | undefined, options: { where?: string } = {}): Promise<PrivateKey> {
  const where = options.where;
  const block = onlyBlock(pem, where, 'private key');
  const at = where ? `${where}:${block.line}` : undefined;
  switch (block.type) {
    case ENCRYPTED_SIGSTORE_PEM:
    case ENCRYPTED_COSIGN_PEM: {
      if (password === undefined) {
        throw keyError('the private key is encrypted and no password was given', at, 'set COSIGN_PASSWORD or BULKHEAD_KEY_PASSWORD (an empty value is a valid password)');
      }
      const opened = await decryptEnvelope(block.der, password);
      if (!opened.ok) {
        const hint =
          opened.reason === 'wrong-password'
            ? 'check the password (COSIGN_PASSWORD / BULKHEAD_KEY_PASSWORD); an empty password is different from none'
            : 'the key file is damaged or was not written by cosign or bulkhead';
        throw keyError(`cannot decrypt the private key: ${opened.message}`, at, hint);
      }
      // cosign only accepts PKCS#8 inside the box; a SEC1 plaintext is refused there, so we refuse it too.
      if (isSec1EcKey(opened.plaintext)) {
        throw keyError('the encrypted key holds a SEC1 "EC PRIVATE KEY", which cosign refuses (it must be PKCS#8)', at, 'convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt) and load that PEM, or generate a new key');
      }
      return toPrivateKey(parseDer(ed25519V2ToV1(opened.plaintext, at), 'pkcs8', at, 'the decrypted key'), at);
    }
    case 'PRIVATE KEY':
      return toPrivateKey(parseDer(ed25519V2ToV1(block.der, at), 'pkcs8', at, 'the PEM'), at);
    case 'EC PRIVATE KEY':
      return toPrivateKey(parseDer(block.der, 'sec1', at, 'the PEM'), at);
    case 'RSA PRIVATE KEY':
      return toPrivateKey(parseDer(block.der, 'pkcs1', at, 'the PEM'), at);
    case 'ENCRYPTED PRIVATE KEY':
      throw keyError('PKCS#8 files encrypted by OpenSSL are not read', at, 'decrypt it (openssl pkcs8 -in KEY -out plain.pem) or convert it to a cosign key');
    default:
      throw keyError(`unsupported PEM type "${block.type}" for a private key`, at, `expected ${ENCRYPTED_SIGSTORE_PEM}, ${ENCRYPTED_COSIGN_PEM}, PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY`);
  }
}

const ED25519_V2_PREFIX = Buffer.from('3051020101300506032b657004220420', 'hex');
const ED25519_V2_PUBLIC = Buffer.from('812100', 'hex');
const ED25519_V1_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Ed25519 PKCS#8 v2 (RFC 5958 OneAsymmetricKey with the [1] public key, as
 * sigstore-rs writes it) is not read by the OpenSSL in Node 20: rewrite it as
 * v1, after checking that the embedded public key belongs to the seed.
 */
function ed25519V2ToV1(der: Buffer, where: string | undefined): Buffer {
  if (der.length !== 83 || !der.subarray(0, 16).equals(ED25519_V2_PREFIX) || !der.subarray(48, 51).equals(ED25519_V2_PUBLIC)) return der;
  const seed = der.subarray(16, 48);
  const v1 = Buffer.concat([ED25519_V1_PREFIX, seed]);
  const derived = createPublicKey(createPrivateKey({ key: v1, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  if (!derived.subarray(derived.length - 32).equals(der.subarray(51))) {
    throw keyError('the Ed25519 key embeds a public key that does not belong to it', where, 'the key file is damaged or forged');
  }
  return v1;
}

/**
 * SEC1 ECPrivateKey is SEQUENCE { INTEGER 1, OCTET STRING … }; PKCS#8 is
 * SEQUENCE { INTEGER, SEQUENCE AlgorithmIdentifier, … }. OpenSSL's decoder
 * reads either whatever we ask for, so look at the second element's tag.
 */
function isSec1EcKey(der: Buffer): boolean {
  let i = 0;
  const skipHeader = (): number | undefined => {
    if (i + 2 > der.length) return undefined;
    i += 1;
    const first = der[i++]!;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4 || i + n > der.length) return undefined;
    let len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + der[i++]!;
    return len;
  };
  if (der[0] !== 0x30 || skipHeader() === undefined) return false;
  if (der[i] !== 0x02) return false;
  const versionLength = skipHeader();
  if (versionLength === undefined) return false;
  i += versionLength;
  return der[i] === 0x04;
}

/** Load a verification key: `PUBLIC KEY` (SPKI), `RSA PUBLIC KEY` (PKCS#1) or the public key of a `CERTIFICATE`. */
export function loadPublicKey(pem: string | Buffer, options: { where?: string } = {}): PublicKey {
  const where = options.where;
  const block = onlyBlock(pem, where, 'public key');
  const at = where ? `${where}:${block.line}` : undefined;
  const source = where ?? 'inline';
  try {
    switch (block.type) {
      case 'PUBLIC KEY':
        return toPublicKey(createPublicKey({ key: block.der, format: 'der', type: 'spki' }), source);
      case 'RSA PUBLIC KEY':
        return toPublicKey(createPublicKey({ key: block.der, format: 'der', type: 'pkcs1' }), source);
      case 'CERTIFICATE':
        return toPublicKey(new X509Certificate(block.der).publicKey, source);
    }
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    throw keyError(`the ${block.type} block is not readable`, at, 'the file is damaged or not a key', e);
  }
  if (block.type.includes('PRIVATE KEY')) {
    throw keyError('this is a private key; verification needs the public key', at, 'pass the .pub file written next to the key (or derive it: bulkhead key public)');
  }
  throw keyError(`unsupported PEM type "${block.type}" for a public key`, at, 'expected PUBLIC KEY (as in cosign.pub), RSA PUBLIC KEY or CERTIFICATE');
}

/** One line for messages: `ECDSA P-256 key cosign.pub (SHA256:abc…)`. */
export function describeKey(key: PublicKey): string {
  const names: Record<KeyAlgorithm, string> = { 'ecdsa-p256': 'ECDSA P-256', 'ecdsa-p384': 'ECDSA P-384', 'ecdsa-p521': 'ECDSA P-521', rsa: 'RSA', ed25519: 'Ed25519' };
  return `${names[key.algorithm]} key ${key.source ?? ''} (SHA256:${key.hint.slice(0, 12)}…)`.replace('key  (', 'key (');
}
