/**
 * Label selectors (`matchLabels`, `matchExpressions`) as the API server
 * applies them to namespaces, objects and params. An absent or empty
 * selector matches everything; an invalid one is a configuration error.
 */
import { matches, parseSelector } from '../input/selector.js';

export class SelectorError extends Error {}

/** Compile a LabelSelector; throws SelectorError when it is malformed. Absent (`undefined`/`null`) matches everything. */
export function compileSelector(selector: unknown): (labels: Readonly<Record<string, string>>) => boolean {
  const parsed = parseSelector(selector);
  if (parsed.problem !== undefined) throw new SelectorError(parsed.problem);
  return (labels) => matches(parsed.selector, labels);
}
