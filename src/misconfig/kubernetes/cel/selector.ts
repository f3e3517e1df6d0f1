/**
 * Label selectors (`matchLabels`, `matchExpressions`) as the API server
 * applies them to namespaces, objects and params. An absent or empty
 * selector matches everything; an invalid one is a configuration error.
 */
import { asArray, asObject, isObject } from '../input/object.js';

export class SelectorError extends Error {}

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

const has = (labels: Readonly<Record<string, string>>, key: string) => Object.prototype.hasOwnProperty.call(labels, key);

/** Compile a LabelSelector; throws SelectorError when it is malformed. */
export function compileSelector(selector: unknown): (labels: Readonly<Record<string, string>>) => boolean {
  if (selector === undefined || selector === null) return () => true;
  if (!isObject(selector)) throw new SelectorError('a label selector must be an object');
  const reqs: Requirement[] = [];
  const matchLabels = selector['matchLabels'];
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) throw new SelectorError('matchLabels must be a map of strings');
    for (const [k, v] of Object.entries(matchLabels)) {
      if (typeof v !== 'string') throw new SelectorError(`matchLabels[${k}] must be a string`);
      reqs.push((labels) => has(labels, k) && labels[k] === v);
    }
  }
  asArray(selector['matchExpressions']).forEach((e, i) => {
    const expr = asObject(e);
    const key = expr?.['key'];
    const op = expr?.['operator'];
    const rawValues = expr?.['values'];
    if (typeof key !== 'string' || !key) throw new SelectorError(`matchExpressions[${i}].key is required`);
    if (rawValues !== undefined && rawValues !== null && !(Array.isArray(rawValues) && rawValues.every((v) => typeof v === 'string'))) {
      throw new SelectorError(`matchExpressions[${i}].values must be a list of strings`);
    }
    const values = (rawValues ?? []) as string[];
    switch (op) {
      case 'In':
      case 'NotIn': {
        if (!values.length) throw new SelectorError(`matchExpressions[${i}]: values must be non-empty for ${op}`);
        const set = new Set(values);
        reqs.push(op === 'In' ? (l) => has(l, key) && set.has(l[key]!) : (l) => !has(l, key) || !set.has(l[key]!));
        break;
      }
      case 'Exists':
      case 'DoesNotExist':
        if (values.length) throw new SelectorError(`matchExpressions[${i}]: values must be empty for ${op}`);
        reqs.push(op === 'Exists' ? (l) => has(l, key) : (l) => !has(l, key));
        break;
      default:
        throw new SelectorError(`matchExpressions[${i}]: "${String(op)}" is not a valid label selector operator`);
    }
  });
  return (labels) => reqs.every((r) => r(labels));
}
