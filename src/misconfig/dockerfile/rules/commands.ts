/**
 * Commands in RUN: remote scripts piped into a shell (BH-DF-008), sudo (009),
 * world-writable modes (024), `cd` instead of WORKDIR (025), useradd without
 * -l (032), downloads piped without pipefail (035).
 */
import { PIPE_TO_SHELL, PIPE_WITHOUT_PIPEFAIL, RUN_CD, SUDO, USERADD_LOG, WORLD_WRITABLE } from '../checks.js';
import type { RuleContext, RunPart } from '../context.js';
import { lookupFor, type Instr } from '../document.js';
import { optionValues, parseOptions, hasOption, type Invocation } from '../shell.js';
import { substituteVariables } from '../variables.js';

const SHELL_NAMES = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'fish']);
/** Interpreters and the options that give them a program other than stdin. */
const INTERPRETERS = new Map<string, string[]>([
  ...[...SHELL_NAMES].map((n) => [n, []] as [string, string[]]),
  ['python', ['-c', '-m']],
  ['python2', ['-c', '-m']],
  ['python3', ['-c', '-m']],
  ['perl', ['-e', '-E']],
  ['ruby', ['-e']],
  ['node', ['-e', '-p', '--eval', '--print']],
  ['php', ['-r']],
  ['pwsh', ['-c', '-Command', '-f', '-File']],
]);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
const REMOTE_SUBSTITUTION = /(?:\$\(|`|<\()\s*(?:curl|wget)\b/;
/** lastlog holds one 292-byte record per UID up to the highest one. */
const LASTLOG_RECORD = 292;
const USERADD_REPORT_BYTES = 10 * 1000 * 1000;

/** True when a chmod-style mode (octal or symbolic) grants write to others without the sticky bit. */
export function worldWritableMode(mode: string): boolean {
  if (/^[0-7]{1,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    return (Number(digits[3]) & 2) !== 0 && (Number(digits[0]) & 1) === 0;
  }
  let writable = false;
  let sticky = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return false;
    const [, who, op, perms] = m as unknown as [string, string, string, string];
    if (op === '-') continue;
    if (perms.includes('t')) sticky = true;
    if ((who.includes('o') || who.includes('a')) && perms.includes('w')) writable = true;
  }
  return writable && !sticky;
}

function resolveText(ctx: RuleContext, ins: Instr, value: string): string | null {
  if (!value.includes('$')) return value;
  const r = substituteVariables(value, lookupFor(ctx.doc, ins));
  return r.complete ? r.value : null;
}

/** True when an interpreter runs the program it reads on stdin (`| sh`, `| bash -s --`, `| python3 -`). */
function runsStdin(inv: Invocation): boolean {
  const programOpts = INTERPRETERS.get(inv.name);
  if (!programOpts) return false;
  for (const a of inv.args) {
    const v = a.value;
    if (v === '-' || v === '-s' || v === '--') return true;
    if (programOpts.includes(v) || (SHELL_NAMES.has(inv.name) && /^-[a-z]*c[a-z]*$/.test(v))) return false;
    if (!v.startsWith('-')) return false; // a script file
  }
  return true;
}

/** Commands of a script grouped into pipelines (`a | b | c`). */
function pipelines(part: RunPart): Invocation[][] {
  const byIndex = new Map(part.invocations.map((inv) => [inv.index, inv]));
  const out: Invocation[][] = [];
  const cmds = part.script.commands;
  for (let i = 0; i < cmds.length; ) {
    let j = i;
    while (j < cmds.length - 1 && cmds[j]!.op === '|') j++;
    if (j > i) {
      const invs: Invocation[] = [];
      for (let k = i; k <= j; k++) {
        const inv = byIndex.get(k);
        if (inv) invs.push(inv);
      }
      out.push(invs);
    }
    i = j + 1;
  }
  return out;
}

/** `set -o pipefail` (or `-eo pipefail`, `-euxo pipefail`…) before command `index`. */
function pipefailSetBefore(part: RunPart, index: number): boolean {
  return part.invocations.some(
    (inv) => inv.index < index && inv.name === 'set' && inv.args.some((a, k) => a.value === 'pipefail' && /^-[a-zA-Z]*o$/.test(inv.args[k - 1]?.value ?? '')),
  );
}

export function checkCommands(ctx: RuleContext): void {
  for (const ins of ctx.doc.instructions) {
    if (ins.keyword !== 'RUN') continue;
    const run = ctx.run(ins);
    for (const part of run.parts) {
      for (const inv of part.invocations) {
        if (inv.wrappers.includes('sudo') || inv.name === 'sudo') {
          ctx.report(SUDO, ins, {
            span: ctx.spanOf(part, inv),
            evidence: ctx.evidenceOf(part, inv),
            title: inv.name === 'sudo' ? 'sudo in a RUN instruction' : `sudo ${inv.name} in a RUN instruction`,
          });
        }
        const evaluates = INTERPRETERS.has(inv.name) || inv.name === 'eval' || inv.name === 'source' || inv.name === '.';
        if (evaluates && inv.args.some((a) => REMOTE_SUBSTITUTION.test(a.value))) {
          ctx.report(PIPE_TO_SHELL, ins, {
            span: ctx.spanOf(part, inv),
            evidence: ctx.evidenceOf(part, inv),
            title: `${inv.name} runs a script downloaded at build time`,
          });
        }
        checkModes(ctx, ins, part, inv);
        if (inv.name === 'useradd') checkUseradd(ctx, ins, part, inv);
      }
      for (const pipe of pipelines(part)) {
        const download = pipe.slice(0, -1).find((inv) => DOWNLOADERS.has(inv.name));
        if (!download) continue;
        const after = pipe.slice(pipe.indexOf(download) + 1);
        const shell = after.find(runsStdin);
        if (shell) {
          ctx.report(PIPE_TO_SHELL, ins, {
            span: ctx.spanOf(part, download, shell),
            evidence: ctx.evidenceOf(part, download, shell),
            title: `${download.name} output piped into ${shell.name}: the downloaded script runs unverified`,
          });
        } else if (!run.pipefailShell && !pipefailSetBefore(part, download.index)) {
          const last = pipe[pipe.length - 1]!;
          ctx.report(PIPE_WITHOUT_PIPEFAIL, ins, {
            span: ctx.spanOf(part, download, last),
            evidence: ctx.evidenceOf(part, download, last),
            title: `${download.name} piped into ${last.name} without pipefail: a failed download does not fail the build`,
          });
        }
      }
      if (part.kind !== 'nested') {
        const first = part.invocations[0];
        if (first && first.index === 0 && first.name === 'cd' && first.command.depth === 0 && first.args.length) {
          const dir = first.args[0]!.value;
          ctx.report(RUN_CD, ins, {
            span: ctx.spanOf(part, first),
            evidence: ctx.evidenceOf(part, first),
            title: `RUN starts with cd ${dir}: use WORKDIR ${dir}`,
          });
        }
      }
    }
  }
}

function checkModes(ctx: RuleContext, ins: Instr, part: RunPart, inv: Invocation): void {
  let mode: string | undefined;
  if (inv.name === 'chmod') {
    // The first argument that is not an option (-R, -f, -v, -c, --reference=…) is the mode.
    mode = inv.args.find((a) => !/^-[RfvchHLP]+$/.test(a.value) && !a.value.startsWith('--'))?.value;
  } else if (inv.name === 'mkdir' || inv.name === 'install') {
    const p = parseOptions(inv.args, new Set(['-m', '--mode', '-o', '-g', '--owner', '--group', '-t', '--target-directory', '-S', '--suffix', '-Z', '--context']));
    mode = optionValues(p, '-m', '--mode')[0];
  }
  if (!mode) return;
  const resolved = resolveText(ctx, ins, mode);
  if (resolved && worldWritableMode(resolved)) {
    ctx.report(WORLD_WRITABLE, ins, {
      span: ctx.spanOf(part, inv),
      evidence: ctx.evidenceOf(part, inv),
      title: `${inv.name} ${inv.name === 'chmod' ? resolved : `-m ${resolved}`} makes files world-writable`,
    });
  }
}

const USERADD_VALUE_OPTS = new Set([
  '-b', '-c', '-d', '-e', '-f', '-g', '-G', '-k', '-K', '-p', '-s', '-u', '-R', '-P', '-Z',
  '--base-dir', '--comment', '--home-dir', '--expiredate', '--inactive', '--gid', '--groups', '--skel', '--key', '--password', '--shell', '--uid', '--root', '--prefix', '--selinux-user',
]);

function checkUseradd(ctx: RuleContext, ins: Instr, part: RunPart, inv: Invocation): void {
  const p = parseOptions(inv.args, USERADD_VALUE_OPTS);
  if (hasOption(p, '-l', '--no-log-init')) return;
  const raw = optionValues(p, '-u', '--uid')[0];
  if (raw === undefined) return;
  const uid = resolveText(ctx, ins, raw);
  if (uid === null || !/^\d{1,10}$/.test(uid)) return;
  const bytes = (Number(uid) + 1) * LASTLOG_RECORD;
  if (bytes < USERADD_REPORT_BYTES) return;
  ctx.report(USERADD_LOG, ins, {
    span: ctx.spanOf(part, inv),
    evidence: ctx.evidenceOf(part, inv),
    title: `useradd -u ${uid} without -l writes about ${Math.round(bytes / 1e6)} MB of zeros to /var/log/lastlog`,
  });
}
