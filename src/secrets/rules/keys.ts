/** Private keys of every PEM, OpenSSH, PGP and PuTTY kind, age and WireGuard keys, JWTs (BH-SEC-060 … 066). */
import type { MatchContext, SecretRule } from '../rule.js';
import { decodeBase64Url } from '../rule.js';
import { defineRule } from './define.js';

const KEY_REFS = ['gitleaks:private-key', 'trivy:private-key', 'mitre-attack:T1552.004'];
const KEY_REMEDIATION =
  'Treat the key as compromised: revoke or replace it wherever it is trusted (authorized_keys, certificates, key servers), remove the file and rebuild so no layer contains it (deleting it in a later layer leaves it in the earlier one), and mount keys at run time instead.';
/** A key body longer than this is not a key (and not worth hashing). */
const MAX_KEY_BODY = 256 * 1024;
const MIN_KEY_BODY = 64;

/** Key material between two offsets: header lines (`Proc-Type:`, `Version:`) and escapes dropped, or null when it is not base64. */
function keyMaterial(text: string, from: number, to: number): string | null {
  if (to - from > MAX_KEY_BODY) return null;
  const body = text
    .slice(from, to)
    .replace(/\\[nr]/g, '\n')
    .split('\n')
    .filter((l) => !l.includes(':'))
    .join('')
    .replace(/[\s"',]/g, '');
  if (body.length < MIN_KEY_BODY || !/^[A-Za-z0-9+/=]+$/.test(body)) return null;
  return body;
}

/**
 * The next position of `needle` at or after `from`. Matches come in file
 * order, so the last answer is remembered per needle and reused while it is
 * still ahead: a file of many BEGIN lines and no END costs one search, not
 * one per line.
 */
function nextIndexOf(ctx: MatchContext, needle: string, from: number): number {
  const key = `next:${needle}`;
  let at = ctx.scratch.get(key);
  if (at === undefined || (at !== -1 && at < from)) {
    at = ctx.text.indexOf(needle, from);
    ctx.scratch.set(key, at);
  }
  return at;
}

/** The body of an armored block whose BEGIN line the regex matched (group 1 is the block type), up to its END line. */
function armoredBody(_secret: string, ctx: MatchContext): string | null {
  const type = ctx.match[1] ?? '';
  const endMarker = `-----END ${type}-----`;
  const start = ctx.match.index + ctx.match[0].length;
  const end = nextIndexOf(ctx, endMarker, start);
  if (end < 0) return null;
  // Another armor line before the END belongs to some other block: this BEGIN has no body of its own.
  if (nextIndexOf(ctx, '-----', start) !== end) return null;
  ctx.endOffset = end + endMarker.length;
  return keyMaterial(ctx.text, start, end);
}

function puttyBody(_secret: string, ctx: MatchContext): string | null {
  const start = ctx.match.index + ctx.match[0].length;
  const next = nextIndexOf(ctx, 'PuTTY-User-Key-File-', start);
  const limit = Math.min(next < 0 ? ctx.text.length : next, start + 32 * 1024);
  const lines = nextIndexOf(ctx, 'Private-Lines:', start);
  if (lines < 0 || lines >= limit) return null;
  const mac = nextIndexOf(ctx, 'Private-MAC:', lines);
  if (mac < 0 || mac >= limit) return null;
  const bodyStart = ctx.text.indexOf('\n', lines);
  if (bodyStart < 0 || bodyStart > mac) return null;
  ctx.endOffset = mac;
  return keyMaterial(ctx.text, bodyStart, mac);
}

interface JsonObject {
  [k: string]: unknown;
}

function jsonObject(b64url: string): JsonObject | null {
  const bytes = decodeBase64Url(b64url);
  if (!bytes) return null;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
  } catch {
    return null;
  }
}

/** A JWT whose header names an algorithm and whose payload is a JSON object. */
function verifyJwt(secret: string): string | null {
  const [header, payload] = secret.split('.');
  const h = header ? jsonObject(header) : null;
  if (!h || typeof h.alg !== 'string') return null;
  return payload && jsonObject(payload) ? secret : null;
}

export const keyRules: readonly SecretRule[] = [
  defineRule({
    n: 60,
    title: 'Private key (PEM)',
    severity: 'critical',
    grants: 'impersonation of whatever trusts the key: TLS servers, SSH hosts and users, signed artifacts',
    issuer: 'its owner',
    remediation: KEY_REMEDIATION,
    refs: KEY_REFS,
    keywords: ['private key-----'],
    regex: /-----BEGIN ((?:RSA |DSA |EC |ENCRYPTED |ANY |)PRIVATE KEY)-----/,
    verify: armoredBody,
    evidence: 'match',
  }),
  defineRule({
    n: 61,
    title: 'OpenSSH private key',
    severity: 'critical',
    grants: 'SSH logins wherever the matching public key is authorized',
    issuer: 'its owner',
    remediation: KEY_REMEDIATION,
    refs: KEY_REFS,
    keywords: ['openssh private key-----'],
    regex: /-----BEGIN (OPENSSH PRIVATE KEY)-----/,
    verify: armoredBody,
    evidence: 'match',
  }),
  defineRule({
    n: 62,
    title: 'PGP private key block',
    severity: 'critical',
    grants: 'signing as, and decrypting messages for, the key owner (package and commit signatures included)',
    issuer: 'its owner (publish a revocation certificate)',
    remediation: KEY_REMEDIATION,
    refs: KEY_REFS,
    keywords: ['pgp private key block-----'],
    regex: /-----BEGIN (PGP PRIVATE KEY BLOCK)-----/,
    verify: armoredBody,
    evidence: 'match',
  }),
  defineRule({
    n: 63,
    title: 'PuTTY private key',
    severity: 'critical',
    grants: 'SSH logins wherever the matching public key is authorized',
    issuer: 'its owner',
    remediation: KEY_REMEDIATION,
    refs: ['mitre-attack:T1552.004'],
    keywords: ['putty-user-key-file-'],
    regex: /PuTTY-User-Key-File-[23]:[ \t]{0,4}[A-Za-z0-9@.-]{1,64}/,
    verify: puttyBody,
    evidence: 'match',
  }),
  defineRule({
    n: 64,
    title: 'age secret key',
    severity: 'high',
    grants: 'decrypting every file encrypted to the matching age recipient',
    issuer: 'its owner (re-encrypt the data to a new key)',
    remediation: KEY_REMEDIATION,
    refs: ['gitleaks:age-secret-key', 'trivy:age-secret-key', 'mitre-attack:T1552.004'],
    keywords: ['age-secret-key-1'],
    regex: /(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])/,
  }),
  defineRule({
    n: 65,
    title: 'WireGuard private key',
    severity: 'high',
    grants: 'joining the WireGuard network as the peer',
    issuer: 'the WireGuard peers (generate a new key pair and update every peer)',
    remediation: KEY_REMEDIATION,
    refs: ['mitre-attack:T1552.004'],
    keywords: ['privatekey'],
    regex: /^[ \t]*PrivateKey[ \t]*=[ \t]*([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])/m,
    entropy: 3.5,
  }),
  defineRule({
    n: 66,
    title: 'JSON Web Token',
    severity: 'medium',
    grants: 'whatever session or API access the token carries until it expires',
    issuer: 'the service that issued it (revoke the session or rotate its signing key)',
    refs: ['gitleaks:jwt', 'trivy:jwt-token'],
    keywords: ['eyj'],
    regex: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{20,4096})(?![A-Za-z0-9_-])/,
    verify: verifyJwt,
    entropy: 3,
  }),
];
