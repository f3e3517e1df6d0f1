/**
 * Credentials recognised by where they sit rather than by a vendor format:
 * database URLs with a password, .pgpass lines, hard-coded Authorization
 * headers, and `password=` / `secret:` assignments with an entropy test
 * (BH-SEC-092 … 096). They come last so a vendor rule that explains the same
 * secret on the same line wins.
 */
import type { MatchContext, SecretRule } from '../rule.js';
import { baseName } from '../rule.js';
import { defineRule } from './define.js';
import { passwordOfBasicAuth } from './registries.js';

/** Values that are words of configuration, not credentials. */
const NON_SECRET_VALUES = new Set([
  'true',
  'false',
  'null',
  'nil',
  'none',
  'undefined',
  'required',
  'optional',
  'string',
  'str',
  'text',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'hidden',
  'empty',
  'default',
  'yes',
  'no',
  'on',
  'off',
  'disabled',
  'enabled',
  'plain',
  'plaintext',
  'prompt',
  'stdin',
  'random',
  'auto',
  'generated',
  'bearer',
]);

/** Words that, ending or starting what follows the keyword in a name, say it holds no credential (`PASSWORD_FILE`, `secretKeyRef`). */
const NON_SECRET_NAME_PARTS = [
  'file',
  'path',
  'dir',
  'env',
  'var',
  'field',
  'label',
  'prompt',
  'hint',
  'name',
  'id',
  'type',
  'len',
  'length',
  'size',
  'min',
  'max',
  'policy',
  'regex',
  'pattern',
  'hash',
  'digest',
  'salt',
  'expiry',
  'expires',
  'expiration',
  'reset',
  'change',
  'changed',
  'required',
  'enabled',
  'enable',
  'disabled',
  'confirm',
  'validation',
  'validator',
  'strength',
  'rule',
  'rules',
  'url',
  'uri',
  'endpoint',
  'header',
  'param',
  'params',
  'query',
  'column',
  'attr',
  'mode',
  'manager',
  'store',
  'ref',
  'provider',
  'source',
  'format',
  'encoding',
  'version',
  'count',
  'timeout',
  'ttl',
  'lifetime',
  'placeholder',
  'input',
  'form',
  'selector',
  'class',
  'style',
  'icon',
  'text',
  'message',
  'msg',
  'error',
  'template',
  'mask',
  'visible',
  'toggle',
  'strategy',
  'method',
  'algorithm',
  'generator',
  'arn',
  'key_ref',
  'keyref',
];

/** Words that, just before the keyword in a name, say it holds no credential (`csrf_token`, `next_page_token`). */
const NON_SECRET_NAME_PREFIX = /(?:public|csrf|xsrf|page|next|continuation|cancel|cancellation|sync|pagination|cursor|lexer|parser|confirm|current|show|hide|forgot|reset|change|new|old|min|max)[_.-]?$/;

const IDENTIFIER_CHAR = /[A-Za-z0-9_.-]/;

/** The whole identifier a keyword sits in: what comes before it and what follows it. */
function nameAround(ctx: MatchContext, keyword: RegExp): { before: string; after: string } {
  let start = ctx.match.index;
  const limit = Math.max(0, start - 64);
  while (start > limit && IDENTIFIER_CHAR.test(ctx.text[start - 1] ?? '')) start--;
  const before = ctx.text.slice(start, ctx.match.index);
  const m = keyword.exec(ctx.match[0]);
  const after = m ? ctx.match[0].slice(m[0].length).match(/^[A-Za-z0-9_.-]*/)![0] : '';
  return { before, after };
}

function nameSaysNoSecret(before: string, after: string): boolean {
  // `tokenizer`, `secretary`, `passwords`: the keyword is part of another word.
  if (/^[a-z]/.test(after)) return true;
  const tail = after.toLowerCase().replace(/[_.-]/g, '');
  if (tail && NON_SECRET_NAME_PARTS.some((w) => tail.startsWith(w) || tail.endsWith(w))) return true;
  return NON_SECRET_NAME_PREFIX.test(before.toLowerCase());
}

/** True when a value could be a literal credential rather than code, a reference or a word. */
function plausibleValue(v: string, quoted: boolean, minLength: number, needsDigit: boolean): boolean {
  if (v.length < minLength) return false;
  // Passwords and keys have no spaces; quoted text with spaces is a message or a label.
  if (/\s/.test(v)) return false;
  if (/^[A-Za-z_.-]+$/.test(v)) return false;
  if (/^[0-9.]+$/.test(v)) return false;
  if (!quoted && /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/.test(v)) return false;
  if (!quoted && /[()[\]{}]/.test(v)) return false;
  if (/^(?:\$|%|@|\/|\.\/|~\/|\\\\|&|\*)/.test(v)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return false;
  if (/\$\{|\{\{|\$\(|%\(|#\{|process\.env|os\.environ|getenv|env\(|secrets\.|vault:/i.test(v)) return false;
  if (NON_SECRET_VALUES.has(v.toLowerCase())) return false;
  if (needsDigit && !(/[0-9]/.test(v) && /[A-Za-z]/.test(v))) return false;
  return true;
}

/** Group 1-3 are quoted values, group 4 an unquoted one. */
const VALUE = `(?:"([^"\\r\\n]{1,256})"|'([^'\\r\\n]{1,256})'|\`([^\`\\r\\n]{1,256})\`|([^\\s"'\`,;)\\]}<>]{1,256}))`;
const JOINT = `["']?[ \\t]{0,4}(?:=|:=|=>|:)[ \\t]{0,4}`;

const PASSWORD_KEYWORD = /^(?:password|passwd|passphrase|pwd)/i;
const SECRET_KEYWORD =
  /^(?:secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|credential)/i;

/** Interactive-session examples in documentation (`>>> connect(passwd='…')`). */
function onPromptLine(ctx: MatchContext): boolean {
  // Only the 200 characters before the match: a prompt starts a short line, and a bounded look keeps long lines linear.
  const from = Math.max(0, ctx.match.index - 200);
  const before = ctx.text.slice(from, ctx.match.index);
  const nl = before.lastIndexOf('\n');
  if (nl < 0 && from > 0) return false;
  return /^[ \t]*(?:>>>|\.\.\.)[ \t]/.test(before.slice(nl + 1));
}

function assignmentVerifier(keyword: RegExp, minLength: number, needsDigit: boolean) {
  return (secret: string, ctx: MatchContext): string | null => {
    if (onPromptLine(ctx)) return null;
    const quoted = ctx.match[4] === undefined;
    const value = secret.trim();
    if (!plausibleValue(value, quoted, minLength, needsDigit)) return null;
    const { before, after } = nameAround(ctx, keyword);
    if (nameSaysNoSecret(before, after)) return null;
    return value;
  };
}

const DUMMY_DB_PASSWORDS = new Set(['password', 'pass', 'passwd', 'pwd', 'pw', 'secret', 'test', 'user', 'username', 'dbpass', 'mypassword', 'mysecret', 'foo', 'bar']);

export const genericRules: readonly SecretRule[] = [
  defineRule({
    n: 92,
    title: 'Database connection string with a password',
    severity: 'high',
    grants: 'a login to the database the URL points to',
    issuer: 'the database (change the user password)',
    keywords: ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'oracle', 'cockroachdb', 'clickhouse'],
    regex:
      /(?<![A-Za-z0-9+.-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse)(?:\+[a-z0-9]{1,20})?:\/\/(?<user>[^:/?#@\s"'<>]{0,128}):(?<secret>[^@/?#\s"'<>]{1,256})@[^\s"'<>/@]{1,256}/i,
    verify: (secret, { match }) => {
      let password = secret;
      try {
        password = decodeURIComponent(secret);
      } catch {
        // keep it as written
      }
      const user = match.groups?.user ?? '';
      if (password === user || DUMMY_DB_PASSWORDS.has(password.toLowerCase())) return null;
      if (/^[$%<{*]/.test(password)) return null;
      return password;
    },
  }),
  defineRule({
    n: 93,
    title: 'Password in a PostgreSQL password file',
    severity: 'high',
    grants: 'logins to the PostgreSQL servers listed in the .pgpass file',
    issuer: 'the database (change the user password)',
    keywords: [],
    appliesTo: (path) => baseName(path) === '.pgpass',
    regex: /^[ \t]*[^:#\s][^:\s]{0,255}:(?:[0-9]{1,5}|\*):[^:\s]{1,255}:[^:\s]{1,255}:(\S{1,512})[ \t]*$/m,
  }),
  defineRule({
    n: 94,
    title: 'Hard-coded Authorization header',
    severity: 'high',
    grants: 'whatever the bearer token or basic credentials open at the API they are sent to',
    issuer: 'the API that accepts it',
    refs: ['gitleaks:curl-auth-header'],
    keywords: ['authorization'],
    regex: /(?<![A-Za-z0-9_-])authorization["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(?<scheme>bearer|basic|token)[ \t]{1,4}(?<secret>[A-Za-z0-9._~+/=-]{16,4096})/i,
    verify: (secret, { match }) => (match.groups?.scheme?.toLowerCase() === 'basic' ? passwordOfBasicAuth(secret) : secret),
    entropy: 3.5,
  }),
  defineRule({
    n: 95,
    title: 'Hard-coded password',
    severity: 'high',
    grants: 'a login to whatever system the password belongs to',
    issuer: 'the system the password belongs to',
    refs: ['gitleaks:generic-api-key'],
    keywords: ['password', 'passwd', 'passphrase', 'pwd'],
    regex: new RegExp(`(?:password|passwd|passphrase|(?<![A-Za-z])pwd)[A-Za-z0-9_.-]{0,24}${JOINT}${VALUE}`, 'i'),
    verify: assignmentVerifier(PASSWORD_KEYWORD, 8, false),
    entropy: 3,
  }),
  defineRule({
    n: 96,
    title: 'Hard-coded secret, token or API key',
    severity: 'medium',
    grants: 'whatever the secret opens',
    issuer: 'the service the secret belongs to',
    refs: ['gitleaks:generic-api-key'],
    keywords: [
      'secret',
      'token',
      'api_key',
      'apikey',
      'api-key',
      'api.key',
      'access_key',
      'accesskey',
      'access-key',
      'auth_key',
      'authkey',
      'signing_key',
      'encryption_key',
      'master_key',
      'credential',
    ],
    regex: new RegExp(
      `(?:secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|credential)[A-Za-z0-9_.-]{0,24}${JOINT}${VALUE}`,
      'i',
    ),
    verify: assignmentVerifier(SECRET_KEYWORD, 16, true),
    entropy: 3.5,
  }),
];
