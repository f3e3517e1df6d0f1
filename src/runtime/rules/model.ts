/**
 * What the loader builds from rule files before compiling: lists, macros and
 * rules after every append/override is applied, each remembering where its
 * text came from so that errors point at file:line:column.
 */
import { BulkheadError } from '../../core/errors.js';

export type Priority = 'Emergency' | 'Alert' | 'Critical' | 'Error' | 'Warning' | 'Notice' | 'Informational' | 'Debug';

/** Most severe first. */
export const PRIORITIES: readonly Priority[] = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'];

export function parsePriority(s: string): Priority | undefined {
  const low = s.trim().toLowerCase();
  if (low === 'info') return 'Informational';
  return PRIORITIES.find((p) => p.toLowerCase() === low);
}

/** Lower is more severe. */
export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

export interface Location {
  file: string;
  line?: number;
  col?: number;
}

/** Where a piece of condition text came from; `map` turns an offset in the text into a file position. */
export interface TextOrigin {
  file: string;
  /** `rule "Terminal shell in container"`, `macro "open_write"`, … */
  item: string;
  map(idx: number): { line: number; col: number } | undefined;
}

/** Condition text, possibly appended to from several places. */
export interface CondText {
  text: string;
  pieces: Array<{ start: number; origin: TextOrigin }>;
}

export function condText(text: string, origin: TextOrigin): CondText {
  return { text, pieces: [{ start: 0, origin }] };
}

export function appendCond(base: CondText, more: CondText): CondText {
  const start = base.text.length + 1;
  return { text: `${base.text} ${more.text}`, pieces: [...base.pieces, ...more.pieces.map((p) => ({ start: p.start + start, origin: p.origin }))] };
}

/** File position and item of an offset in a condition. */
export function locate(c: CondText, idx: number): Location & { item: string } {
  let piece = c.pieces[0]!;
  for (const p of c.pieces) if (p.start <= idx) piece = p;
  const pos = piece.origin.map(Math.max(0, idx - piece.start));
  return { file: piece.origin.file, item: piece.origin.item, ...(pos ? { line: pos.line, col: pos.col } : {}) };
}

export interface ListDef {
  name: string;
  items: string[];
  loc: Location;
}

export interface MacroDef {
  name: string;
  condition: CondText;
  loc: Location;
}

export interface ExceptionDef {
  name: string;
  fields?: string | string[];
  comps?: string | string[];
  values: unknown[];
  loc: Location;
}

export interface RuleDef {
  name: string;
  desc: string;
  condition: CondText;
  output: string;
  priority: Priority;
  tags: string[];
  enabled: boolean;
  source: string;
  exceptions: ExceptionDef[];
  loc: Location;
}

export interface Problem {
  message: string;
  file?: string;
  line?: number;
  col?: number;
  /** `rule "…"`, `macro "…"`, `list "…"`. */
  item?: string;
}

export function whereOf(p: Pick<Problem, 'file' | 'line' | 'col'>): string | undefined {
  if (!p.file) return undefined;
  return p.line === undefined ? p.file : p.col === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.col}`;
}

export function problemText(p: Problem): string {
  const where = whereOf(p);
  return `${where ? `${where}: ` : ''}${p.item ? `${p.item}: ` : ''}${p.message}`;
}

/** Rule files that cannot be loaded; `problems` lists every error found (the message shows the first ones). */
export class RulesLoadError extends BulkheadError<'RULES_INVALID'> {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const first = problems[0]!;
    const shown = problems.slice(0, 10).map(problemText);
    const more = problems.length > 10 ? `\n… and ${problems.length - 10} more` : '';
    super('RULES_INVALID', `${problems.length} error${problems.length === 1 ? '' : 's'} in rule files:\n${shown.join('\n')}${more}`, {
      ...(whereOf(first) ? { where: whereOf(first)! } : {}),
      hint: 'fix the rule files at the positions given; the Falco rules reference describes rules, macros, lists, append and override',
    });
    this.name = 'RulesLoadError';
    this.problems = problems;
  }
}

/** A problem found while compiling one item; caught per rule and collected. */
export class ItemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}
