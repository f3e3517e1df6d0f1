/**
 * The one list of fields the engine provides, per source. `resolveField`
 * turns `name` + `[arg]` (or a dotted argument, `evt.arg.uid`) into a bound
 * getter, says the field is unknown (the rule is then disabled with that
 * name), or gives an error for an invalid argument.
 */
import { K8S_AUDIT_FIELDS } from './k8saudit.js';
import { SYSCALL_FIELDS } from './syscall.js';
import type { BoundField, FieldSpec, Source } from './types.js';

const BY_SOURCE: Record<Source, Map<string, FieldSpec>> = {
  syscall: new Map(SYSCALL_FIELDS.map((f) => [f.name, f])),
  k8s_audit: new Map(K8S_AUDIT_FIELDS.map((f) => [f.name, f])),
};

export type FieldResolution = { ok: true; field: BoundField } | { ok: false; unknown: true; name: string } | { ok: false; unknown: false; error: string };

export function resolveField(source: Source, name: string, arg: string | undefined): FieldResolution {
  const table = BY_SOURCE[source];
  const spec = table.get(name);
  if (spec) {
    if (arg !== undefined && !spec.arg) return { ok: false, unknown: false, error: `field ${name} takes no argument` };
    if (arg === undefined && spec.arg === 'required') {
      const r = spec.bind(undefined);
      return typeof r === 'string' ? { ok: false, unknown: false, error: r } : { ok: true, field: r };
    }
    const r = spec.bind(arg);
    return typeof r === 'string' ? { ok: false, unknown: false, error: `${name}: ${r}` } : { ok: true, field: r };
  }
  // Dotted argument: the longest known prefix that accepts one.
  let dot = name.lastIndexOf('.');
  while (dot > 0) {
    const prefix = name.slice(0, dot);
    const p = table.get(prefix);
    if (p?.dotted) {
      if (arg !== undefined) return { ok: false, unknown: false, error: `field ${name} cannot take both a dotted and a bracket argument` };
      const r = p.bind(name.slice(dot + 1));
      return typeof r === 'string' ? { ok: false, unknown: false, error: `${prefix}: ${r}` } : { ok: true, field: r };
    }
    dot = name.lastIndexOf('.', dot - 1);
  }
  return { ok: false, unknown: true, name };
}

/** Every field a source provides (for docs and `bulkhead runtime fields`). */
export function listFields(source: Source): ReadonlyArray<Pick<FieldSpec, 'name' | 'type' | 'desc' | 'arg' | 'multi' | 'never'>> {
  return [...BY_SOURCE[source].values()].map(({ name, type, desc, arg, multi, never }) => ({ name, type, desc, arg, multi, never }));
}
