/**
 * Label selectors as `aggregationRule.clusterRoleSelectors` uses them:
 * matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all
 * ANDed; an empty selector matches every object. A selector that cannot be
 * read matches nothing (the API server would have rejected it).
 */
import { asArray, asObject, asString, isObject } from '../input/index.js';

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[] }[];
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** The selector, or a message saying why it cannot be used. */
export function parseLabelSelector(v: unknown): LabelSelector | string {
  if (!isObject(v)) return 'selector is not a mapping';
  const matchLabels: Record<string, string> = {};
  const ml = v['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) return 'matchLabels is not a mapping';
    for (const [k, val] of Object.entries(ml)) {
      if (typeof val !== 'string') return `matchLabels.${k} is not a string`;
      matchLabels[k] = val;
    }
  }
  const matchExpressions: LabelSelector['matchExpressions'] = [];
  for (const e of asArray(v['matchExpressions'])) {
    const o = asObject(e);
    const key = asString(o?.['key']);
    const operator = asString(o?.['operator']);
    if (!o || !key || !operator || !OPERATORS.has(operator)) return 'matchExpressions entry needs a key and an operator In, NotIn, Exists or DoesNotExist';
    const values = asArray(o['values']).filter((x): x is string => typeof x === 'string');
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) return `matchExpressions ${operator} on ${key} has no values`;
    matchExpressions.push({ key, operator: operator as LabelSelector['matchExpressions'][number]['operator'], values });
  }
  return { matchLabels, matchExpressions };
}

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(value!)) return false;
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
