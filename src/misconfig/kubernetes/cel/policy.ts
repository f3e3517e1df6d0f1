/**
 * Loading ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding
 * objects (admissionregistration.k8s.io/v1, also v1beta1): the fields the
 * API server validates are validated here too, and every expression is
 * compiled once. Problems the API server would accept but that make a policy
 * inert (a policy with no binding, a binding naming no policy) are reported
 * through `onProblem`, never silently dropped.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { asArray, asObject, asString, getIn, isObject, type FieldPath, type K8sObject } from '../input/object.js';
import { compileExpression, invalid, type CompiledExpression } from './compile.js';
import { createAdmissionEnvironment } from './library.js';

export type ValidationAction = 'Deny' | 'Warn' | 'Audit';
export type FailurePolicy = 'Fail' | 'Ignore';

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  resourceNames: string[];
  scope: '*' | 'Cluster' | 'Namespaced';
}

export interface MatchResources {
  namespaceSelector?: unknown;
  objectSelector?: unknown;
  resourceRules: ResourceRule[];
  excludeResourceRules: ResourceRule[];
  matchPolicy: 'Equivalent' | 'Exact';
}

export interface Validation {
  expression: CompiledExpression;
  message?: string;
  messageExpression?: CompiledExpression;
  reason?: string;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: unknown;
  parameterNotFoundAction: 'Allow' | 'Deny';
}

export interface PolicyBinding {
  name: string;
  object: K8sObject;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions: ValidationAction[];
}

export interface AdmissionPolicy {
  name: string;
  object: K8sObject;
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints: MatchResources;
  matchConditions: { name: string; expression: CompiledExpression }[];
  variables: { name: string; expression: CompiledExpression }[];
  validations: Validation[];
  auditAnnotations: { key: string; valueExpression: CompiledExpression }[];
  failurePolicy: FailurePolicy;
  /** Bindings naming this policy, in input order. */
  bindings: PolicyBinding[];
}

export interface PolicyProblem {
  where: string;
  message: string;
}

export interface LoadPolicyOptions {
  onProblem?: (problem: PolicyProblem) => void;
  /** Share one CEL environment between loads (it is expensive to build). */
  environment?: Environment;
}

const GROUP = 'admissionregistration.k8s.io';
const VERSIONS = new Set([`${GROUP}/v1`, `${GROUP}/v1beta1`]);
const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*']);
const REASONS = new Set(['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge']);
const ACTIONS = new Set<ValidationAction>(['Deny', 'Warn', 'Audit']);
const IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const AUDIT_KEY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

let sharedEnv: Environment | undefined;

export const isPolicy = (o: K8sObject) => o.kind === 'ValidatingAdmissionPolicy' && VERSIONS.has(o.apiVersion);
export const isBinding = (o: K8sObject) => o.kind === 'ValidatingAdmissionPolicyBinding' && VERSIONS.has(o.apiVersion);

/** Every ValidatingAdmissionPolicy among `objects`, compiled, with its bindings. Throws POLICY_INVALID for a policy the API server would reject. */
export function loadAdmissionPolicies(objects: Iterable<K8sObject>, options: LoadPolicyOptions = {}): AdmissionPolicy[] {
  const env = options.environment ?? (sharedEnv ??= createAdmissionEnvironment());
  const policies: AdmissionPolicy[] = [];
  const bindings: { policyName: string; binding: PolicyBinding }[] = [];
  for (const o of objects) {
    if (isPolicy(o)) policies.push(loadPolicy(env, o));
    else if (isBinding(o)) bindings.push(loadBinding(o));
  }
  const byName = new Map<string, AdmissionPolicy>();
  for (const p of policies) {
    if (byName.has(p.name)) throw invalid(p.object, ['metadata', 'name'], `a second ValidatingAdmissionPolicy is named "${p.name}"`, 'policy names are unique in a cluster; rename one');
    byName.set(p.name, p);
  }
  const seenBindings = new Set<string>();
  for (const { policyName, binding } of bindings) {
    if (seenBindings.has(binding.name)) throw invalid(binding.object, ['metadata', 'name'], `a second ValidatingAdmissionPolicyBinding is named "${binding.name}"`, 'binding names are unique in a cluster; rename one');
    seenBindings.add(binding.name);
    const policy = byName.get(policyName);
    if (!policy) {
      options.onProblem?.({ where: `${binding.object.file}:${binding.object.range.startLine}`, message: `binding "${binding.name}" names policy "${policyName}", which is not among the inputs; it is not evaluated` });
      continue;
    }
    policy.bindings.push(binding);
  }
  for (const p of policies) {
    if (!p.bindings.length) {
      options.onProblem?.({ where: `${p.object.file}:${p.object.range.startLine}`, message: `policy "${p.name}" has no ValidatingAdmissionPolicyBinding; the API server does not enforce it, so it is not evaluated` });
    }
  }
  return policies;
}

function specOf(o: K8sObject): Record<string, unknown> {
  const spec = asObject(o.data['spec']);
  if (!spec) throw invalid(o, ['spec'], 'spec is required');
  return spec;
}

function nameOf(o: K8sObject): string {
  const name = asString(getIn(o.data, ['metadata', 'name']));
  if (!name) throw invalid(o, ['metadata', 'name'], 'metadata.name is required');
  return name;
}

function stringList(o: K8sObject, path: FieldPath): string[] {
  const v = getIn(o.data, path);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(o, path, 'must be a list of strings');
  return v as string[];
}

function loadRules(o: K8sObject, path: FieldPath): ResourceRule[] {
  const raw = getIn(o.data, path);
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) throw invalid(o, path, 'must be a list of rules');
  return asArray(raw).map((r, i) => {
    const p = [...path, i];
    if (!isObject(r)) throw invalid(o, p, 'a rule must be an object');
    const operations = stringList(o, [...p, 'operations']);
    for (const op of operations) if (!OPERATIONS.has(op)) throw invalid(o, [...p, 'operations'], `"${op}" is not one of CREATE, UPDATE, DELETE, CONNECT, *`);
    const scope = r['scope'] ?? '*';
    if (scope !== '*' && scope !== 'Cluster' && scope !== 'Namespaced') throw invalid(o, [...p, 'scope'], 'must be "*", "Cluster" or "Namespaced"');
    return {
      apiGroups: stringList(o, [...p, 'apiGroups']),
      apiVersions: stringList(o, [...p, 'apiVersions']),
      resources: stringList(o, [...p, 'resources']),
      operations,
      resourceNames: stringList(o, [...p, 'resourceNames']),
      scope,
    };
  });
}

function loadMatchResources(o: K8sObject, path: FieldPath): MatchResources {
  const m = asObject(getIn(o.data, path)) ?? {};
  const matchPolicy = m['matchPolicy'] ?? 'Equivalent';
  if (matchPolicy !== 'Equivalent' && matchPolicy !== 'Exact') throw invalid(o, [...path, 'matchPolicy'], 'must be "Equivalent" or "Exact"');
  return {
    namespaceSelector: m['namespaceSelector'],
    objectSelector: m['objectSelector'],
    resourceRules: loadRules(o, [...path, 'resourceRules']),
    excludeResourceRules: loadRules(o, [...path, 'excludeResourceRules']),
    matchPolicy,
  };
}

function loadPolicy(env: Environment, o: K8sObject): AdmissionPolicy {
  const name = nameOf(o);
  const spec = specOf(o);
  const failurePolicy = spec['failurePolicy'] ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') throw invalid(o, ['spec', 'failurePolicy'], 'must be "Fail" or "Ignore"');

  let paramKind: AdmissionPolicy['paramKind'];
  if (spec['paramKind'] !== undefined && spec['paramKind'] !== null) {
    const pk = asObject(spec['paramKind']);
    const apiVersion = asString(pk?.['apiVersion']);
    const kind = asString(pk?.['kind']);
    if (!apiVersion || !kind) throw invalid(o, ['spec', 'paramKind'], 'paramKind needs apiVersion and kind');
    paramKind = { apiVersion, kind };
  }
  if (!isObject(spec['matchConstraints'])) throw invalid(o, ['spec', 'matchConstraints'], 'matchConstraints is required');
  const matchConstraints = loadMatchResources(o, ['spec', 'matchConstraints']);
  if (!matchConstraints.resourceRules.length) throw invalid(o, ['spec', 'matchConstraints', 'resourceRules'], 'at least one resource rule is required');

  const names = new Set<string>();
  const matchConditions = asArray(spec['matchConditions']).map((mc, i) => {
    const p: FieldPath = ['spec', 'matchConditions', i];
    const n = asString(asObject(mc)?.['name']);
    if (!n) throw invalid(o, [...p, 'name'], 'a match condition needs a name');
    if (names.has(n)) throw invalid(o, [...p, 'name'], `duplicate match condition name "${n}"`);
    names.add(n);
    return { name: n, expression: compileExpression(env, o, [...p, 'expression'], 'matchCondition', new Set()) };
  });

  const declared = new Set<string>();
  const variables = asArray(spec['variables']).map((v, i) => {
    const p: FieldPath = ['spec', 'variables', i];
    const n = asString(asObject(v)?.['name']);
    if (!n || !IDENTIFIER.test(n)) throw invalid(o, [...p, 'name'], 'a variable needs a name that is a CEL identifier');
    if (declared.has(n)) throw invalid(o, [...p, 'name'], `duplicate variable "${n}"`);
    const expression = compileExpression(env, o, [...p, 'expression'], 'variable', declared);
    declared.add(n);
    return { name: n, expression };
  });

  const validations = asArray(spec['validations']).map((v, i): Validation => {
    const p: FieldPath = ['spec', 'validations', i];
    const val = asObject(v) ?? {};
    const expression = compileExpression(env, o, [...p, 'expression'], 'validation', declared);
    const out: Validation = { expression };
    if (val['message'] !== undefined && val['message'] !== null) {
      const message = val['message'];
      if (typeof message !== 'string') throw invalid(o, [...p, 'message'], 'must be a string');
      if (message.length && !message.trim()) throw invalid(o, [...p, 'message'], 'message must be non-empty if specified');
      if (/[\n\r]/.test(message.trim())) throw invalid(o, [...p, 'message'], 'message must not contain line breaks');
      if (message) out.message = message;
    }
    if (val['messageExpression'] !== undefined && val['messageExpression'] !== null) {
      out.messageExpression = compileExpression(env, o, [...p, 'messageExpression'], 'messageExpression', declared);
    }
    if (val['reason'] !== undefined && val['reason'] !== null) {
      if (typeof val['reason'] !== 'string' || !REASONS.has(val['reason'])) throw invalid(o, [...p, 'reason'], `must be one of ${[...REASONS].join(', ')}`);
      out.reason = val['reason'];
    }
    return out;
  });

  const keys = new Set<string>();
  const auditAnnotations = asArray(spec['auditAnnotations']).map((a, i) => {
    const p: FieldPath = ['spec', 'auditAnnotations', i];
    const key = asString(asObject(a)?.['key']);
    if (!key || key.length > 63 || !AUDIT_KEY.test(key)) throw invalid(o, [...p, 'key'], 'must be a lowercase DNS label (letters, digits and -, at most 63)');
    if (keys.has(key)) throw invalid(o, [...p, 'key'], `duplicate audit annotation key "${key}"`);
    keys.add(key);
    return { key, valueExpression: compileExpression(env, o, [...p, 'valueExpression'], 'auditAnnotation', declared) };
  });

  if (!validations.length && !auditAnnotations.length) throw invalid(o, ['spec', 'validations'], 'at least one of validations or auditAnnotations is required');
  return { name, object: o, paramKind, matchConstraints, matchConditions, variables, validations, auditAnnotations, failurePolicy, bindings: [] };
}

function loadBinding(o: K8sObject): { policyName: string; binding: PolicyBinding } {
  const name = nameOf(o);
  const spec = specOf(o);
  const policyName = asString(spec['policyName']);
  if (!policyName) throw invalid(o, ['spec', 'policyName'], 'policyName is required');

  const actions = stringList(o, ['spec', 'validationActions']);
  if (!actions.length) throw invalid(o, ['spec', 'validationActions'], 'at least one of Deny, Warn, Audit is required');
  for (const a of actions) if (!ACTIONS.has(a as ValidationAction)) throw invalid(o, ['spec', 'validationActions'], `"${a}" is not one of Deny, Warn, Audit`);
  if (new Set(actions).size !== actions.length) throw invalid(o, ['spec', 'validationActions'], 'must not repeat an action');
  if (actions.includes('Deny') && actions.includes('Warn')) throw invalid(o, ['spec', 'validationActions'], 'must not contain both Deny and Warn (a denied request returns no warnings)');

  const binding: PolicyBinding = { name, object: o, validationActions: actions as ValidationAction[] };
  if (spec['paramRef'] !== undefined && spec['paramRef'] !== null) {
    const pr = asObject(spec['paramRef']);
    if (!pr) throw invalid(o, ['spec', 'paramRef'], 'must be an object');
    const refName = asString(pr['name']);
    const selector = pr['selector'];
    if (refName && selector !== undefined && selector !== null) throw invalid(o, ['spec', 'paramRef'], 'name and selector are mutually exclusive');
    if (!refName && (selector === undefined || selector === null)) throw invalid(o, ['spec', 'paramRef'], 'one of name or selector is required');
    const action = pr['parameterNotFoundAction'];
    if (action !== 'Allow' && action !== 'Deny') throw invalid(o, ['spec', 'paramRef', 'parameterNotFoundAction'], 'is required: "Allow" or "Deny"');
    const ref: ParamRef = { parameterNotFoundAction: action };
    if (refName) ref.name = refName;
    const ns = asString(pr['namespace']);
    if (ns) ref.namespace = ns;
    if (selector !== undefined && selector !== null) ref.selector = selector;
    binding.paramRef = ref;
  }
  if (spec['matchResources'] !== undefined && spec['matchResources'] !== null) binding.matchResources = loadMatchResources(o, ['spec', 'matchResources']);
  return { policyName, binding };
}
