/**
 * Compiling policy expressions once, at load time, the way the API server
 * validates a ValidatingAdmissionPolicy when it is created: a syntax or type
 * error, an expression of the wrong result type, or a reference to an
 * undeclared `variables.x` makes the policy invalid (POLICY_INVALID, with
 * the file and line of the expression).
 */
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import { BulkheadError } from '../../../core/errors.js';
import type { FieldPath, K8sObject } from '../input/object.js';
import { getIn } from '../input/object.js';

export type ExpressionRole = 'validation' | 'matchCondition' | 'messageExpression' | 'variable' | 'auditAnnotation';

export interface CompiledExpression {
  source: string;
  program: ParseResult;
  /** The expression reads `authorizer`, which needs a live API server. */
  usesAuthorizer: boolean;
  /** Names of `variables.<name>` it reads. */
  variables: string[];
  /** `file:line` of the expression. */
  where: string;
}

const ALLOWED_TYPES: Record<ExpressionRole, string[]> = {
  validation: ['bool', 'dyn'],
  matchCondition: ['bool', 'dyn'],
  messageExpression: ['string', 'dyn'],
  variable: [],
  auditAnnotation: ['string', 'null_type', 'dyn'],
};

/** Human name of a field path: `spec.validations[0].expression`. */
export function pathText(path: FieldPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}

/** `file:line` of a field, stepping into a multi-line expression to the offending character when known. */
export function whereOf(object: K8sObject, path: FieldPath, source = '', offset?: number): string {
  const range = object.locate(path);
  let line = range.startLine;
  if (offset !== undefined && offset >= 0) {
    const before = source.slice(0, Math.min(offset, source.trimEnd().length)).split('\n').length - 1;
    const sourceLines = source.trimEnd().split('\n').length;
    const block = range.endLine - range.startLine >= sourceLines; // `key: |` puts the text on the next line
    line += before + (block ? 1 : 0);
  }
  return `${object.file}:${line}`;
}

export function invalid(object: K8sObject, path: FieldPath, message: string, hint = 'fix the policy; the API server would reject it too'): BulkheadError {
  return new BulkheadError('POLICY_INVALID', `${object.kind} "${object.name}": ${pathText(path)}: ${message}`, { where: whereOf(object, path), hint });
}

function walk(node: unknown, visit: (n: { op: string; args: unknown }) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  if (node && typeof node === 'object' && 'op' in node && 'args' in node) {
    visit(node as { op: string; args: unknown });
    walk((node as { args: unknown }).args, visit);
  }
}

/**
 * Compile the expression at `path` of `object`.
 * @param declared variable names this expression may read (earlier variables only, for a variable)
 */
export function compileExpression(env: Environment, object: K8sObject, path: FieldPath, role: ExpressionRole, declared: ReadonlySet<string>): CompiledExpression {
  const source = getIn(object.data, path);
  if (typeof source !== 'string' || !source.trim()) throw invalid(object, path, 'an expression is required');
  let program: ParseResult;
  try {
    program = env.parse(source);
  } catch (e) {
    throw compileError(object, path, source, e);
  }
  let checked = program.check();
  if (!checked.valid) {
    // cel-go lets `cond ? 'text' : null` through (the null branch is assignable); cel-js wants the
    // same type on both branches. Make such null branches dyn(null), which means the same.
    const relaxed = relaxNullBranches(source, program.ast);
    if (relaxed !== undefined) {
      try {
        const again = env.parse(relaxed);
        const rechecked = again.check();
        if (rechecked.valid) [program, checked] = [again, rechecked];
      } catch {
        // keep the original error
      }
    }
  }
  if (!checked.valid) throw compileError(object, path, source, checked.error);
  const allowed = ALLOWED_TYPES[role];
  if (allowed.length && checked.type && !allowed.includes(checked.type)) {
    throw invalid(object, path, `must evaluate to ${allowed.filter((t) => t !== 'dyn').join(' or ')}, but its type is ${checked.type}`);
  }
  let usesAuthorizer = false;
  const variables = new Set<string>();
  walk(program.ast, (n) => {
    if (n.op === 'id' && n.args === 'authorizer') usesAuthorizer = true;
    if ((n.op === '.' || n.op === '.?') && Array.isArray(n.args)) {
      const [target, field] = n.args as [{ op?: string; args?: unknown }, unknown];
      if (target?.op === 'id' && target.args === 'variables' && typeof field === 'string') variables.add(field);
    }
  });
  for (const v of variables) {
    if (!declared.has(v)) {
      throw invalid(object, path, `undefined variable "variables.${v}"${role === 'variable' ? ' (a variable may only use the variables before it)' : ''}`);
    }
  }
  return { source, program, usesAuthorizer, variables: [...variables], where: whereOf(object, path) };
}

/** The source with every `null` literal that is a branch of a ternary written as `dyn(null)`; undefined when there is none. */
function relaxNullBranches(source: string, ast: unknown): string | undefined {
  const spans: { start: number; end: number }[] = [];
  walk(ast, (n) => {
    if (n.op !== '?:' || !Array.isArray(n.args)) return;
    for (const branch of n.args.slice(1) as { op?: string; args?: unknown; range?: { start: number; end: number } }[]) {
      if (branch?.op === 'value' && branch.args === null && branch.range) spans.push(branch.range);
    }
  });
  if (!spans.length) return undefined;
  let out = source;
  for (const { start, end } of spans.sort((a, b) => b.start - a.start)) {
    if (out.slice(start, end) !== 'null') return undefined;
    out = `${out.slice(0, start)}dyn(null)${out.slice(end)}`;
  }
  return out;
}

function compileError(object: K8sObject, path: FieldPath, source: string, e: unknown): BulkheadError {
  const err = e as { message?: string; range?: { start?: number } } | undefined;
  const first = (err?.message ?? String(e)).split('\n')[0]!;
  const offset = err?.range?.start;
  return new BulkheadError('POLICY_INVALID', `${object.kind} "${object.name}": ${pathText(path)}: compilation failed: ${first}${offset !== undefined ? ` (at character ${offset + 1})` : ''}`, {
    where: whereOf(object, path, source, offset),
    hint: /overload|unknown function|undeclared reference/i.test(first)
      ? 'fix the CEL expression; if it uses a Kubernetes CEL library Bulkhead does not implement (ip, cidr, semver, format), that part cannot be evaluated offline'
      : 'fix the CEL expression; the API server rejects policies whose expressions do not compile',
    cause: e,
  });
}
