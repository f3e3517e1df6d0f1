/**
 * Checks about stages and the final image's configuration: user (BH-DF-001),
 * base image weight (005), EXPOSE 22 (022), HEALTHCHECK (023), WORKDIR (026),
 * CMD/ENTRYPOINT form (027) and repetition (028), stage names (030),
 * MAINTAINER (031), and instructions Docker rejects (034).
 */
import {
  DUPLICATE_STAGE,
  HEAVY_BASE,
  MAINTAINER,
  NO_HEALTHCHECK,
  OVERRIDDEN,
  RELATIVE_WORKDIR,
  ROOT_USER,
  SHELL_FORM_CMD,
  SSH_PORT,
  SYNTAX,
} from '../checks.js';
import { isWindowsStage, jsonArray, type RuleContext } from '../context.js';
import { chainInstructions, chainOf, lookupFor, rootBase, type Instr, type Stage } from '../document.js';
import { defaultsToNonRoot, displayName, slimAlternative } from '../image-ref.js';
import { processWord, splitWords } from '../variables.js';

const KEYWORDS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'MAINTAINER',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);

/** Words of an instruction after Docker's word processing; null when a variable is unknown. */
function words(ctx: RuleContext, ins: Instr): string[] | null {
  const out: string[] = [];
  for (const w of splitWords(ins.args.text, ctx.doc.escapeChar)) {
    const p = processWord(w.raw, lookupFor(ctx.doc, ins), ctx.doc.escapeChar);
    if (!p.complete) return null;
    out.push(p.value);
  }
  return out;
}

export function checkUser(ctx: RuleContext): void {
  const final = ctx.doc.finalStage;
  if (!final || isWindowsStage(final)) return;
  const all = chainInstructions(final);
  const lastUser = all.filter((i) => i.keyword === 'USER').at(-1);
  if (lastUser) {
    const w = words(ctx, lastUser);
    const user = w?.[0]?.split(':')[0];
    if (user === 'root' || user === '0') {
      ctx.report(ROOT_USER, lastUser, { title: `USER ${w![0]} is the last USER of the final stage: the container runs as root` });
    }
    return;
  }
  const base = rootBase(final);
  if (base.kind === 'scratch') {
    ctx.report(ROOT_USER, final.from, { title: 'The final stage has no USER and starts FROM scratch: the container runs as UID 0 (root)' });
  } else if (base.kind === 'image') {
    if (defaultsToNonRoot(base.ref)) return;
    ctx.report(ROOT_USER, final.from, {
      title: `The final stage sets no USER: the container runs as the default user of ${displayName(base.ref)}, root unless that image sets another`,
    });
  } else if (base.kind === 'unresolved') {
    ctx.report(ROOT_USER, final.from, { title: 'The final stage sets no USER: the container runs as its base image\'s default user, usually root' });
  }
}

export function checkHeavyBase(ctx: RuleContext): void {
  const final = ctx.doc.finalStage;
  if (!final) return;
  const chain = chainOf(final);
  const root = chain[chain.length - 1]!;
  if (root.base.kind !== 'image') return;
  const alt = slimAlternative(root.base.ref);
  if (!alt) return;
  const ref = root.base.ref;
  ctx.report(HEAVY_BASE, root.from, {
    title: `The final image is built on ${displayName(ref)}${ref.tag ? `:${ref.tag}` : ''}; consider ${alt}`,
  });
}

export function checkHealthcheck(ctx: RuleContext): void {
  const final = ctx.doc.finalStage;
  if (!final) return;
  const all = chainInstructions(final);
  if (all.some((i) => i.keyword === 'HEALTHCHECK')) return;
  // An image FROM scratch with nothing to run is an artefact (files to export), not a service.
  if (rootBase(final).kind === 'scratch' && !all.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) return;
  ctx.report(NO_HEALTHCHECK, final.from, { title: 'The final image has no HEALTHCHECK' });
}

export function checkEntrypointForm(ctx: RuleContext): void {
  const final = ctx.doc.finalStage;
  if (!final || isWindowsStage(final)) return;
  const all = chainInstructions(final);
  const entrypoint = all.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  const cmd = all.filter((i) => i.keyword === 'CMD').at(-1);
  for (const ins of [entrypoint, cmd]) {
    if (!ins || !ins.args.text.trim()) continue;
    if (jsonArray(ins.args.text)) continue;
    if (ins.args.text.trim().startsWith('[')) {
      ctx.report(SHELL_FORM_CMD, ins, {
        severity: 'medium',
        title: `${ins.keyword} looks like exec form but is not valid JSON (strings need double quotes): Docker runs it as a /bin/sh -c command`,
      });
    } else if (ins.keyword === 'CMD' && entrypoint && jsonArray(entrypoint.args.text)) {
      ctx.report(SHELL_FORM_CMD, ins, { title: `CMD in shell form is passed to the ENTRYPOINT as "/bin/sh -c …" arguments` });
    } else {
      ctx.report(SHELL_FORM_CMD, ins, { title: `${ins.keyword} in shell form: /bin/sh is PID 1 and does not pass SIGTERM to the program` });
    }
  }
}

export function checkOverridden(ctx: RuleContext): void {
  for (const stage of ctx.doc.stages) {
    for (const kw of ['CMD', 'ENTRYPOINT', 'HEALTHCHECK']) {
      const list = stage.instructions.filter((i) => i.keyword === kw);
      const last = list.at(-1);
      for (const ins of list.slice(0, -1)) {
        ctx.report(OVERRIDDEN, ins, { title: `${kw} at line ${ins.span.startLine} has no effect: the ${kw} at line ${last!.span.startLine} replaces it` });
      }
    }
  }
}

export function checkStageNames(ctx: RuleContext): void {
  const seen = new Map<string, Stage>();
  for (const stage of ctx.doc.stages) {
    if (stage.name === undefined) continue;
    const first = seen.get(stage.name);
    if (first) ctx.report(DUPLICATE_STAGE, stage.from, { title: `Stage name "${stage.name}" is already used by the FROM at line ${first.from.span.startLine}` });
    else seen.set(stage.name, stage);
  }
}

export function checkMaintainer(ctx: RuleContext): void {
  for (const ins of ctx.doc.instructions) if (ins.keyword === 'MAINTAINER') ctx.report(MAINTAINER, ins);
}

export function checkExpose(ctx: RuleContext): void {
  for (const ins of ctx.doc.instructions) {
    if (ins.keyword !== 'EXPOSE') continue;
    for (const w of splitWords(ins.args.text, ctx.doc.escapeChar)) {
      const p = processWord(w.raw, lookupFor(ctx.doc, ins), ctx.doc.escapeChar);
      if (!p.complete) continue;
      const m = /^(\d{1,6})(?:-(\d{1,6}))?(?:\/(tcp|udp|sctp))?$/i.exec(p.value);
      const lo = m ? Number(m[1]) : NaN;
      const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
      if (!m || lo > 65535 || hi > 65535 || hi < lo) {
        ctx.report(SYNTAX, ins, { title: `EXPOSE ${p.value}: not a port (0-65535) or range, optionally with /tcp or /udp` });
      } else if (lo <= 22 && hi >= 22 && (m[3] ?? 'tcp').toLowerCase() === 'tcp' && ins.stage?.inFinalImage) {
        ctx.report(SSH_PORT, ins, { title: `EXPOSE ${p.value} publishes the SSH port` });
      }
    }
  }
}

export function checkWorkdir(ctx: RuleContext): void {
  const absoluteAtEnd = new Map<number, boolean>();
  for (const stage of ctx.doc.stages) {
    let absolute = stage.parent ? (absoluteAtEnd.get(stage.parent.index) ?? false) : false;
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'WORKDIR') continue;
      const raw = splitWords(ins.args.text, ctx.doc.escapeChar)[0]?.raw;
      if (raw === undefined) continue;
      const p = processWord(raw, lookupFor(ctx.doc, ins), ctx.doc.escapeChar);
      if (!p.complete) continue;
      if (/^([/\\]|[A-Za-z]:[/\\]?)/.test(p.value)) absolute = true;
      else if (!absolute) ctx.report(RELATIVE_WORKDIR, ins, { title: `WORKDIR ${p.value} is relative to the base image's working directory` });
    }
    absoluteAtEnd.set(stage.index, absolute);
  }
}

export function checkSyntax(ctx: RuleContext): void {
  const { doc } = ctx;
  for (const d of doc.directives) {
    if (d.name === 'escape' && d.value !== '\\' && d.value !== '`') {
      ctx.report(SYNTAX, null, { span: { startLine: d.line, endLine: d.line }, evidence: `# escape=${d.value}`, title: `Parser directive escape=${d.value}: only \\ and \` are allowed` });
    }
  }
  const firstFrom = doc.instructions.find((i) => i.keyword === 'FROM');
  if (!firstFrom && doc.instructions.length) {
    ctx.report(SYNTAX, doc.instructions[0]!, { title: 'The Dockerfile has no FROM instruction' });
  }
  for (const ins of doc.instructions) {
    if (!KEYWORDS.has(ins.keyword)) {
      ctx.report(SYNTAX, ins, { title: `Unknown instruction ${ins.node.getInstruction()}: docker build stops here` });
      continue;
    }
    if (firstFrom && ins.index < firstFrom.index && ins.keyword !== 'ARG') {
      ctx.report(SYNTAX, ins, { title: `${ins.keyword} before the first FROM: only ARG may come before FROM` });
    }
    for (const h of ins.heredocs) {
      if (!h.terminated) ctx.report(SYNTAX, ins, { title: `Here-document <<${h.name} is never closed: it swallows the rest of the file` });
    }
    switch (ins.keyword) {
      case 'ONBUILD': {
        const trigger = /^\s*(\S+)/.exec(ins.args.text)?.[1]?.toUpperCase();
        if (trigger === 'ONBUILD' || trigger === 'FROM' || trigger === 'MAINTAINER') ctx.report(SYNTAX, ins, { title: `ONBUILD ${trigger} is not allowed` });
        break;
      }
      case 'SHELL':
        if (!jsonArray(ins.args.text)) ctx.report(SYNTAX, ins, { title: 'SHELL must be written in JSON form: SHELL ["executable", "parameters"]' });
        break;
      case 'RUN':
        if (ins.args.text.trim().startsWith('[') && !jsonArray(ins.args.text) && !ins.args.text.trim().startsWith('[[')) {
          ctx.report(SYNTAX, ins, { title: 'RUN looks like exec form but is not valid JSON (strings need double quotes): Docker runs it as a shell command' });
        }
        break;
      case 'HEALTHCHECK': {
        const sub = /^\s*(\S+)/.exec(ins.args.text)?.[1]?.toUpperCase();
        if (sub !== 'CMD' && sub !== 'NONE') ctx.report(SYNTAX, ins, { title: 'HEALTHCHECK needs CMD <command> or NONE' });
        break;
      }
      case 'COPY':
      case 'ADD':
        checkCopyDestination(ctx, ins);
        break;
      default:
        break;
    }
  }
}

function checkCopyDestination(ctx: RuleContext, ins: Instr): void {
  const json = jsonArray(ins.args.text);
  const args = json ?? splitWords(ins.args.text, ctx.doc.escapeChar).map((w) => w.raw);
  if (args.length < 2) {
    if (!ins.heredocs.length) ctx.report(SYNTAX, ins, { title: `${ins.keyword} needs a source and a destination` });
    return;
  }
  if (args.length < 3) return;
  const dest = args[args.length - 1]!;
  if (dest.includes('$')) return;
  const unquoted = dest.replace(/^["']|["']$/g, '');
  if (unquoted.endsWith('/') || unquoted === '.' || unquoted === '..' || unquoted.endsWith('/.')) return;
  ctx.report(SYNTAX, ins, { title: `${ins.keyword} with several sources needs a destination directory ending in "/" (got ${unquoted})` });
}
