/**
 * A Dockerfile as the checks see it: dockerfile-ast does the parsing (parser
 * directives, escape character, continuation lines, heredocs, exact ranges);
 * this module adds build stages, the image each stage starts from, the
 * variables visible at each instruction, and argument text with continuation
 * lines joined the way Docker joins them.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { Heredoc, Instruction } from 'dockerfile-ast';
import { BulkheadError } from '../../core/errors.js';
import { parseImageRef, type ImageRef } from './image-ref.js';
import { processWord, splitWords, type Lookup } from './variables.js';

/** Evidence quotes at most this much of a line. */
export const MAX_EVIDENCE = 200;

/** Larger files are refused: real Dockerfiles are a few kilobytes and parsing cost grows with size. */
export const MAX_DOCKERFILE_CHARS = 256 * 1024;

export interface Span {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

/** Text assembled from several physical lines, with the line each piece came from. */
export interface LogicalText {
  text: string;
  /** Sorted by offset; `line` is 1-based. */
  segments: Array<{ offset: number; line: number }>;
}

export interface HeredocPart {
  name: string;
  body: string;
  /** 1-based line of the first body line. */
  bodyLine: number;
  terminated: boolean;
}

export interface Instr {
  /** Position in the file (0-based). */
  index: number;
  /** Upper-case keyword as written (unknown keywords included). */
  keyword: string;
  span: Span;
  node: Instruction;
  stage: Stage | null;
  flags: Array<{ name: string; value: string | null }>;
  /** Arguments after the flags, continuation lines joined, comment lines removed, heredoc bodies left out. */
  args: LogicalText;
  heredocs: HeredocPart[];
  /** The first physical line, trimmed, for evidence. */
  firstLine: string;
}

export type Base =
  | { kind: 'scratch' }
  | { kind: 'stage'; stage: Stage }
  | { kind: 'image'; ref: ImageRef; text: string; viaVariable: boolean }
  | { kind: 'unresolved'; text: string }
  | { kind: 'invalid'; text: string }
  | { kind: 'missing' };

export interface Stage {
  index: number;
  /** Lower-case stage name (`AS build`). */
  name?: string;
  from: Instr;
  base: Base;
  /** The stage this one is built FROM, when it is one. */
  parent: Stage | null;
  /** Instructions after FROM. */
  instructions: Instr[];
  /** True for the last stage and the stages it is built FROM (what ends up in the image). */
  inFinalImage: boolean;
}

export interface Directive {
  name: string;
  value: string;
  line: number;
}

export interface DockerfileDoc {
  file: string;
  lines: string[];
  escapeChar: string;
  directives: Directive[];
  instructions: Instr[];
  stages: Stage[];
  finalStage: Stage | null;
  /** 0-based line → covered by an instruction (including heredoc bodies). */
  covered: Uint8Array;
  /** ARG and ENV definitions by stage index (`-1` for the global ARGs before the first FROM). */
  vars: Map<number, VarScope>;
  /** Stages by lower-case name (the first one, when a name is used twice). */
  stageByName: Map<string, Stage>;
}

export interface VarDef {
  /** Instruction index that defines it. */
  index: number;
  name: string;
  /** Known value, or null when it depends on a build argument or unresolved variable. */
  value: string | null;
  kind: 'ARG' | 'ENV';
}

/** Stages chained deeper than this do not inherit ENV values (they read as unknown). */
const MAX_SCOPE_DEPTH = 64;

/**
 * The ARG and ENV values of one stage, in definition order, plus the ENV
 * values inherited from the stage it is built FROM (ARG is not inherited).
 */
export class VarScope {
  private readonly byName = new Map<string, VarDef[]>();
  private readonly lastEnv = new Map<string, VarDef>();
  readonly parent: VarScope | null;

  constructor(parent: VarScope | null, readonly depth = 0) {
    this.parent = parent && depth <= MAX_SCOPE_DEPTH ? parent : null;
  }

  define(def: VarDef): void {
    const list = this.byName.get(def.name);
    if (list) list.push(def);
    else this.byName.set(def.name, [def]);
    if (def.kind === 'ENV') this.lastEnv.set(def.name, def);
  }

  /** The value visible to the instruction at `index`. */
  get(name: string, index: number): string | null | undefined {
    const list = this.byName.get(name);
    if (list && list[0]!.index < index) {
      // Definitions are appended in file order: binary search the last one before `index`.
      let lo = 0;
      let hi = list.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (list[mid]!.index < index) lo = mid;
        else hi = mid - 1;
      }
      return list[lo]!.value;
    }
    return this.parent?.inheritedEnv(name);
  }

  private inheritedEnv(name: string): string | null | undefined {
    const d = this.lastEnv.get(name);
    return d ? d.value : this.parent?.inheritedEnv(name);
  }
}

function binaryLine(text: string): number | null {
  const nul = text.indexOf('\u0000');
  let at = nul;
  if (at < 0) {
    // Many control characters or undecodable bytes: not text.
    let bad = 0;
    let first = -1;
    const limit = Math.min(text.length, 64 * 1024);
    for (let i = 0; i < limit; i++) {
      const c = text.charCodeAt(i);
      if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad < 8 || bad * 50 < limit) return null;
    at = first;
  }
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses a Dockerfile; throws BulkheadError for input that is not a Dockerfile or too large. */
export function loadDockerfile(input: string, file: string): DockerfileDoc {
  if (input.length > MAX_DOCKERFILE_CHARS) {
    throw new BulkheadError('LIMIT_EXCEEDED', `${file} is ${input.length} characters long, more than the ${MAX_DOCKERFILE_CHARS} a Dockerfile is read up to`, {
      where: file,
      hint: 'check that the file is really a Dockerfile',
    });
  }
  const bad = binaryLine(input);
  if (bad !== null) {
    throw new BulkheadError('TARGET_UNSUPPORTED', `${file} is not a Dockerfile: it contains binary data`, {
      where: `${file}:${bad}`,
      hint: 'name a text Dockerfile',
    });
  }
  // Docker strips a BOM and ends lines at \n; a lone \r is not a line break for it.
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, (m) => (m === '\r\n' ? '\n' : ' '));
  const lines = text.split('\n');
  const ast = DockerfileParser.parse(text);
  const escapeChar = ast.getEscapeCharacter();
  const directives: Directive[] = ast.getDirectives().map((d) => ({ name: d.getName().toLowerCase(), value: d.getValue(), line: d.getRange().start.line + 1 }));
  const covered = new Uint8Array(lines.length);
  const instructions: Instr[] = ast.getInstructions().map((node, index) => buildInstr(node, index, lines, escapeChar, covered));

  const doc: DockerfileDoc = { file, lines, escapeChar, directives, instructions, stages: [], finalStage: null, covered, vars: new Map(), stageByName: new Map() };
  buildStages(doc);
  return doc;
}

function buildInstr(node: Instruction, index: number, lines: string[], escapeChar: string, covered: Uint8Array): Instr {
  const range = node.getRange();
  const span = { startLine: range.start.line + 1, endLine: range.end.line + 1 };
  for (let l = range.start.line; l <= range.end.line && l < covered.length; l++) covered[l] = 1;
  const keyword = node.getKeyword().toUpperCase();
  const withFlags = node as Instruction & { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> };
  const flags = typeof withFlags.getFlags === 'function' ? withFlags.getFlags().map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() })) : [];
  const heredocNodes: Heredoc[] =
    keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD' ? ((node as unknown as { getHeredocs(): Heredoc[] }).getHeredocs?.() ?? []) : [];
  const excluded = new Set<number>();
  const heredocs: HeredocPart[] = [];
  for (const h of heredocNodes) {
    const content = h.getContentRange();
    const delim = h.getDelimiterRange();
    const first = content?.start.line ?? delim?.start.line ?? range.end.line + 1;
    const last = delim?.end.line ?? range.end.line;
    for (let l = first; l <= last; l++) excluded.add(l);
    const bodyLines = content ? lines.slice(content.start.line, content.end.line + 1) : [];
    heredocs.push({ name: h.getName(), body: bodyLines.length ? bodyLines.join('\n') + '\n' : '', bodyLine: first + 1, terminated: delim !== null });
  }
  const argsRange = node.getArgumentsRange();
  const args = argsRange
    ? logicalText(lines, argsRange.start.line, argsRange.start.character, range.end.line, range.end.character, escapeChar, excluded)
    : { text: '', segments: [] };
  const first = (lines[range.start.line] ?? '').trim();
  const firstLine = first.length > MAX_EVIDENCE ? `${first.slice(0, MAX_EVIDENCE - 3)}...` : first;
  return { index, keyword, span, node, stage: null, flags, args, heredocs, firstLine };
}

/**
 * Joins the lines of an instruction as Docker does: an escape character at
 * the end of a line continues it, and empty or comment lines inside a
 * continued instruction are dropped.
 */
export function logicalText(
  lines: readonly string[],
  fromLine: number,
  fromChar: number,
  toLine: number,
  toChar: number,
  escapeChar: string,
  excluded: ReadonlySet<number> = new Set(),
): LogicalText {
  let text = '';
  const segments: LogicalText['segments'] = [];
  for (let l = fromLine; l <= toLine && l < lines.length; l++) {
    if (excluded.has(l)) continue;
    let s = lines[l]!;
    if (l === toLine) s = s.slice(0, toChar);
    if (l === fromLine) s = s.slice(fromChar);
    else {
      const t = s.trim();
      if (t === '' || t.startsWith('#')) continue;
    }
    const trimmed = s.replace(/[ \t]+$/, '');
    const continued = trimmed.endsWith(escapeChar) && l < toLine;
    segments.push({ offset: text.length, line: l + 1 });
    text += continued ? trimmed.slice(0, -1) : s;
    if (!continued && l < toLine) text += '\n';
  }
  return { text, segments };
}

/** 1-based line of `offset` in a logical text. */
export function lineAt(t: LogicalText, offset: number): number {
  let lo = 0;
  let hi = t.segments.length - 1;
  if (hi < 0) return 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.segments[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return t.segments[lo]!.line;
}

function buildStages(doc: DockerfileDoc): void {
  const globals = new VarScope(null);
  doc.vars.set(-1, globals);
  let stage: Stage | null = null;
  for (const ins of doc.instructions) {
    if (ins.keyword === 'FROM') {
      stage = startStage(doc, ins, globals);
      continue;
    }
    ins.stage = stage;
    if (stage) stage.instructions.push(ins);
    if (ins.keyword === 'ARG' || ins.keyword === 'ENV') defineVars(doc, ins, stage ? doc.vars.get(stage.index)! : globals, globals, stage === null);
  }
  const final = doc.stages[doc.stages.length - 1] ?? null;
  doc.finalStage = final;
  for (let s = final; s; s = s.parent) s.inFinalImage = true;
}

function startStage(doc: DockerfileDoc, ins: Instr, globals: VarScope): Stage {
  const words = splitWords(ins.args.text, doc.escapeChar);
  const imageWord = words[0]?.raw;
  let name: string | undefined;
  if (words[1]?.raw.toLowerCase() === 'as' && words[2]) name = words[2].raw.toLowerCase();
  let base: Base;
  let parent: Stage | null = null;
  if (imageWord === undefined) {
    base = { kind: 'missing' };
  } else {
    const p = processWord(imageWord, lookupIn(globals, ins.index), doc.escapeChar);
    const value = p.value;
    const earlier = doc.stageByName.get(value.toLowerCase());
    if (!p.complete) base = { kind: 'unresolved', text: value };
    else if (value === 'scratch') base = { kind: 'scratch' };
    else if (earlier) {
      base = { kind: 'stage', stage: earlier };
      parent = earlier;
    } else {
      const ref = parseImageRef(value);
      base = ref ? { kind: 'image', ref, text: value, viaVariable: imageWord.includes('$') } : { kind: 'invalid', text: value };
    }
  }
  const stage: Stage = { index: doc.stages.length, from: ins, base, parent, instructions: [], inFinalImage: false };
  if (name !== undefined) {
    stage.name = name;
    if (!doc.stageByName.has(name)) doc.stageByName.set(name, stage);
  }
  ins.stage = stage;
  doc.stages.push(stage);
  const parentScope = parent ? (doc.vars.get(parent.index) ?? null) : null;
  doc.vars.set(stage.index, new VarScope(parentScope, parentScope ? parentScope.depth + 1 : 0));
  return stage;
}

function defineVars(doc: DockerfileDoc, ins: Instr, scope: VarScope, globals: VarScope, isGlobal: boolean): void {
  const node = ins.node as Instruction & { getProperties?: () => Array<{ getName(): string; getUnescapedValue(): string | null }> };
  if (typeof node.getProperties !== 'function') return;
  for (const p of node.getProperties()) {
    const name = p.getName();
    if (!name) continue;
    const raw = p.getUnescapedValue();
    let value: string | null = null;
    if (raw === null) {
      if (ins.keyword === 'ARG' && !isGlobal) {
        // `ARG X` inside a stage makes the global default visible.
        const g = lookupIn(globals, ins.index)(name);
        value = typeof g === 'string' ? g : null;
      }
    } else {
      const r = processWord(raw, lookupIn(scope, ins.index), doc.escapeChar);
      value = r.complete ? r.value : null;
    }
    scope.define({ index: ins.index, name, value, kind: ins.keyword as 'ARG' | 'ENV' });
  }
}

/** Variable lookup for an instruction at `index`. */
export function lookupIn(scope: VarScope, index: number): Lookup {
  return (name) => scope.get(name, index);
}

/** The variables visible to an instruction (global ARGs for FROM lines and instructions before the first FROM). */
export function lookupFor(doc: DockerfileDoc, ins: Instr): Lookup {
  const scope = ins.stage && ins.keyword !== 'FROM' ? doc.vars.get(ins.stage.index) : doc.vars.get(-1);
  return lookupIn(scope ?? new VarScope(null), ins.index);
}

/** The stage and the stages it is built FROM, nearest first. */
export function chainOf(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | null = stage; s && out.length < 128; s = s.parent) out.push(s);
  return out;
}

/** Instructions of a stage and the stages it is built FROM, in build order. */
export function chainInstructions(stage: Stage): Instr[] {
  return chainOf(stage)
    .reverse()
    .flatMap((s) => s.instructions);
}

/** The root image of a stage chain (scratch, an image, or unknown). */
export function rootBase(stage: Stage): Base {
  const chain = chainOf(stage);
  return chain[chain.length - 1]!.base;
}
