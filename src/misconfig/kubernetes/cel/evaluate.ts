/**
 * Evaluating ValidatingAdmissionPolicies offline, as the API server's
 * dispatcher and validator do for a CREATE of each input object:
 *
 * policy matchConstraints → each binding's matchResources → params →
 * matchConditions (any false: skip; errors: failurePolicy) → validations
 * (false: a violation with its message; error: failurePolicy) →
 * auditAnnotations → the binding's validationActions (Deny, Warn, Audit).
 * Configuration errors (params not found with Deny, a bad selector, a
 * namespaced paramRef for a cluster-scoped object) deny under
 * failurePolicy Fail whatever the actions, like the API server.
 *
 * Where the API server stops at the first denial, we report every decision.
 */
import type { K8sObject } from '../input/object.js';
import type { CompiledExpression } from './compile.js';
import { isExemptFromPolicies, matchesResources, namespaceLabelsOf, requestOf, type AdmissionRequestInfo } from './match.js';
import { collectParams, indexParams } from './params.js';
import type { AdmissionPolicy, PolicyBinding, ValidationAction } from './policy.js';
import { ResourceIndex } from './resources.js';
import { AUTHORIZER_UNSUPPORTED, Authorizer } from './library.js';
import { SelectorError } from './selector.js';
import { toCelCached, typeName, type CelValue } from './values.js';

export type DecisionKind = 'violation' | 'error' | 'configuration';

export interface AdmissionDecision {
  object: K8sObject;
  policy: AdmissionPolicy;
  binding?: PolicyBinding;
  /** violation: a validation was not true; error: an expression failed under failurePolicy Fail; configuration: the policy or binding could not be applied (Fail). */
  kind: DecisionKind;
  message: string;
  reason: string;
  /** Index of the validation, for violations and validation errors. */
  expressionIndex?: number;
  /** What the API server does with it: the binding's validationActions (configuration errors always Deny). */
  actions: ValidationAction[];
  /** The API server's error text, when the actions include Deny. */
  denial?: string;
  /** The warning the client sees, when the actions include Warn. */
  warning?: string;
  /** The `validation.policy.admission.k8s.io/validation_failure` audit annotation, when the actions include Audit. */
  audit?: string;
}

export interface PublishedAuditAnnotation {
  object: K8sObject;
  /** `<policy>/<key>` */
  key: string;
  value: string;
}

export interface AdmissionEvaluation {
  decisions: AdmissionDecision[];
  auditAnnotations: PublishedAuditAnnotation[];
}

const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;
const MAX_AUDIT_VALUE = 10 * 1024;

type Outcome = { value: unknown } | { error: string };

/** The first line of an evaluation error, in cel-go's wording where they differ only in case. */
function errorText(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  return text.replace(/^No such key/, 'no such key');
}

function run(expr: CompiledExpression, activation: Record<string, unknown>): Outcome {
  if (expr.usesAuthorizer) return { error: AUTHORIZER_UNSUPPORTED };
  try {
    return { value: expr.program(activation) };
  } catch (e) {
    return { error: errorText(e) };
  }
}

const expressionError = (expr: CompiledExpression, error: string) => `expression '${expr.source}' resulted in error: ${error}`;

/** `variables`, evaluated lazily and once, each with access to the earlier ones. */
function lazyVariables(policy: AdmissionPolicy, activation: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const v of policy.variables) {
    let state: Outcome | undefined;
    Object.defineProperty(vars, v.name, {
      enumerable: true,
      get() {
        state ??= run(v.expression, activation);
        if ('error' in state) throw new Error(`composited variable "${v.name}" fails to evaluate: ${state.error}`);
        return state.value;
      },
    });
  }
  return vars;
}

interface Context {
  index: ResourceIndex;
  namespaces: Map<string, K8sObject>;
  params: Map<string, K8sObject[]>;
  /** namespaceObject values by namespace name (built once each). */
  namespaceValues: Map<string, CelValue>;
}

function requestValue(req: AdmissionRequestInfo): CelValue {
  const kind = { group: req.kind.group, version: req.kind.version, kind: req.kind.kind };
  const resource = { group: req.resource.group, version: req.resource.version, resource: req.resource.resource };
  return {
    uid: '',
    kind,
    resource,
    requestKind: kind,
    requestResource: resource,
    name: req.name,
    namespace: req.namespace,
    operation: 'CREATE',
    userInfo: {},
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  };
}

function namespaceObjectOf(req: AdmissionRequestInfo, ctx: Context): CelValue {
  if (!req.resource.namespaced || req.object.kind === 'Namespace') return null;
  let value = ctx.namespaceValues.get(req.namespace);
  if (value === undefined) ctx.namespaceValues.set(req.namespace, (value = buildNamespaceObject(req.namespace, ctx.namespaces.get(req.namespace))));
  return value;
}

function buildNamespaceObject(name: string, ns: K8sObject | undefined): CelValue {
  const data = (ns ? toCelCached(ns.data) : {}) as Record<string, CelValue>;
  const meta = (data['metadata'] ?? {}) as Record<string, CelValue>;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { ...meta, name, labels: namespaceLabelsOf(name, ns) },
    spec: data['spec'] ?? {},
    status: data['status'] ?? {},
  };
}

/** What one binding with one param decides. */
/** A decision before the binding's actions apply; `alwaysDeny` for audit-annotation errors, which the API server denies whatever the actions. */
interface RawDecision {
  kind: DecisionKind;
  message: string;
  reason: string;
  expressionIndex?: number;
  alwaysDeny?: boolean;
}

function validate(policy: AdmissionPolicy, req: AdmissionRequestInfo & { value?: CelValue }, param: K8sObject | null, ctx: Context, annotations: Map<string, string[]>): RawDecision[] {
  const fail = policy.failurePolicy === 'Fail';
  const activation: Record<string, unknown> = {
    object: toCelCached(req.object.data),
    oldObject: null,
    request: (req.value ??= requestValue(req)),
    params: param ? toCelCached(param.data) : null,
    namespaceObject: namespaceObjectOf(req, ctx),
    authorizer: new Authorizer(),
  };
  activation['variables'] = lazyVariables(policy, activation);

  const errors: string[] = [];
  for (const mc of policy.matchConditions) {
    const r = run(mc.expression, activation);
    if ('error' in r) errors.push(expressionError(mc.expression, r.error));
    else if (r.value === false) return [];
  }
  if (errors.length) {
    return fail ? [{ kind: 'error', message: errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`, reason: 'Invalid' }] : [];
  }

  const out: RawDecision[] = [];
  policy.validations.forEach((v, i) => {
    const r = run(v.expression, activation);
    if ('error' in r) {
      if (fail) out.push({ kind: 'error', message: expressionError(v.expression, r.error), reason: 'Invalid', expressionIndex: i });
      return;
    }
    if (r.value === true) return;
    out.push({ kind: 'violation', message: messageOf(v, activation), reason: v.reason ?? 'Invalid', expressionIndex: i });
  });

  for (const a of policy.auditAnnotations) {
    const r = run(a.valueExpression, activation);
    let error: string | undefined;
    if ('error' in r) error = expressionError(a.valueExpression, r.error);
    else if (typeof r.value === 'string') {
      const value = r.value.trim().slice(0, MAX_AUDIT_VALUE);
      if (value) {
        const list = annotations.get(a.key) ?? [];
        if (!list.includes(value)) list.push(value);
        annotations.set(a.key, list);
      }
    } else if (r.value !== null) {
      error = `valueExpression '${a.valueExpression.source}' resulted in unsupported return type: ${typeName(r.value)}. Return type must be either string or null.`;
    }
    if (error && fail) out.push({ kind: 'error', message: error, reason: 'Invalid', alwaysDeny: true });
  }
  return out;
}

function messageOf(v: AdmissionPolicy['validations'][number], activation: Record<string, unknown>): string {
  if (v.messageExpression) {
    const r = run(v.messageExpression, activation);
    if ('value' in r && typeof r.value === 'string') {
      const m = r.value.trim();
      if (m && Buffer.byteLength(m) <= MAX_MESSAGE_EXPRESSION_BYTES && !m.includes('\n')) return m;
    }
  }
  const message = v.message?.trim();
  return message || `failed expression: ${v.expression.source.trim()}`;
}

function withTexts(d: AdmissionDecision): AdmissionDecision {
  const policyName = d.policy.name;
  const b = d.binding;
  if (d.actions.includes('Deny')) {
    d.denial = b
      ? `ValidatingAdmissionPolicy '${policyName}' with binding '${b.name}' denied request: ${d.message}`
      : `ValidatingAdmissionPolicy '${policyName}' denied request: ${d.message}`;
  }
  if (b && d.actions.includes('Warn')) d.warning = `Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${b.name}': ${d.message}`;
  if (b && d.actions.includes('Audit')) {
    d.audit = JSON.stringify([{ message: d.message, policy: policyName, binding: b.name, expressionIndex: d.expressionIndex ?? 0, validationActions: b.validationActions }]);
  }
  return d;
}

/** Every decision and published audit annotation of `policies` on `objects` (each a CREATE). */
export function evaluateAdmission(policies: readonly AdmissionPolicy[], objects: readonly K8sObject[]): AdmissionEvaluation {
  const active = policies.filter((p) => p.bindings.length);
  const result: AdmissionEvaluation = { decisions: [], auditAnnotations: [] };
  if (!active.length) return result;
  const ctx: Context = {
    index: new ResourceIndex(objects),
    namespaces: new Map(objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1').map((o) => [o.name, o])),
    params: indexParams(objects),
    namespaceValues: new Map(),
  };
  for (const object of objects) {
    const req = requestOf(object, ctx.index, ctx.namespaces);
    if (isExemptFromPolicies(req)) continue;
    for (const policy of active) evaluatePolicyOn(policy, req, ctx, result);
  }
  return result;
}

function evaluatePolicyOn(policy: AdmissionPolicy, req: AdmissionRequestInfo, ctx: Context, result: AdmissionEvaluation): void {
  const configError = (message: string, binding?: PolicyBinding) => {
    if (policy.failurePolicy !== 'Fail') return;
    const prefix = binding ? 'failed to configure binding' : 'failed to configure policy';
    result.decisions.push(withTexts({ object: req.object, policy, binding, kind: 'configuration', message: `${prefix}: ${message}`, reason: 'Invalid', actions: ['Deny'] }));
  };
  try {
    if (!matchesResources(policy.matchConstraints, req)) return;
  } catch (e) {
    if (e instanceof SelectorError) return configError(e.message);
    throw e;
  }
  const annotations = new Map<string, string[]>();
  for (const binding of policy.bindings) {
    try {
      if (binding.matchResources && !matchesResources(binding.matchResources, req)) continue;
    } catch (e) {
      if (e instanceof SelectorError) {
        configError(e.message, binding);
        continue;
      }
      throw e;
    }
    const collected = collectParams(policy, binding, req, ctx.params, ctx.index);
    if ('error' in collected) {
      configError(collected.error, binding);
      continue;
    }
    const seen = new Set<string>();
    for (const param of collected.params) {
      for (const d of validate(policy, req, param, ctx, annotations)) {
        const key = `${d.kind}\u0000${d.expressionIndex ?? ''}\u0000${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const actions: ValidationAction[] = d.alwaysDeny ? ['Deny'] : binding.validationActions;
        const decision: AdmissionDecision = { object: req.object, policy, binding, kind: d.kind, message: d.message, reason: d.reason, actions };
        if (d.expressionIndex !== undefined) decision.expressionIndex = d.expressionIndex;
        result.decisions.push(withTexts(decision));
      }
    }
  }
  for (const [key, values] of annotations) result.auditAnnotations.push({ object: req.object, key: `${policy.name}/${key}`, value: values.join(', ') });
}
