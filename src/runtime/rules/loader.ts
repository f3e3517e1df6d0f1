/**
 * Falco rule files → definitions: items `rule`, `macro`, `list`,
 * `required_engine_version`, `required_plugin_versions` (noted, ignored),
 * redefinition, old-style `append: true`, and `override` (append/replace
 * per key). Files are applied in order, as Falco loads them. Every error is
 * collected with file, line, column and item name; the caller gets them all
 * at once in a RulesLoadError.
 */
import semver from 'semver';
import { isMap, isScalar, type Document, type Node, type YAMLMap } from 'yaml';
import {
  appendCond,
  parsePriority,
  type ExceptionDef,
  type ListDef,
  type Location,
  type MacroDef,
  type Problem,
  type RuleDef,
} from './model.js';
import { ItemReader } from './item-reader.js';
import { unquoteListItem } from './parser.js';
import { YamlFile } from './yaml-source.js';

/** The Falco rules engine version whose rule files this engine reads. */
export const ENGINE_VERSION = '0.43.0';

export interface RuleFile {
  /** Shown in errors; a path or a label (`<default>`). */
  path: string;
  text: string;
}

export interface LoadNote {
  file: string;
  line?: number;
  message: string;
}

export interface Definitions {
  lists: Map<string, ListDef>;
  macros: Map<string, MacroDef>;
  rules: Map<string, RuleDef>;
  notes: LoadNote[];
  problems: Problem[];
}

const RULE_KEYS = new Set(['rule', 'desc', 'condition', 'output', 'priority', 'tags', 'enabled', 'source', 'exceptions', 'append', 'override', 'warn_evttypes', 'skip-if-unknown-filter', 'required_plugin_versions']);
const OVERRIDE_APPEND: Record<string, ReadonlySet<string>> = {
  list: new Set(['items']),
  macro: new Set(['condition']),
  rule: new Set(['condition', 'output', 'desc', 'tags', 'exceptions']),
};
const OVERRIDE_REPLACE: Record<string, ReadonlySet<string>> = {
  list: new Set(['items']),
  macro: new Set(['condition']),
  rule: new Set(['condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter']),
};

function mergeExceptions(target: ExceptionDef[], more: ExceptionDef[], r: ItemReader): ExceptionDef[] {
  const out = target.map((e) => ({ ...e, values: [...e.values] }));
  for (const m of more) {
    const ex = out.find((e) => e.name === m.name);
    if (!ex) {
      if (m.fields === undefined) r.fail(`exception "${m.name}" is new and needs fields`, 'exceptions');
      out.push(m);
      continue;
    }
    if (m.fields !== undefined && JSON.stringify(m.fields) !== JSON.stringify(ex.fields)) {
      r.fail(`exception "${m.name}" cannot change its fields when appending`, 'exceptions');
      continue;
    }
    for (const v of m.values) ex.values.push(v);
  }
  return out;
}

function engineVersionOk(v: unknown): boolean | undefined {
  let want: string | null = null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) want = `0.${v}.0`;
  else if (typeof v === 'string') want = /^\d+$/.test(v) ? `0.${v}.0` : semver.valid(semver.coerce(v) ?? v);
  if (!want) return undefined;
  return semver.lte(want, ENGINE_VERSION);
}

export function readDefinitions(files: readonly RuleFile[]): Definitions {
  const defs: Definitions = { lists: new Map(), macros: new Map(), rules: new Map(), notes: [], problems: [] };
  for (const f of files) {
    const yf = new YamlFile(f.path, f.text, defs.problems);
    for (const item of yf.items) {
      if (!item.map) {
        if (item.other) defs.problems.push({ message: 'each item must be a map (rule, macro, list, required_engine_version…)', file: f.path, line: item.line, col: item.col });
        else defs.notes.push({ file: f.path, line: item.line, message: 'empty item skipped' });
        continue;
      }
      applyItem(yf, item.map, item.doc, { file: f.path, line: item.line, col: item.col }, defs);
    }
  }
  return defs;
}

function applyItem(yf: YamlFile, map: YAMLMap, doc: Document.Parsed, loc: Location, defs: Definitions): void {
  const kinds = ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions'].filter((k) => map.has(k));
  const problems = defs.problems;
  if (kinds.length === 0) {
    problems.push({ message: 'unknown item: expected rule, macro, list, required_engine_version or required_plugin_versions', file: loc.file, line: loc.line!, col: loc.col! });
    return;
  }
  const kind = kinds[0]!;
  if (kind === 'required_engine_version') {
    const v = yf.toJS(map.get('required_engine_version', true) as Node, doc);
    const ok = engineVersionOk(v);
    if (ok === undefined) problems.push({ message: `required_engine_version "${String(v)}" is not a version`, file: loc.file, line: loc.line!, col: loc.col! });
    else if (!ok) problems.push({ message: `the rules need engine version ${String(v)}; this engine reads rules up to ${ENGINE_VERSION}`, file: loc.file, line: loc.line!, col: loc.col! });
    return;
  }
  if (kind === 'required_plugin_versions') {
    defs.notes.push({ file: loc.file, ...(loc.line !== undefined ? { line: loc.line } : {}), message: 'required_plugin_versions ignored: Bulkhead reads k8s audit events itself and has no plugins' });
    return;
  }
  const nameNode = map.get(kind, true) as Node | undefined;
  const name = isScalar(nameNode) && nameNode.value !== null ? String(nameNode.value).trim() : '';
  const r = new ItemReader(yf, map, doc, kind as 'rule' | 'macro' | 'list', name, loc, problems);
  if (!name) {
    r.fail(`"${kind}" needs a name`, kind);
    return;
  }
  const overrideNode = r.node('override');
  let override: Record<string, string> | undefined;
  if (overrideNode) {
    const v = r.value('override');
    if (!isMap(overrideNode) || !v || typeof v !== 'object') {
      r.fail('"override" must be a map of key: append|replace', 'override');
      return;
    }
    override = v as Record<string, string>;
    for (const [k, how] of Object.entries(override)) {
      const allowed = how === 'append' ? OVERRIDE_APPEND[kind] : how === 'replace' ? OVERRIDE_REPLACE[kind] : undefined;
      if (!allowed) return r.fail(`override of "${k}" must be append or replace, not "${String(how)}"`, 'override');
      if (!allowed.has(k)) return r.fail(`"${k}" cannot be ${how === 'append' ? 'appended to' : 'replaced'} in a ${kind}`, 'override');
      if (!r.has(k)) return r.fail(`override names "${k}" but the item has no "${k}"`, 'override');
    }
    const extra = r.keys().filter((k) => k !== kind && k !== 'override' && !(k in override!));
    if (extra.length > 0) return r.fail(`keys ${extra.map((k) => `"${k}"`).join(', ')} must be listed in override`, extra[0]);
    if (r.has('append')) return r.fail('"append" and "override" cannot be used together', 'append');
  }
  const append = r.bool('append') === true;
  if (kind === 'list') return applyList(r, defs, append, override);
  if (kind === 'macro') return applyMacro(r, defs, append, override);
  return applyRule(r, defs, append, override);
}

function applyList(r: ItemReader, defs: Definitions, append: boolean, override?: Record<string, string>): void {
  const unknown = r.keys().filter((k) => !['list', 'items', 'append', 'override'].includes(k));
  if (unknown.length > 0) defs.notes.push({ file: r.loc.file, ...(r.loc.line !== undefined ? { line: r.loc.line } : {}), message: `${r.label}: unknown key ${unknown.join(', ')} ignored` });
  const rawItems = r.stringList('items');
  const items = rawItems?.map(unquoteListItem);
  if (items === undefined) {
    if (!r.has('items')) r.fail('missing "items"');
    return;
  }
  const existing = defs.lists.get(r.name);
  const how = override?.items ?? (append ? 'append' : undefined);
  if (how) {
    if (!existing) return r.fail(`no list "${r.name}" defined before to ${how === 'append' ? 'append to' : 'override'}`, 'list');
    existing.items = how === 'append' ? [...existing.items, ...items] : items;
    return;
  }
  defs.lists.set(r.name, { name: r.name, items, loc: r.loc });
}

function applyMacro(r: ItemReader, defs: Definitions, append: boolean, override?: Record<string, string>): void {
  const unknown = r.keys().filter((k) => !['macro', 'condition', 'append', 'override'].includes(k));
  if (unknown.length > 0) defs.notes.push({ file: r.loc.file, ...(r.loc.line !== undefined ? { line: r.loc.line } : {}), message: `${r.label}: unknown key ${unknown.join(', ')} ignored` });
  const cond = r.cond('condition');
  if (!cond) return;
  const existing = defs.macros.get(r.name);
  const how = override?.condition ?? (append ? 'append' : undefined);
  if (how) {
    if (!existing) return r.fail(`no macro "${r.name}" defined before to ${how === 'append' ? 'append to' : 'override'}`, 'macro');
    existing.condition = how === 'append' ? appendCond(existing.condition, cond) : cond;
    return;
  }
  defs.macros.set(r.name, { name: r.name, condition: cond, loc: r.loc });
}

function applyRule(r: ItemReader, defs: Definitions, append: boolean, override?: Record<string, string>): void {
  const keys = r.keys();
  const unknown = keys.filter((k) => !RULE_KEYS.has(k));
  if (unknown.length > 0) defs.notes.push({ file: r.loc.file, ...(r.loc.line !== undefined ? { line: r.loc.line } : {}), message: `${r.label}: unknown key ${unknown.join(', ')} ignored` });
  const existing = defs.rules.get(r.name);

  if (override) {
    if (!existing) return r.fail(`no rule "${r.name}" defined before to override`, 'rule');
    const problemsBefore = defs.problems.length;
    const next: RuleDef = { ...existing, tags: [...existing.tags], exceptions: existing.exceptions };
    for (const [k, how] of Object.entries(override)) {
      switch (k) {
        case 'condition': {
          const c = r.cond('condition');
          if (c) next.condition = how === 'append' ? appendCond(existing.condition, c) : c;
          break;
        }
        case 'output': {
          const o = r.string('output', true);
          if (o !== undefined) next.output = how === 'append' ? `${existing.output} ${o}` : o;
          break;
        }
        case 'desc': {
          const d = r.string('desc', true);
          if (d !== undefined) next.desc = how === 'append' ? `${existing.desc} ${d}` : d;
          break;
        }
        case 'priority': {
          const p = r.string('priority', true);
          const pr = p === undefined ? undefined : parsePriority(p);
          if (p !== undefined && !pr) r.fail(`unknown priority "${p}" (emergency, alert, critical, error, warning, notice, informational, debug)`, 'priority');
          if (pr) next.priority = pr;
          break;
        }
        case 'tags': {
          const t = r.stringList('tags');
          if (t) next.tags = how === 'append' ? [...existing.tags, ...t.filter((x) => !existing.tags.includes(x))] : t;
          break;
        }
        case 'exceptions': {
          const ex = r.exceptions();
          if (ex) next.exceptions = how === 'append' ? mergeExceptions(existing.exceptions, ex, r) : ex;
          break;
        }
        case 'enabled': {
          const e = r.bool('enabled');
          if (e !== undefined) next.enabled = e;
          break;
        }
        default:
          // warn_evttypes, skip-if-unknown-filter: accepted, no effect here.
          break;
      }
    }
    if (defs.problems.length === problemsBefore) defs.rules.set(r.name, next);
    return;
  }

  if (append) {
    if (!existing) return r.fail(`no rule "${r.name}" defined before to append to`, 'rule');
    const bad = keys.filter((k) => !['rule', 'append', 'condition', 'exceptions', 'enabled'].includes(k) && RULE_KEYS.has(k));
    if (bad.length > 0) return r.fail(`with append: true a rule can only add to condition and exceptions, not ${bad.join(', ')}`, bad[0]);
    if (r.has('condition')) {
      const c = r.cond('condition');
      if (c) existing.condition = appendCond(existing.condition, c);
    }
    if (r.has('exceptions')) {
      const ex = r.exceptions();
      if (ex) existing.exceptions = mergeExceptions(existing.exceptions, ex, r);
    }
    const e = r.bool('enabled');
    if (e !== undefined) existing.enabled = e;
    return;
  }

  // `- rule: X` + `enabled:` only: switch an existing rule on or off (deprecated Falco form).
  const meaningful = keys.filter((k) => k !== 'rule');
  if (meaningful.length === 1 && meaningful[0] === 'enabled') {
    if (!existing) return r.fail(`rule "${r.name}" has only "enabled" but no rule of that name is defined before`, 'rule');
    const e = r.bool('enabled');
    if (e !== undefined) existing.enabled = e;
    return;
  }

  const condition = r.cond('condition');
  const output = r.string('output', true);
  const desc = r.string('desc', true);
  const prText = r.string('priority', true);
  const priority = prText === undefined ? undefined : parsePriority(prText);
  if (prText !== undefined && !priority) r.fail(`unknown priority "${prText}" (emergency, alert, critical, error, warning, notice, informational, debug)`, 'priority');
  const tags = r.stringList('tags') ?? [];
  const enabled = r.bool('enabled') ?? true;
  const source = r.string('source', false) ?? 'syscall';
  const exceptions = r.exceptions() ?? [];
  if (!condition || output === undefined || desc === undefined || !priority) return;
  defs.rules.set(r.name, { name: r.name, desc, condition, output, priority, tags, enabled, source, exceptions, loc: r.loc });
}
