/**
 * BH-DF-020: secrets in ENV and ARG, by name and by value, and redaction of
 * anything secret-looking in the evidence every finding carries.
 */
import type { Instruction } from 'dockerfile-ast';
import { SECRET_IN_ENV } from '../checks.js';
import type { RuleContext } from '../context.js';
import { lookupFor, type Instr } from '../document.js';
import { processWord } from '../variables.js';

/** Credential formats recognisable by shape alone. */
const TOKEN_PATTERNS: ReadonlyArray<{ kind: string; re: RegExp }> = [
  { kind: 'an AWS access key id', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { kind: 'a GitHub token', re: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/ },
  { kind: 'a GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { kind: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'a Slack webhook URL', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/ },
  { kind: 'a Stripe secret key', re: /\b[rs]k_live_[A-Za-z0-9]{20,}/ },
  { kind: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}/ },
  { kind: 'an npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'a PyPI token', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/ },
  { kind: 'a SendGrid key', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/ },
  { kind: 'a private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
];
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]*:)([^\s@/'"]+)@/gi;

const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|APIKEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|SESSION_?KEY|CLIENT_?SECRET|CREDENTIALS?|PASSPHRASE|AUTH_?TOKEN|CONNECTION_?STRING)(?:_|$)/i;
/** Names that describe a secret without holding one (a file, a length, a switch…). */
const NOT_A_SECRET_NAME =
  /_(?:FILE|PATH|DIR|URL|URI|HOST|PORT|USER|USERNAME|NAME|LENGTH|LEN|MIN|MAX|TTL|TIMEOUT|EXPIRY|EXPIRES|EXPIRE|ENABLED|ENABLE|DISABLED|REQUIRED|ENDPOINT|HEADER|TYPE|MODE|POLICY|FORMAT|PREFIX|SUFFIX|FIELD|VERSION|ALGORITHM|ALG|LOCATION|REGION|HASH_ROUNDS)$/i;
const BOOLEAN_OR_NUMBER = /^(?:true|false|yes|no|on|off|none|null|nil|[0-9]{1,3})$/i;
const PLACEHOLDER =
  /^(?:|changeme|change_me|change-me|changeit|example|examples?_\w*|placeholder|dummy|fake|test|todo|tbd|replace_?me|your[_-]?\w*|<[^>]*>|\{\{[^}]*\}\}|x{3,}|\*{3,}|\.{3}|-)$/i;

/** True for a variable name that says it holds a secret. */
export function isSecretName(name: string): boolean {
  if (name === 'PWD' || name === 'OLDPWD') return false;
  if (!SECRET_NAME.test(name)) return false;
  if (/ACCESS_?KEY_ID$/i.test(name)) return true;
  return !NOT_A_SECRET_NAME.test(name) && !/_ID$/i.test(name);
}

/** Values are searched up to this length: credentials are short, and the patterns must stay cheap. */
const MAX_VALUE_SCAN = 4096;

/** The kind of credential `text` contains, recognised by its shape; null when none. */
export function tokenKind(value: string): string | null {
  const text = value.length > MAX_VALUE_SCAN ? value.slice(0, MAX_VALUE_SCAN) : value;
  for (const p of TOKEN_PATTERNS) if (p.re.test(text)) return p.kind;
  for (const m of text.matchAll(URL_PASSWORD)) {
    const password = m[2]!;
    if (!password.startsWith('$') && !PLACEHOLDER.test(password)) return 'a password in a URL';
  }
  return null;
}

/** Replaces credential-looking parts of `text` (evidence shown to users) with `****`. */
export function redact(text: string): string {
  let out = text.length > MAX_VALUE_SCAN ? text.slice(0, MAX_VALUE_SCAN) : text;
  out = out.replace(/\b(Authorization|Proxy-Authorization)(\s*:\s*)(?:(Bearer|Basic|Token|token)\s+)?[^\s"']+/gi, (_m, h: string, sep: string, scheme?: string) =>
    `${h}${sep}${scheme ? `${scheme} ` : ''}****`,
  );
  for (const p of TOKEN_PATTERNS) out = out.replace(new RegExp(p.re.source, p.re.flags.includes('g') ? p.re.flags : `${p.re.flags}g`), '****');
  out = out.replace(URL_PASSWORD, (_m, head: string, pw: string) => (pw.startsWith('$') ? `${head}${pw}@` : `${head}****@`));
  // NAME=value, NAME: value and --password value where the name says secret.
  out = out.replace(/\b([A-Za-z_][A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"']+)/g, (m, name: string, sep: string, value: string) =>
    isSecretName(name.replace(/[.-]/g, '_')) && !/^["']?\$/.test(value) ? `${name}${sep}****` : m,
  );
  out = out.replace(/(--?(?:password|passwd|token|secret|api-key|apikey)(?:=|\s+))("[^"]*"|'[^']*'|[^\s"']+)/gi, (m, flag: string, value: string) =>
    value.startsWith('$') ? m : `${flag}****`,
  );
  return out;
}

interface Property {
  getName(): string;
  getUnescapedValue(): string | null;
  getRange(): { start: { line: number }; end: { line: number } };
}

function propertiesOf(ins: Instr): Property[] {
  const node = ins.node as Instruction & { getProperties?: () => Property[] };
  return typeof node.getProperties === 'function' ? node.getProperties() : [];
}

/** Index of the last RUN of each stage (build arguments in scope are recorded in the history of every RUN). */
function lastRuns(ctx: RuleContext): Map<number, number> {
  const out = new Map<number, number>();
  for (const ins of ctx.doc.instructions) if (ins.keyword === 'RUN' && ins.stage) out.set(ins.stage.index, ins.index);
  return out;
}

export function checkSecretsInEnv(ctx: RuleContext): void {
  const lastRun = lastRuns(ctx);
  const runFollows = (ins: Instr): boolean => !!ins.stage && (lastRun.get(ins.stage.index) ?? -1) > ins.index;
  for (const ins of ctx.doc.instructions) {
    if (ins.keyword !== 'ENV' && ins.keyword !== 'ARG' && ins.keyword !== 'LABEL') continue;
    for (const p of propertiesOf(ins)) {
      const name = p.getName();
      const raw = p.getUnescapedValue();
      const r = p.getRange();
      const span = { startLine: r.start.line + 1, endLine: r.end.line + 1 };
      const evidence = `${ins.keyword} ${name}=****`;
      const kind = raw ? tokenKind(raw) : null;
      if (kind) {
        ctx.report(SECRET_IN_ENV, ins, { span, evidence, title: `${ins.keyword} ${name} holds ${kind}` });
        continue;
      }
      if (ins.keyword === 'LABEL' || !isSecretName(name)) continue;
      const inImage = ins.stage?.inFinalImage ?? false;
      if (raw === null || raw.trim() === '' || raw === '""' || raw === "''") {
        if (ins.keyword === 'ARG' && inImage && runFollows(ins)) {
          ctx.report(SECRET_IN_ENV, ins, {
            span,
            evidence: `ARG ${name}`,
            severity: 'medium',
            title: `Build argument ${name} looks like a secret: its value is recorded in the image history of every later RUN`,
          });
        }
        continue;
      }
      const value = processWord(raw, lookupFor(ctx.doc, ins), ctx.doc.escapeChar);
      const literal = raw.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '').replace(/["'\s]/g, '');
      if (literal === '') {
        // Only variables: a build argument copied into ENV persists in the image configuration.
        if (ins.keyword === 'ENV' && inImage) {
          ctx.report(SECRET_IN_ENV, ins, { span, evidence: `ENV ${name}=${raw.slice(0, 100)}`, title: `ENV ${name} stores a build argument in the image configuration` });
        }
        continue;
      }
      const v = value.value.trim();
      if (PLACEHOLDER.test(v) || BOOLEAN_OR_NUMBER.test(v)) continue;
      ctx.report(SECRET_IN_ENV, ins, { span, evidence, title: `${ins.keyword} ${name} sets a secret value in the Dockerfile` });
    }
  }
}
