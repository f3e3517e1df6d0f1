/**
 * A loaded, compiled rule set. `loadRules(files)` reads the files, resolves
 * macros and lists, adds exceptions, specialises each rule for every event
 * type it can match (a rule that never reads evt.type goes in the "all"
 * bucket), compiles to closures and indexes by event type, so that
 * `evaluate(event)` runs only the rules that can match the event.
 */
import type { RuntimeEvent, SyscallEventType } from '../events.js';
import type { Expr } from './ast.js';
import { compile, unknownFields, type Pred } from './compile.js';
import { ALL_EVENT_TYPES, eventTypesOf } from './evttypes.js';
import { exceptionsExpr } from './exceptions.js';
import { fold, neverCauses, readsEventType } from './fold.js';
import { compileOutput, type CompiledOutput, type OutputValue } from './format.js';
import { isoTime, shortContainerId } from './fields/syscall.js';
import { EvalCtx, SUPPORTED_SOURCES, type Source } from './fields/types.js';
import { readDefinitions, type LoadNote, type RuleFile } from './loader.js';
import { ItemError, parsePriority, priorityRank, RulesLoadError, type Priority, type Problem, type RuleDef } from './model.js';
import type { ParseOptions } from './parser.js';
import { pathHead, requiredPathHeads, requiredValues } from './keyset.js';
import { Resolver, type ResolveStats } from './resolve.js';

export interface LoadOptions extends ParseOptions {
  /** Rules less severe than this are loaded but not run (Falco's `priority` setting). */
  minPriority?: Priority | string;
  /** `all` (default): every matching rule alerts; `first`: only the first in load order, as Falco's rule_matching: first. */
  matching?: 'all' | 'first';
  /** Index rules by process name and path (default true); off only for comparisons and debugging. */
  indexes?: boolean;
  /** When given, counts of the macro and list resolution work are added to it. */
  stats?: ResolveStats;
}

export interface Alert {
  /** ISO 8601 event time. */
  time: string;
  rule: string;
  priority: Priority;
  source: Source;
  output: string;
  outputFields: Record<string, OutputValue>;
  tags: string[];
  container?: { id: string; name?: string; image?: string; imageDigest?: string; pod?: { name: string; namespace: string } };
  /** Set by an output's dedup: identical alerts held back since the previous one of this key. */
  repeats?: number;
}

export type DisabledReason = 'unknown-field' | 'event-type-unavailable' | 'field-never-available' | 'never-matches' | 'source-unsupported';

export interface DisabledRule {
  rule: string;
  reason: DisabledReason;
  /** The first field (or `evt.type`) that makes the rule unable to run. */
  field?: string;
  /** Every such field, when there are several. */
  fields?: string[];
  detail: string;
  file: string;
  line?: number;
}

export interface RuleInfo {
  name: string;
  desc: string;
  source: Source;
  priority: Priority;
  tags: string[];
  enabled: boolean;
  /** Runs on events (enabled, known source, compiled, at or above minPriority). */
  active: boolean;
  /** Event types it is evaluated for, or `all` for a rule that does not read evt.type. */
  eventTypes: SyscallEventType[] | 'all';
  file: string;
  line?: number;
}

interface CompiledRule {
  index: number;
  info: RuleInfo;
  pred: Pred;
  output: CompiledOutput;
  /** Process names the rule can only match (from its condition), when it constrains them. */
  names?: Set<string>;
  /** First path components of fd.name it can only match (open events), when it constrains them. */
  heads?: Set<string>;
}

/** A type bucket: rules for any process name, and per name the rules that apply (all in load order). */
interface Bucket {
  rules: CompiledRule[];
  anyName: CompiledRule[];
  byName: Map<string, CompiledRule[]>;
  /** Some rules constrain the path head: lists per (name list, head), built on demand. */
  byHead?: Map<CompiledRule[], Map<string, CompiledRule[]>>;
}

const MAX_HEAD_LISTS = 4096;

const EMPTY: readonly Alert[] = Object.freeze([]);
/** A rule that can match more process names than this is not indexed by name (the index stays small). */
const MAX_INDEXED_NAMES = 2000;

export class RuleSet {
  readonly rules: RuleInfo[] = [];
  readonly disabled: DisabledRule[] = [];
  readonly notes: LoadNote[] = [];
  /** Rule evaluations that threw (malformed event objects); counted, never fatal. */
  evalErrors = 0;
  private count = 0;
  private readonly byType = new Map<SyscallEventType, CompiledRule[]>();
  private readonly buckets = new Map<SyscallEventType, Bucket>();
  private readonly allBucket: CompiledRule[] = [];
  private readonly k8s: CompiledRule[] = [];
  private readonly first: boolean;

  /** @internal use loadRules */
  constructor(matching: 'all' | 'first') {
    this.first = matching === 'first';
  }

  /** Which rules run for which event type; `all` holds the rules that do not read evt.type. */
  index(): { byType: Record<string, string[]>; all: string[]; k8s_audit: string[] } {
    const byType: Record<string, string[]> = {};
    const allNames = new Set(this.allBucket.map((r) => r.info.name));
    for (const t of ALL_EVENT_TYPES) byType[t] = (this.byType.get(t) ?? []).filter((r) => !allNames.has(r.info.name)).map((r) => r.info.name);
    return { byType, all: [...allNames], k8s_audit: this.k8s.map((r) => r.info.name) };
  }

  /** Evaluate one event; returns the alerts it raises (a shared empty array when none). */
  evaluate(event: RuntimeEvent): Alert[] {
    const num = ++this.count;
    let list: CompiledRule[] | undefined;
    if (event.source === 'syscall') {
      const b = this.buckets.get(event.type);
      if (b !== undefined) {
        list = b.byName.get((event.proc as { name?: string } | undefined)?.name as string) ?? b.anyName;
        if (b.byHead !== undefined) list = this.forHead(b.byHead, list, event.fd?.name);
      }
    } else if (event.source === 'k8s_audit') list = this.k8s;
    if (list === undefined || list.length === 0) return EMPTY as Alert[];
    const ctx = new EvalCtx(event, num);
    let out: Alert[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      let hit = false;
      try {
        hit = r.pred(ctx);
      } catch {
        this.evalErrors++;
        continue;
      }
      if (hit) {
        (out ??= []).push(alertFor(r, ctx, event));
        if (this.first) break;
      }
    }
    return out ?? (EMPTY as Alert[]);
  }

  /** The rules of `list` that can match a file under `path`'s first component. */
  private forHead(byHead: Map<CompiledRule[], Map<string, CompiledRule[]>>, list: CompiledRule[], path: string | undefined): CompiledRule[] {
    const head = (path !== undefined && pathHead(path)) || '';
    let perList = byHead.get(list);
    if (perList === undefined) byHead.set(list, (perList = new Map()));
    let out = perList.get(head);
    if (out === undefined) {
      out = list.filter((r) => r.heads === undefined || r.heads.has(head));
      if (perList.size < MAX_HEAD_LISTS) perList.set(head, out);
    }
    return out;
  }

  /** @internal */
  add(rule: CompiledRule, where: { types?: SyscallEventType[]; all?: boolean; k8s?: boolean }): void {
    if (where.k8s) this.k8s.push(rule);
    if (where.all) this.allBucket.push(rule);
    for (const t of where.all ? ALL_EVENT_TYPES : (where.types ?? [])) {
      let l = this.byType.get(t);
      if (!l) this.byType.set(t, (l = []));
      l.push(rule);
    }
  }

  /** @internal keep each bucket in load order and index it by process name. */
  seal(): void {
    for (const [t, l] of this.byType) {
      l.sort((a, b) => a.index - b.index);
      const anyName = l.filter((r) => !r.names);
      const byName = new Map<string, CompiledRule[]>();
      for (const r of l) for (const n of r.names ?? []) byName.set(n, []);
      for (const [n, list] of byName) for (const r of l) if (!r.names || r.names.has(n)) list.push(r);
      this.buckets.set(t, { rules: l, anyName, byName, ...(l.some((r) => r.heads) ? { byHead: new Map() } : {}) });
    }
  }
}

function alertFor(r: CompiledRule, ctx: EvalCtx, event: RuntimeEvent): Alert {
  let rendered: ReturnType<CompiledOutput['render']>;
  try {
    rendered = r.output.render(ctx);
  } catch {
    rendered = { output: r.info.name, fields: {} };
  }
  const alert: Alert = {
    time: isoTime(event.time),
    rule: r.info.name,
    priority: r.info.priority,
    source: r.info.source,
    output: rendered.output,
    outputFields: rendered.fields,
    tags: r.info.tags,
  };
  if (event.source === 'syscall' && event.container) {
    const c = event.container;
    alert.container = {
      id: shortContainerId(c.id),
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.image !== undefined ? { image: c.image } : {}),
      ...(c.imageDigest !== undefined ? { imageDigest: c.imageDigest } : {}),
      ...(c.pod ? { pod: { name: c.pod.name, namespace: c.pod.namespace } } : {}),
    };
  }
  return alert;
}

const isSource = (s: string): s is Source => (SUPPORTED_SOURCES as readonly string[]).includes(s);

/** Load and compile Falco rule files (in the order given). Throws RulesLoadError (RULES_INVALID) with every problem found. */
export function loadRules(files: readonly RuleFile[], options: LoadOptions = {}): RuleSet {
  const defs = readDefinitions(files);
  const problems: Problem[] = [...defs.problems];
  const set = new RuleSet(options.matching ?? 'all');
  for (const n of defs.notes) set.notes.push(n);
  const minPriority = options.minPriority === undefined ? undefined : parsePriority(String(options.minPriority));
  if (options.minPriority !== undefined && !minPriority) {
    problems.push({ message: `unknown minimum priority "${String(options.minPriority)}"` });
  }
  const parseOptions: ParseOptions = {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
  };
  const resolver = new Resolver(defs.lists, defs.macros, parseOptions, options.stats);
  resolver.parseMacros((p) => problems.push(p));

  const foldMemo = new Map<string, Map<Expr, Expr>>();
  const memoFor = (key: string) => {
    let m = foldMemo.get(key);
    if (!m) foldMemo.set(key, (m = new Map()));
    return m;
  };
  const compileMemo = new Map<Source, Map<Expr, Pred>>();
  let index = 0;
  let belowMin = 0;

  for (const def of defs.rules.values()) {
    const i = index++;
    const base = { file: def.loc.file, ...(def.loc.line !== undefined ? { line: def.loc.line } : {}) };
    if (!isSource(def.source)) {
      set.disabled.push({ rule: def.name, reason: 'source-unsupported', detail: `source "${def.source}" is not supported (supported: ${SUPPORTED_SOURCES.join(', ')})`, ...base });
      continue;
    }
    const source = def.source;
    try {
      const result = compileRule(def, source, resolver, memoFor, compileMemo, options.indexes !== false);
      if ('disabled' in result) {
        set.disabled.push({ rule: def.name, ...result.disabled, ...base });
        continue;
      }
      const below = minPriority !== undefined && priorityRank(def.priority) > priorityRank(minPriority);
      if (below) belowMin++;
      const info: RuleInfo = {
        name: def.name,
        desc: def.desc.trim(),
        source,
        priority: def.priority,
        tags: def.tags,
        enabled: def.enabled,
        active: def.enabled && !below,
        eventTypes: result.types,
        ...base,
      };
      set.rules.push(info);
      if (!info.active) continue;
      const output = compileOutput(def.output, source);
      if (source === 'k8s_audit') set.add({ index: i, info, pred: result.generic!, output }, { k8s: true });
      else if (result.types === 'all') set.add({ index: i, info, pred: result.generic!, output }, { all: true });
      else for (const [t, { pred, names, heads }] of result.specialized) set.add({ index: i, info, pred, output, ...(names ? { names } : {}), ...(heads ? { heads } : {}) }, { types: [t] });
    } catch (err) {
      if (err instanceof ItemError) problems.push({ item: `rule "${def.name}"`, ...err.problem });
      else if (err instanceof RangeError) problems.push({ message: 'the condition is nested too deeply to compile', item: `rule "${def.name}"`, ...base });
      else throw err;
    }
  }
  if (belowMin > 0) set.notes.push({ file: '', message: `${belowMin} rules are less severe than ${minPriority} and do not run` });
  set.seal();
  if (problems.length > 0) throw new RulesLoadError(dedupe(problems));
  return set;
}

function dedupe(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.file}:${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type CompileResult =
  | { disabled: Omit<DisabledRule, 'rule' | 'file' | 'line'> }
  | { types: SyscallEventType[] | 'all'; specialized: Map<SyscallEventType, { pred: Pred; names?: Set<string>; heads?: Set<string> }>; generic?: Pred };

function compileRule(
  def: RuleDef,
  source: Source,
  resolver: Resolver,
  memoFor: (key: string) => Map<Expr, Expr>,
  compileMemo: Map<Source, Map<Expr, Pred>>,
  indexes: boolean,
): CompileResult {
  let cond = resolver.resolve(resolver.parse(def.condition));
  const exc = exceptionsExpr(def.name, def.exceptions, resolver);
  if (exc) cond = { kind: 'and', children: [cond, { kind: 'not', child: resolver.resolve(exc), pos: cond.pos }], pos: cond.pos };

  let cmemo = compileMemo.get(source);
  if (!cmemo) compileMemo.set(source, (cmemo = new Map()));
  const env = { source, origins: resolver.origins, memo: cmemo };

  const residuals: Array<[SyscallEventType | undefined, Expr]> = [];
  const specialize = source === 'syscall' && readsEventType(cond);
  if (specialize) {
    for (const t of eventTypesOf(cond)) {
      const f = fold(cond, { source, type: t, memo: memoFor(`${source}:${t}`) });
      if (f.kind !== 'const' || f.value) residuals.push([t, f]);
    }
  } else {
    const f = fold(cond, { source, memo: memoFor(`${source}:*`) });
    if (f.kind !== 'const' || f.value) residuals.push([undefined, f]);
  }
  if (residuals.length === 0) {
    const { types, fields } = neverCauses(cond, source);
    if (fields.length === 0) {
      return {
        disabled: {
          reason: 'event-type-unavailable',
          field: 'evt.type',
          detail: types.length > 0 ? `matches only event types the sensor does not produce: ${types.join(', ')}` : 'matches no event type',
        },
      };
    }
    return {
      disabled: {
        reason: types.length > 0 ? 'never-matches' : 'field-never-available',
        field: fields[0]!,
        ...(fields.length > 1 ? { fields } : {}),
        detail: `needs ${fields.join(', ')}, which Bulkhead events never carry${types.length > 0 ? `; other branches need event types the sensor does not produce: ${types.join(', ')}` : ''}`,
      },
    };
  }
  const unknown = [...new Set(residuals.flatMap(([, e]) => unknownFields(e, source)))];
  if (unknown.length > 0) {
    return {
      disabled: {
        reason: 'unknown-field',
        field: unknown[0]!,
        ...(unknown.length > 1 ? { fields: unknown } : {}),
        detail: `uses ${unknown.join(', ')}, not provided by Bulkhead ${source} events`,
      },
    };
  }
  if (!specialize) return { types: 'all', specialized: new Map(), generic: compile(residuals[0]![1], env) };
  const specialized = new Map<SyscallEventType, { pred: Pred; names?: Set<string>; heads?: Set<string> }>();
  for (const [t, e] of residuals) {
    const names = indexes ? requiredValues(e, 'proc.name') : undefined;
    const indexed = names !== undefined && names.size <= MAX_INDEXED_NAMES;
    const heads = indexes && t === 'open' ? requiredPathHeads(e) : undefined;
    specialized.set(t!, { pred: compile(e, env), ...(indexed ? { names } : {}), ...(heads && heads.size <= MAX_INDEXED_NAMES ? { heads } : {}) });
  }
  return { types: [...specialized.keys()], specialized };
}
