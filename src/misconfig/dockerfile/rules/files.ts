/**
 * COPY and ADD: remote ADD (BH-DF-006), ADD of local files (007), credential
 * files copied into the image (021), `--chmod` making files world-writable
 * (024), and the whole context copied without a .dockerignore (033).
 */
import type { Severity } from '../../../core/types.js';
import { ADD_LOCAL, ADD_REMOTE, NO_DOCKERIGNORE, SECRET_FILE, WORLD_WRITABLE } from '../checks.js';
import { jsonArray, type RuleContext } from '../context.js';
import { lookupFor, type Instr } from '../document.js';
import { processWord, splitWords } from '../variables.js';
import { worldWritableMode } from './commands.js';

const REMOTE = /^(?:https?|ftp):\/\/|^git@|^git:\/\/|^ssh:\/\//i;
const GIT = /^git@|^git:\/\/|^ssh:\/\/|\.git(?:#|$)/i;
const ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|tar\.lz|tar\.lzma|tlz)$/i;
const WHOLE_CONTEXT = new Set(['.', './', '*', './*', '/']);

interface SecretFile {
  re: RegExp;
  what: string;
  severity?: Severity;
  /** Also matched against the destination path. */
  dest?: boolean;
}

const SECRET_FILES: readonly SecretFile[] = [
  { re: /(?:^|\/)id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/, what: 'an SSH private key', dest: true },
  { re: /(?:^|\/)\.ssh\/?$/, what: 'an .ssh directory' },
  { re: /(?:^|\/)\.env(?:\.(?!example$|sample$|template$|dist$|defaults?$|tpl$)[\w.-]+)?$/, what: 'a .env file' },
  { re: /(?:^|\/)\.git-credentials$/, what: 'Git credentials', dest: true },
  { re: /(?:^|\/)\.netrc$/, what: 'a .netrc file', dest: true },
  { re: /(?:^|\/)\.aws\/credentials$|(?:^|\/)\.aws\/?$/, what: 'AWS credentials', dest: true },
  { re: /(?:^|\/)\.docker\/config\.json$/, what: 'Docker registry credentials', dest: true },
  { re: /(?:^|\/)\.kube\/config$|(?:^|\/)kubeconfig$/, what: 'a kubeconfig', dest: true },
  { re: /\.(?:p12|pfx)$/i, what: 'a PKCS#12 key store' },
  { re: /^(?!.*(?:pub|gpg|asc|public)).*\.key$/i, what: 'a private key file' },
  { re: /(?:^|\/)\.npmrc$/, what: 'an .npmrc (npm registry tokens)', severity: 'medium', dest: true },
  { re: /(?:^|\/)\.pypirc$/, what: 'a .pypirc (PyPI credentials)', severity: 'medium', dest: true },
];

interface CopyArgs {
  sources: Array<{ value: string; complete: boolean }>;
  dest: { value: string; complete: boolean } | null;
}

/** Sources and destination of COPY/ADD after word processing; heredoc sources left out. */
export function copyArgs(ctx: RuleContext, ins: Instr): CopyArgs {
  const json = jsonArray(ins.args.text);
  const raws = json ? json.map((v) => JSON.stringify(v)) : splitWords(ins.args.text, ctx.doc.escapeChar).map((w) => w.raw);
  const lookup = lookupFor(ctx.doc, ins);
  const all = raws.map((r) => processWord(r, lookup, ctx.doc.escapeChar));
  if (all.length < 2) return { sources: [], dest: all[0] ?? null };
  const sources = all.slice(0, -1).filter((_, k) => !/^<<-?["']?[A-Za-z_]/.test(raws[k]!));
  return { sources, dest: all[all.length - 1]! };
}

function hasFlag(ins: Instr, name: string): boolean {
  return ins.flags.some((f) => f.name === name);
}

export function checkAdd(ctx: RuleContext): void {
  for (const ins of ctx.doc.instructions) {
    if (ins.keyword !== 'ADD' || hasFlag(ins, 'from')) continue;
    const { sources } = copyArgs(ctx, ins);
    const local: string[] = [];
    for (const s of sources) {
      if (!s.complete) continue;
      if (REMOTE.test(s.value)) {
        if (hasFlag(ins, 'checksum')) continue;
        if (GIT.test(s.value)) {
          // A full commit id pins a repository.
          if (!/#[0-9a-f]{40}(?::|$)/i.test(s.value)) ctx.report(ADD_REMOTE, ins, { title: `ADD ${s.value} clones a moving git reference: pin a commit (#<sha>)` });
        } else {
          ctx.report(ADD_REMOTE, ins, { title: `ADD ${s.value} downloads at build time without --checksum` });
        }
      } else if (!ARCHIVE.test(s.value)) {
        local.push(s.value);
      }
    }
    if (local.length) ctx.report(ADD_LOCAL, ins, { title: `ADD ${local.join(' ')} copies local files: use COPY` });
  }
}

export function checkCopiedFiles(ctx: RuleContext): void {
  for (const ins of ctx.doc.instructions) {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    const chmod = ins.flags.find((f) => f.name === 'chmod')?.value;
    if (chmod && worldWritableMode(chmod)) {
      ctx.report(WORLD_WRITABLE, ins, { title: `${ins.keyword} --chmod=${chmod} makes the copied files world-writable` });
    }
    if (hasFlag(ins, 'from')) continue;
    const { sources, dest } = copyArgs(ctx, ins);
    if (ctx.options.hasDockerignore === false && !hasFlag(ins, 'exclude')) {
      const whole = sources.find((s) => s.complete && WHOLE_CONTEXT.has(s.value));
      if (whole) ctx.report(NO_DOCKERIGNORE, ins, { title: `${ins.keyword} ${whole.value} copies the whole build context and there is no .dockerignore` });
    }
    if (!ins.stage?.inFinalImage) continue;
    const seen = new Set<string>();
    const candidates = [...sources.map((s) => ({ ...s, dest: false })), ...(dest ? [{ ...dest, dest: true }] : [])];
    for (const c of candidates) {
      if (!c.complete || REMOTE.test(c.value)) continue;
      const path = c.value.replace(/\/+$/, c.value === '/' ? '/' : '');
      const hit = SECRET_FILES.find((f) => (c.dest ? f.dest === true : true) && f.re.test(path));
      if (!hit || seen.has(hit.what)) continue;
      seen.add(hit.what);
      ctx.report(SECRET_FILE, ins, {
        title: `${ins.keyword} puts ${hit.what} (${c.value}) into the image`,
        ...(hit.severity ? { severity: hit.severity } : {}),
      });
    }
  }
}
