/**
 * The RBAC authorizer's rule matching, rule by rule as the API server does it:
 * `*` in verbs, apiGroups and resources matches everything; `*\/<sub>` matches
 * that subresource of any resource; resourceNames, when present, restrict the
 * rule to requests that name one of them (so never list, watch or create);
 * nonResourceURLs match exactly, or by prefix when they end in `*`.
 */
import type { PolicyRule } from './model.js';

/** What one API request asks (the authorizer's attributes, minus the user). */
export interface RequestAttributes {
  verb: string;
  /** Resource requests: the API group (`""` for core); undefined here means "any group" (who-can on an unknown resource). */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  /** The object's name; empty for list, watch, create and deletecollection. */
  name?: string;
  /** The request's namespace; empty for cluster-scoped resources and cluster-wide lists. */
  namespace?: string;
  /** Non-resource requests (`/healthz`, `/metrics`): the URL path. */
  path?: string;
}

export const isResourceRequest = (a: RequestAttributes): boolean => a.path === undefined;

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string | undefined): boolean {
  if (group === undefined) return rule.apiGroups.length > 0;
  return rule.apiGroups.some((g) => g === '*' || g === group);
}

/** `combined` is `resource` or `resource/subresource`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string | undefined): boolean {
  for (const r of rule.resources) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (rule.resourceNames.length === 0) return true;
  return !!name && rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export const combinedResource = (resource: string, subresource?: string): string => (subresource ? `${resource}/${subresource}` : resource);

/** Does this one rule allow the request? (Scope, i.e. which bindings apply, is the caller's business.) */
export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!verbMatches(rule, a.verb)) return false;
  if (!isResourceRequest(a)) return nonResourceURLMatches(rule, a.path!);
  const resource = a.resource ?? '';
  return apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combinedResource(resource, a.subresource), a.subresource) && resourceNameMatches(rule, a.name);
}
