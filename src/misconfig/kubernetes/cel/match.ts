/**
 * Which admission requests a policy or binding applies to: resource rules
 * (groups, versions, resources, operations, scope, resource names),
 * exclusions, and namespace and object selectors, as the API server's
 * matcher applies them. Every input object is a CREATE request.
 *
 * matchPolicy Equivalent (the default) matches a rule naming any version of
 * the object's group and resource, and the old group names of moved
 * resources (extensions ⇔ apps / networking.k8s.io); Exact needs the
 * object's own group and version.
 */
import { asStringMap, getIn, type K8sObject } from '../input/object.js';
import type { MatchResources, ResourceRule } from './policy.js';
import { EQUIVALENT_GROUPS, type ResourceIndex, type ResourceInfo } from './resources.js';
import { compileSelector, SelectorError } from './selector.js';

export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

/** One object seen as a CREATE request. */
export interface AdmissionRequestInfo {
  object: K8sObject;
  kind: { group: string; version: string; kind: string };
  resource: ResourceInfo;
  /** Request namespace: the object's (default `default`) for namespaced kinds, the namespace's own name for a Namespace, empty otherwise. */
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Labels of the request's namespace (for a Namespace: its own). */
  namespaceLabels?: Record<string, string>;
}

/** Labels of a namespace as the API server has them (it adds kubernetes.io/metadata.name). */
export function namespaceLabelsOf(name: string, ns?: K8sObject): Record<string, string> {
  const labels = ns ? asStringMap(getIn(ns.data, ['metadata', 'labels'])) : {};
  return { ...labels, [METADATA_NAME_LABEL]: name };
}

export function requestOf(object: K8sObject, index: ResourceIndex, namespaces: ReadonlyMap<string, K8sObject>): AdmissionRequestInfo {
  const resource = index.resourceOf(object.apiVersion, object.kind, object.namespace);
  const isNamespace = object.kind === 'Namespace' && resource.group === '' && resource.version === 'v1';
  const namespace = isNamespace ? object.name : resource.namespaced ? object.namespace ?? 'default' : '';
  const labels = asStringMap(getIn(object.data, ['metadata', 'labels']));
  const name = object.name.endsWith('*') || object.name === '<unnamed>' ? '' : object.name;
  const info: AdmissionRequestInfo = {
    object,
    kind: { group: resource.group, version: resource.version, kind: object.kind },
    resource,
    namespace,
    name,
    labels,
  };
  if (isNamespace) info.namespaceLabels = { ...labels, [METADATA_NAME_LABEL]: object.name };
  else if (resource.namespaced) info.namespaceLabels = namespaceLabelsOf(namespace, namespaces.get(namespace));
  return info;
}

const listed = (list: readonly string[], value: string) => list.includes('*') || list.includes(value);

function ruleMatches(rule: ResourceRule, req: AdmissionRequestInfo, matchPolicy: MatchResources['matchPolicy']): boolean {
  if (!listed(rule.operations, 'CREATE')) return false;
  if (rule.scope === 'Cluster' && req.resource.namespaced) return false;
  if (rule.scope === 'Namespaced' && !req.resource.namespaced) return false;
  const resource = req.resource.resource;
  if (!rule.resources.some((r) => r === resource || r === '*' || r === '*/*')) return false;
  if (rule.resourceNames.length && !rule.resourceNames.includes(req.name)) return false;
  const groups = matchPolicy === 'Equivalent' ? [req.resource.group, ...(EQUIVALENT_GROUPS[resource]?.[req.resource.group] ?? [])] : [req.resource.group];
  if (!groups.some((g) => listed(rule.apiGroups, g))) return false;
  if (matchPolicy === 'Exact') return listed(rule.apiVersions, req.resource.version);
  return rule.apiVersions.length > 0;
}

/**
 * Whether `match` selects the request. A malformed selector throws
 * SelectorError (a configuration error the caller handles with the failure
 * policy), but only when the resource rules match, as upstream does.
 */
export function matchesResources(match: MatchResources, req: AdmissionRequestInfo): boolean {
  let selectorError: SelectorError | undefined;
  const selects = (selector: unknown, labels: Record<string, string>): boolean => {
    try {
      return compiledSelector(selector)(labels);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      selectorError ??= e;
      return true;
    }
  };
  // A cluster-scoped object other than a Namespace is never excluded by a namespace selector.
  if (req.namespaceLabels && !selects(match.namespaceSelector, req.namespaceLabels)) return false;
  if (!selects(match.objectSelector, req.labels)) return false;
  if (match.excludeResourceRules.some((r) => ruleMatches(r, req, match.matchPolicy))) return false;
  if (match.resourceRules.length && !match.resourceRules.some((r) => ruleMatches(r, req, match.matchPolicy))) return false;
  if (selectorError) throw selectorError;
  return true;
}

const selectorCache = new WeakMap<object, (labels: Readonly<Record<string, string>>) => boolean>();

function compiledSelector(selector: unknown): (labels: Readonly<Record<string, string>>) => boolean {
  if (typeof selector !== 'object' || selector === null) return compileSelector(selector);
  let fn = selectorCache.get(selector);
  if (!fn) selectorCache.set(selector, (fn = compileSelector(selector)));
  return fn;
}

/** Kinds the API server never sends to API-defined admission policies (to avoid locking policies out). */
export function isExemptFromPolicies(req: AdmissionRequestInfo): boolean {
  return req.resource.group === 'admissionregistration.k8s.io' && EXEMPT_RESOURCES.has(req.resource.resource);
}

const EXEMPT_RESOURCES = new Set(['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);
