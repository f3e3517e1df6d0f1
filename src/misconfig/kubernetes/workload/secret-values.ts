/**
 * Whether a name=value pair written in a manifest holds a credential, and how
 * to show it without leaking it.
 *
 * Two independent signals, either is enough:
 * 1. the name says secret (`DB_PASSWORD`, `apiKey`, `GH_TOKEN`, `client-secret`)
 *    and the value is a literal, not a placeholder, reference or switch;
 * 2. the value has the shape of a known credential: the secret scanner's
 *    rules (src/secrets) run over `name=value`, so vendor formats (AWS keys,
 *    GitHub tokens, private keys, URLs with passwords) are found whatever
 *    the variable is called.
 */
import { scanSecrets } from '../../../secrets/index.js';

/** Words that make a name sensitive when a word of it equals or ends with one (`DBPASSWORD`, `GHTOKEN`). */
const SENSITIVE_ENDINGS = ['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'APIKEY', 'ACCESSKEY', 'PRIVATEKEY', 'SECRETKEY', 'CREDENTIAL', 'CREDENTIALS'];
/** Sensitive only as the last word (`DB_PASS`, `MYSQL_PWD`). */
const SENSITIVE_LAST = new Set(['PASS', 'PWD', 'PW']);
/** `<word>_KEY` names a key, not a key id or a lookup key. */
const KEY_PREFIXES = new Set(['API', 'ACCESS', 'PRIVATE', 'SECRET', 'AUTH', 'ENCRYPTION', 'SIGNING', 'MASTER', 'CLIENT', 'HMAC', 'JWT', 'SESSION', 'LICENSE']);
/** A last word that makes the variable about a secret, not the secret (`DB_PASSWORD_FILE`). */
const REFERENCE_SUFFIXES = new Set([
  'FILE', 'FILES', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'NAME', 'REF', 'ENABLED', 'DISABLED', 'ENABLE', 'DISABLE',
  'REQUIRED', 'LENGTH', 'EXPIRY', 'EXPIRATION', 'TTL', 'TIMEOUT', 'TYPE', 'METHOD', 'HEADER', 'POLICY', 'PROVIDER', 'ALGORITHM',
  'VERSION', 'MODE', 'USER', 'USERNAME', 'EMAIL', 'ID', 'LOCATION', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS', 'FORMAT', 'PREFIX', 'AUDIENCE', 'ISSUER',
]);

/** `db.password`, `apiKey`, `client-secret` → `DB_PASSWORD`, `API_KEY`, `CLIENT_SECRET`. */
export function normaliseName(name: string): string {
  return name
    .slice(0, 256)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function isSensitiveName(name: string): boolean {
  const words = normaliseName(name).split('_').filter(Boolean);
  if (!words.length) return false;
  if (REFERENCE_SUFFIXES.has(words[words.length - 1]!)) return false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (SENSITIVE_ENDINGS.some((e) => w.endsWith(e))) return true;
    if (SENSITIVE_LAST.has(w) && i === words.length - 1 && words.length > 1) return true;
    if ((w === 'KEY' || w === 'KEYS') && i > 0 && KEY_PREFIXES.has(words[i - 1]!)) return true;
  }
  return false;
}

const PLACEHOLDERS = new Set([
  'changeme', 'change_me', 'change-me', 'changeit', 'password', 'passwd', 'secret', 'token', 'example', 'sample', 'dummy', 'fake', 'placeholder',
  'redacted', 'hidden', 'masked', 'none', 'null', 'nil', 'undefined', 'empty', 'todo', 'tbd', 'fixme', 'test', 'default', 'unset', 'required',
  'replaceme', 'replace_me', 'true', 'false', 'yes', 'no', 'on', 'off', 'enabled', 'disabled',
]);
/** `$(VAR)` (Kubernetes dependent variables), `${VAR}`, `$VAR`, `{{ .x }}`, `<token>`, `%VAR%`. */
const TEMPLATE = /^(?:\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^>]*>|%[A-Za-z_][A-Za-z0-9_]*%)$/s;
/** A path to a file holding the secret, which is the recommended practice. */
const FILE_PATH = /^(?:~|\.{1,2})?\/[A-Za-z0-9._\-/]*$/;

/** A literal that could be a live credential: not empty, a placeholder, a template, a file path or a number. */
export function isLiteralSecret(raw: string): boolean {
  const value = raw.trim();
  if (value.length < 4 || value.length > 8192) return false;
  const lower = value.toLowerCase();
  if (PLACEHOLDERS.has(lower)) return false;
  if (/^(.)\1*$/.test(value)) return false;
  if (/^\d{1,6}$/.test(value)) return false;
  if (/x{4,}|\*{3,}|example|placeholder|changeme|your[_-]?(?:password|token|secret|key)/i.test(value)) return false;
  if (TEMPLATE.test(value)) return false;
  if (FILE_PATH.test(value)) return false;
  return true;
}

/** First two characters of long values, then a fixed mask: neither the value nor its length is shown. */
export function redactValue(raw: string): string {
  const value = raw.trim();
  return value.length >= 12 ? `${value.slice(0, 2)}********` : '********';
}

export interface SecretHit {
  /** Why: `name` (the name says secret) or the id and title of the secret rule that matched. */
  reason: string;
  /** Redacted: never the value. */
  shown: string;
  /** 1-based line of the secret inside the scanned text (multi-line values). */
  line: number;
}

/** Longest value handed to the secret rules. */
const MAX_SCAN_CHARS = 64 * 1024;

/**
 * The credential in one `name=value` pair, or undefined.
 * @param label how the pair is shown (`env DB_PASSWORD`, `data.app.properties`)
 */
export function secretInPair(name: string, value: string, label: string): SecretHit | undefined {
  if (isSensitiveName(name) && isLiteralSecret(value)) return { reason: 'name', shown: `${label}=${redactValue(value)}`, line: 1 };
  return secretInText(`${name}=${value}`, label);
}

/** The first credential the secret rules find in a text, or undefined. */
export function secretInText(text: string, label: string): SecretHit | undefined {
  if (text.length < 8) return undefined;
  const matches = scanSecrets('/k8s-manifest-value', Buffer.from(text.slice(0, MAX_SCAN_CHARS), 'utf8'));
  const m = matches[0];
  if (!m) return undefined;
  return { reason: `${m.rule.id} (${m.rule.title})`, shown: `${label}: ${m.evidence}`, line: m.line };
}
