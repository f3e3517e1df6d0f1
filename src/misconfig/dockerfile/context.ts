/**
 * What a rule sees: the parsed Dockerfile, the scan options, RUN commands
 * parsed as shell (cached per instruction), and `report` to raise a finding.
 */
import type { CheckDefinition } from '../../core/check.js';
import type { Severity } from '../../core/types.js';
import type { DockerfileDoc, Instr, LogicalText, Span, Stage } from './document.js';
import { lineAt, lookupFor, rootBase } from './document.js';
import { imageName } from './image-ref.js';
import { basenameOf, invocations, parseShell, type Invocation, type ShellScript, type ShellWord } from './shell.js';
import { substituteVariables } from './variables.js';

export interface ScanOptions {
  /** Registries (or registry/path prefixes) base images may come from; unset means any. */
  allowedRegistries?: string[];
  /** Whether the build context has a .dockerignore; unset means unknown (the check is skipped). */
  hasDockerignore?: boolean;
}

export interface RawFinding {
  check: CheckDefinition;
  /** The instruction the finding is about (inline suppressions attach to it). */
  instr: Instr | null;
  span: Span;
  title?: string;
  evidence?: string;
  severity?: Severity;
  remediation?: string;
}

export interface ReportExtra {
  span?: Span;
  title?: string;
  evidence?: string;
  severity?: Severity;
  remediation?: string;
}

/** One piece of shell text of a RUN: the command line, a heredoc script or an `sh -c` argument. */
export interface RunPart {
  text: LogicalText;
  script: ShellScript;
  invocations: Invocation[];
  /** The RUN's own command line, a heredoc script, or the script of an `sh -c` inside either. */
  kind: 'command' | 'heredoc' | 'nested';
}

export interface RunAnalysis {
  execForm: boolean;
  /** False under a PowerShell or cmd SHELL: the shell checks do not apply. */
  posix: boolean;
  /** The SHELL in effect sets `-o pipefail`. */
  pipefailShell: boolean;
  parts: RunPart[];
  /** `--mount` flags as key/value maps. */
  mounts: Array<Record<string, string>>;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);
const NON_POSIX = /^(powershell|pwsh|cmd)(\.exe)?$/i;
const MAX_NESTED_SCRIPTS = 2;

export class RuleContext {
  readonly findings: RawFinding[] = [];
  private readonly runs = new Map<number, RunAnalysis>();
  private readonly shells = new Map<number, Map<number, string[] | null>>();

  constructor(
    readonly doc: DockerfileDoc,
    readonly options: ScanOptions,
  ) {}

  report(check: CheckDefinition, instr: Instr | null, extra: ReportExtra = {}): void {
    const span = extra.span ?? instr?.span ?? { startLine: 1, endLine: 1 };
    const f: RawFinding = { check, instr, span };
    if (extra.title !== undefined) f.title = extra.title;
    if (extra.evidence !== undefined) f.evidence = extra.evidence;
    else if (instr) f.evidence = instr.firstLine;
    if (extra.severity !== undefined) f.severity = extra.severity;
    if (extra.remediation !== undefined) f.remediation = extra.remediation;
    this.findings.push(f);
  }

  /** Resolves a shell word with the ARG/ENV values visible to `ins`; `complete` is false when it depends on unknown values. */
  resolve(ins: Instr, word: ShellWord): { value: string; complete: boolean } {
    if (!word.expands) return { value: word.value, complete: true };
    const r = substituteVariables(word.template, lookupFor(this.doc, ins));
    return { value: r.value.replaceAll('\u0000', '$'), complete: r.complete && !/\$\(|`/.test(r.value) };
  }

  /** The RUN instruction parsed as shell. */
  run(ins: Instr): RunAnalysis {
    const cached = this.runs.get(ins.index);
    if (cached) return cached;
    const analysis = analyseRun(this.doc, ins, this.shells);
    this.runs.set(ins.index, analysis);
    return analysis;
  }

  /** The command as written, for evidence. */
  evidenceOf(part: RunPart, inv: Invocation, last?: Invocation): string {
    const end = (last ?? inv).args.at(-1) ?? (last ?? inv).program;
    // Include wrappers and assignments (`sudo`, `DEBIAN_FRONTEND=… apt-get`).
    const start = inv.wrappers.length || inv.assignments.size ? (inv.command.words[0]?.start ?? inv.program.start) : inv.program.start;
    const text = part.text.text.slice(start, end.end).replace(/\s+/g, ' ').trim();
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  }

  /** Line range of an invocation inside a RUN part. */
  spanOf(part: RunPart, inv: Invocation, last?: Invocation): Span {
    const end = (last ?? inv).args.at(-1) ?? (last ?? inv).program;
    return { startLine: lineAt(part.text, inv.program.start), endLine: lineAt(part.text, Math.max(end.start, end.end - 1)) };
  }
}

function mountOptions(value: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const piece of (value ?? '').split(',')) {
    const eq = piece.indexOf('=');
    if (eq < 0) out[piece.trim().toLowerCase()] = 'true';
    else out[piece.slice(0, eq).trim().toLowerCase()] = piece.slice(eq + 1).trim();
  }
  return out;
}

/** The SHELL in effect at each instruction of a stage (inherited from the stage it is built FROM). */
function stageShells(stage: Stage, memo: Map<number, Map<number, string[] | null>>): Map<number, string[] | null> {
  const known = memo.get(stage.index);
  if (known) return known;
  const out = new Map<number, string[] | null>();
  memo.set(stage.index, out);
  let shell: string[] | null = null;
  if (stage.parent && stage.parent.index < stage.index) {
    shell = stageShells(stage.parent, memo).get(-1) ?? null;
  }
  out.set(stage.from.index, shell);
  for (const ins of stage.instructions) {
    out.set(ins.index, shell);
    if (ins.keyword === 'SHELL') shell = jsonArray(ins.args.text) ?? shell;
  }
  // Key -1: the shell after the last instruction, for stages built FROM this one.
  out.set(-1, shell);
  return out;
}

/** Parses exec-form (JSON array of strings) arguments; null when the text is not one. */
export function jsonArray(text: string): string[] | null {
  const t = text.trim();
  if (!t.startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

export function isWindowsStage(stage: Stage | null): boolean {
  if (!stage) return false;
  const base = rootBase(stage);
  if (base.kind !== 'image') return false;
  const name = imageName(base.ref);
  return /windows|nanoserver|servercore/.test(name) || /nanoserver|windowsservercore|ltsc20/.test(base.ref.tag ?? '');
}

function syntheticWord(value: string, at: number): ShellWord {
  return { value, template: value.replaceAll('$', '\u0000'), start: at, end: at + value.length, quoted: true, expands: false };
}

function analyseRun(doc: DockerfileDoc, ins: Instr, shellMemo: Map<number, Map<number, string[] | null>>): RunAnalysis {
  const shell = ins.stage ? (stageShells(ins.stage, shellMemo).get(ins.index) ?? null) : null;
  const posix = shell ? !NON_POSIX.test(basenameOf(shell[0] ?? '')) : !isWindowsStage(ins.stage);
  const pipefailShell = !!shell && shell.some((s, i) => s === 'pipefail' && /^-[a-z]*o$/.test(shell[i - 1] ?? ''));
  const mounts = ins.flags.filter((f) => f.name === 'mount').map((f) => mountOptions(f.value));
  const parts: RunPart[] = [];
  const exec = jsonArray(ins.args.text);
  const analysis: RunAnalysis = { execForm: exec !== null, posix, pipefailShell, parts, mounts };
  if (exec) {
    const text: LogicalText = { text: exec.join(' '), segments: [{ offset: 0, line: ins.span.startLine }] };
    let at = 0;
    const words = exec.map((v) => {
      const w = syntheticWord(v, at);
      at += v.length + 1;
      return w;
    });
    if (!words.length) return analysis;
    const script: ShellScript = { commands: [{ words, redirects: [], op: '', depth: 0, start: 0, end: text.text.length }], truncated: false };
    addPart(parts, text, script, 'command', 0);
    return analysis;
  }
  if (!posix) return analysis;
  const top = addPart(parts, ins.args, parseShell(ins.args.text), 'command', 0);
  // Heredoc bodies: a script when the command line is only the heredoc or feeds it to a shell.
  for (const h of ins.heredocs) {
    const owner = top.script.commands.find((c) => c.redirects.some((r) => (r.op === '<<' || r.op === '<<-') && r.target?.value === h.name));
    const ownerInv = owner ? top.invocations.find((i) => i.command === owner) : undefined;
    const scriptBody = !owner || (owner.words.length === 0 ? true : ownerInv ? SHELLS.has(ownerInv.name) && !ownerInv.args.some((a) => a.value === '-c') : false);
    if (!scriptBody) continue;
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(h.body);
    if (shebang) {
      const interp = basenameOf(shebang[1]!) === 'env' ? basenameOf(shebang[2] ?? '') : basenameOf(shebang[1]!);
      if (!SHELLS.has(interp)) continue;
    }
    const bodyLines = h.body.split('\n');
    const segments: LogicalText['segments'] = [];
    let offset = 0;
    bodyLines.forEach((l, k) => {
      segments.push({ offset, line: h.bodyLine + k });
      offset += l.length + 1;
    });
    const text: LogicalText = { text: h.body, segments };
    addPart(parts, text, parseShell(h.body), 'heredoc', 0);
  }
  return analysis;
}

function addPart(parts: RunPart[], text: LogicalText, script: ShellScript, kind: RunPart['kind'], depth: number): RunPart {
  const part: RunPart = { text, script, invocations: invocations(script, text.text), kind };
  parts.push(part);
  if (depth >= MAX_NESTED_SCRIPTS) return part;
  // `sh -c "…"`: lint the inner script too, placed at the line of its word.
  for (const inv of part.invocations) {
    if (!SHELLS.has(inv.name)) continue;
    const c = inv.args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a.value));
    const body = c >= 0 ? inv.args[c + 1] : undefined;
    if (!body) continue;
    const inner: LogicalText = { text: body.value, segments: [{ offset: 0, line: lineAt(text, body.start) }] };
    addPart(parts, inner, parseShell(body.value), 'nested', depth + 1);
  }
  return part;
}
