/**
 * Falco output strings: `%field`, `%field[arg]`, `%evt.arg.name`,
 * `%tolower(field)` are replaced by the event's values (`<NA>` when the event
 * has none or the field is unknown), `%container.info` by the container
 * summary Falco prints. Templates are compiled once per rule.
 */
import type { RuntimeEvent } from '../events.js';
import { TRANSFORMERS, type TransformerName } from './ast.js';
import { resolveField } from './fields/registry.js';
import { EvalCtx, type Getter, type Source } from './fields/types.js';

export type OutputValue = string | number | boolean | null;

export interface CompiledOutput {
  /** Field names as written in the template, in order, without duplicates. */
  fields: string[];
  render(ctx: EvalCtx): { output: string; fields: Record<string, OutputValue> };
}

const CONTAINER_INFO =
  'container_id=%container.id container_name=%container.name container_image_repository=%container.image.repository container_image_tag=%container.image.tag k8s_ns_name=%k8s.ns.name k8s_pod_name=%k8s.pod.name';

const TOKEN = new RegExp(
  String.raw`%%|%(?:(` + TRANSFORMERS.join('|') + String.raw`)\()?([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+)(?:\[([^\]\n]*)\])?(\))?`,
  'g',
);

export function renderValue(v: unknown): OutputValue {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.map((x) => String(renderValue(x))).join(',');
  if (typeof v === 'object' && 'canon' in (v as object)) return (v as { canon: string }).canon;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

function transform(name: TransformerName, v: OutputValue): OutputValue {
  if (v === null) return null;
  const s = String(v);
  switch (name) {
    case 'tolower':
      return s.toLowerCase();
    case 'toupper':
      return s.toUpperCase();
    case 'b64':
      return Buffer.from(s, 'base64').toString('utf8');
    case 'basename':
      return s.slice(s.lastIndexOf('/') + 1);
    case 'len':
      return s.length;
  }
}

type Part = string | { key: string; get: Getter; transformer?: TransformerName };

export function compileOutput(template: string, source: Source): CompiledOutput {
  const text = source === 'syscall' ? template.split('%container.info').join(CONTAINER_INFO) : template;
  const parts: Part[] = [];
  const keys: string[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const idx = m.index;
    if (idx > last) parts.push(text.slice(last, idx));
    last = idx + m[0].length;
    if (m[0] === '%%') {
      parts.push('%');
      continue;
    }
    const transformer = m[1] as TransformerName | undefined;
    const closing = m[4];
    if (transformer && !closing) {
      // `%tolower(` without `)`: print the text as it is.
      parts.push(m[0]);
      continue;
    }
    const name = m[2]!;
    const arg = m[3];
    const r = resolveField(source, name, arg);
    const key = (arg === undefined ? name : `${name}[${arg}]`) + '';
    const fullKey = transformer ? `${transformer}(${key})` : key;
    const get: Getter = r.ok ? r.field.get : () => undefined;
    parts.push({ key: fullKey, get, ...(transformer ? { transformer } : {}) });
    if (!keys.includes(fullKey)) keys.push(fullKey);
    if (!transformer && closing) parts.push(')');
  }
  if (last < text.length) parts.push(text.slice(last));
  return {
    fields: keys,
    render(ctx) {
      const fields: Record<string, OutputValue> = {};
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') {
          out += p;
          continue;
        }
        let v = renderValue(p.get(ctx));
        if (p.transformer) v = transform(p.transformer, v);
        fields[p.key] = v;
        out += v === null ? '<NA>' : String(v);
      }
      return { output: out.trim(), fields };
    },
  };
}

/** Format an output string for one event (compiles the template each call: for repeated use, load rules). */
export function formatOutput(template: string, event: RuntimeEvent): string {
  const source: Source = event.source === 'k8s_audit' ? 'k8s_audit' : 'syscall';
  return compileOutput(template, source).render(new EvalCtx(event, 1)).output;
}
