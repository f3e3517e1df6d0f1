/**
 * Deciding whether a name=value pair from an image's configuration holds a
 * credential, and redacting it. Names are judged by their `_`-separated words
 * (so `TOKENIZERS_PARALLELISM` is not a token but `GH_TOKEN` is); values are
 * judged against placeholders, references to files and booleans, which are
 * what most "secret-looking" variables of official images hold.
 */

/** Words that make a name sensitive when a word equals or ends with them (`DBPASSWORD`, `GHTOKEN`). */
const SENSITIVE_WORD_ENDINGS = [
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'APIKEY',
  'ACCESSKEY',
  'PRIVATEKEY',
  'SECRETKEY',
  'CREDENTIAL',
  'CREDENTIALS',
];
/** Words that are sensitive only on their own and last (`DB_PASS`, `MYSQL_PWD`, `BASIC_AUTH`; not `AUTH_SERVER`). */
const SENSITIVE_WORDS = new Set(['PASS', 'PWD', 'PSW', 'AUTH']);
/** `<word>_KEY` pairs that name a key rather than, say, a GPG key id. */
const KEY_PREFIXES = new Set(['API', 'ACCESS', 'PRIVATE', 'SECRET', 'AUTH', 'ENCRYPTION', 'SIGNING', 'MASTER', 'LICENSE', 'CLIENT']);
/**
 * A last word that makes the variable about a secret rather than the secret:
 * `DB_PASSWORD_FILE=/run/secrets/db` is the recommended way to pass one.
 */
const REFERENCE_SUFFIXES = new Set([
  'FILE',
  'FILES',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'NAME',
  'ENABLED',
  'DISABLED',
  'ENABLE',
  'DISABLE',
  'REQUIRED',
  'LENGTH',
  'EXPIRY',
  'EXPIRATION',
  'TTL',
  'TIMEOUT',
  'TYPE',
  'METHOD',
  'HEADER',
  'POLICY',
  'PROVIDER',
  'ALGORITHM',
  'LOCATION',
  'VERSION',
  'STDIN',
  'COMMAND',
  'CMD',
  'MODE',
  'USER',
  'USERNAME',
  'EMAIL',
  'SOCK',
  'SOCKET',
]);
/** Names that match the words but are well-known non-secrets. */
const NOT_SECRET_NAMES = new Set(['PWD', 'OLDPWD', 'AUTH']);

/** `db.password`, `api-key`, `DB_PASSWORD` → `DB_PASSWORD`, `API_KEY`. */
export function normaliseName(name: string): string {
  return name
    .slice(0, 256)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function isSensitiveName(name: string): boolean {
  const norm = normaliseName(name);
  if (!norm || NOT_SECRET_NAMES.has(norm)) return false;
  const words = norm.split('_');
  if (REFERENCE_SUFFIXES.has(words[words.length - 1]!)) return false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (SENSITIVE_WORDS.has(w) && i === words.length - 1) return true;
    if (SENSITIVE_WORD_ENDINGS.some((e) => w.endsWith(e))) return true;
    if ((w === 'KEY' || w === 'KEYS') && i > 0 && KEY_PREFIXES.has(words[i - 1]!)) return true;
  }
  return false;
}

const PLACEHOLDER_WORDS = new Set([
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'api_key',
  'example',
  'sample',
  'dummy',
  'fake',
  'placeholder',
  'redacted',
  'hidden',
  'masked',
  'none',
  'null',
  'nil',
  'undefined',
  'empty',
  'todo',
  'tbd',
  'fixme',
  'test',
  'testing',
  'default',
  'unset',
  'notset',
  'not_set',
  'required',
  'replaceme',
  'replace_me',
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'enabled',
  'disabled',
]);

/** Template and variable syntax: `${DB_PASS}`, `$TOKEN`, `%TOKEN%`, `{{ .token }}`, `<your token>`. */
const TEMPLATE = /^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|\{\{.*\}\}|<[^>]*>|\[[^\]]*\])$/;
/** A reference to a file rather than the secret itself: `/run/secrets/db`, `./token`, `~/.pgpass`. */
const FILE_PATH = /^(~|\.{1,2})?\/[A-Za-z0-9._\-/]*$/;

export function stripQuotes(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1).trim();
  return v;
}

/** True when `value` is a real-looking secret value: not empty, not a placeholder, a file path or a switch. */
export function isSecretValue(raw: string): boolean {
  const value = stripQuotes(raw);
  if (value.length < 3) return false;
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return false;
  if (/^(.)\1*$/.test(value)) return false; // `***`, `xxxx`, `0000`
  if (/^x{3,}|x{4,}$/i.test(value)) return false; // `xxxxx-1234`, `ghp_xxxx`
  if (/(example|placeholder|changeme|change_me|redacted|your[_-]?(password|token|secret|key|api))/.test(lower)) return false;
  if (/^(your|my)[_-]/.test(lower)) return false;
  if (TEMPLATE.test(value)) return false;
  if (FILE_PATH.test(value)) return false;
  return true;
}

/**
 * Redacted form of a secret value: its first two characters when it is long
 * enough that they give little away (8 or more), then a fixed mask, so
 * neither the value nor its length is shown.
 */
export function redact(raw: string): string {
  const value = stripQuotes(raw);
  return value.length >= 8 ? `${value.slice(0, 2)}********` : '********';
}

export interface UrlCredential {
  /** The URL with its password (or token user) masked. */
  redacted: string;
  /** The text it replaces. */
  original: string;
}

const URL_USERINFO = /([A-Za-z][A-Za-z0-9+.-]{0,20}):\/\/([^\s:@/?#'"]{1,256})(?::([^\s@/?#'"]{1,256}))?@([^\s/?#'"]{1,256})/g;

/**
 * Credentials written into URLs (`postgres://app:s3cret@db/app`,
 * `https://x-access-token:ghp_…@github.com/…`, `https://<token>@github.com`).
 * A user without a password counts only when it looks like a token.
 */
export function urlCredentials(text: string): UrlCredential[] {
  const out: UrlCredential[] = [];
  const bounded = text.slice(0, 64 * 1024);
  URL_USERINFO.lastIndex = 0;
  for (let m = URL_USERINFO.exec(bounded); m && out.length < 20; m = URL_USERINFO.exec(bounded)) {
    const [, scheme, user, password, host] = m;
    if (password !== undefined) {
      if (!isSecretValue(password)) continue;
      out.push({ redacted: `${scheme}://${user}:${redact(password)}@${host}`, original: m[0] });
    } else if (looksLikeToken(user!)) {
      out.push({ redacted: `${scheme}://${redact(user!)}@${host}`, original: m[0] });
    }
  }
  return out;
}

/** Long, mixed letters and digits, no spaces: the shape of an API token rather than a user name. */
export function looksLikeToken(s: string): boolean {
  return s.length >= 20 && /^[A-Za-z0-9_\-.]+$/.test(s) && /[A-Za-z]/.test(s) && /[0-9]/.test(s) && isSecretValue(s);
}
