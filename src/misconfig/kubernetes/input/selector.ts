/**
 * Label selectors (NetworkPolicies, ClusterRole aggregation, admission
 * policy matching) with the semantics of apimachinery's
 * `metav1.LabelSelectorAsSelector`: matchLabels and every matchExpressions
 * requirement are ANDed; an empty selector (`{}`) selects everything; `In`
 * and `NotIn` need at least one value, `Exists` and `DoesNotExist` none;
 * `NotIn` and `DoesNotExist` match objects that lack the key. A selector the
 * API server would reject selects nothing and says why.
 */
import { isObject } from './object.js';

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

interface Requirement {
  key: string;
  operator: Operator;
  values: ReadonlySet<string>;
}

export interface Selector {
  /** Every requirement (matchLabels become `In` with one value). Empty = everything. */
  readonly requirements: readonly Requirement[];
  /** False when the selector was invalid: it then selects nothing. */
  readonly valid: boolean;
  /** Canonical text, equal for selectors that select the same objects by construction. */
  readonly key: string;
}

export const EVERYTHING: Selector = { requirements: [], valid: true, key: '{}' };
export const NOTHING: Selector = { requirements: [], valid: false, key: '!' };

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export interface ParsedSelector {
  selector: Selector;
  problem?: string;
}

const invalid = (problem: string): ParsedSelector => ({ selector: NOTHING, problem });

/** Parse a `metav1.LabelSelector`; `undefined`/`null` is the empty selector (callers handle "absent" themselves). */
export function parseSelector(v: unknown): ParsedSelector {
  if (v === undefined || v === null) return { selector: EVERYTHING };
  if (!isObject(v)) return invalid('a label selector must be a mapping');
  const reqs: Requirement[] = [];
  const ml = v['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return invalid('matchLabels must be a mapping');
    for (const [key, value] of Object.entries(ml)) {
      if (typeof value !== 'string') return invalid(`matchLabels value of "${key}" must be a string`);
      reqs.push({ key, operator: 'In', values: new Set([value]) });
    }
  }
  const me = v['matchExpressions'];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return invalid('matchExpressions must be a list');
    for (const e of me) {
      if (!isObject(e)) return invalid('a matchExpressions entry must be a mapping');
      const key = e['key'];
      const operator = e['operator'];
      if (typeof key !== 'string' || key === '') return invalid('a matchExpressions entry needs a key');
      if (typeof operator !== 'string' || !OPERATORS.has(operator)) return invalid(`operator of "${key}" must be In, NotIn, Exists or DoesNotExist`);
      const rawValues = e['values'] ?? [];
      if (!Array.isArray(rawValues) || rawValues.some((x) => typeof x !== 'string')) return invalid(`values of "${key}" must be a list of strings`);
      const values = rawValues as string[];
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) return invalid(`${operator} on "${key}" needs at least one value`);
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) return invalid(`${operator} on "${key}" takes no values`);
      reqs.push({ key, operator: operator as Operator, values: new Set(values) });
    }
  }
  const key = reqs.length
    ? reqs
        .map((r) => `${r.key}\u0000${r.operator}\u0000${[...r.values].sort().join('\u0001')}`)
        .sort()
        .join('\u0002')
    : '{}';
  return { selector: { requirements: reqs, valid: true, key } };
}

export function matches(sel: Selector, labels: Readonly<Record<string, string>>): boolean {
  if (!sel.valid) return false;
  for (const r of sel.requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.has(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.has(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

export const isEverything = (sel: Selector): boolean => sel.valid && sel.requirements.length === 0;
