/**
 * ValidatingAdmissionPolicy (CEL) evaluated offline: load and compile real
 * `admissionregistration.k8s.io/v1` policies and bindings, then evaluate them
 * against manifests with the API server's matching, params, messages and
 * validation actions.
 */
export { loadAdmissionPolicies, isPolicy, isBinding } from './policy.js';
export type { AdmissionPolicy, PolicyBinding, ValidationAction, FailurePolicy, MatchResources, ResourceRule, ParamRef, Validation, LoadPolicyOptions, PolicyProblem } from './policy.js';
export { evaluateAdmission, type AdmissionDecision, type AdmissionEvaluation, type PublishedAuditAnnotation, type DecisionKind } from './evaluate.js';
export { evaluatePolicies, findingsOfDecisions, vapCheckDefinition, severityOf } from './findings.js';
export { createAdmissionEnvironment, ADMISSION_VARIABLES } from './library.js';
export type { CompiledExpression } from './compile.js';
