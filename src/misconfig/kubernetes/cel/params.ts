/**
 * The params a binding gives its policy, from the objects among the inputs
 * (following the API server's CollectParams): none when the policy has no
 * paramKind or the binding no paramRef (one evaluation with `params` null);
 * the object named by `paramRef.name`, or every object matching
 * `paramRef.selector`, in the paramRef's namespace or else the request's;
 * and when none is found, `parameterNotFoundAction: Deny` is a configuration
 * error while `Allow` skips evaluation.
 */
import { asStringMap, getIn, type K8sObject } from '../input/object.js';
import type { AdmissionRequestInfo } from './match.js';
import type { AdmissionPolicy, PolicyBinding } from './policy.js';
import { splitApiVersion, type ResourceIndex } from './resources.js';
import { compileSelector, SelectorError } from './selector.js';

export type ParamsResult = { params: (K8sObject | null)[] } | { error: string };

/** Candidate param objects by `apiVersion/kind`. */
export function indexParams(objects: Iterable<K8sObject>): Map<string, K8sObject[]> {
  const out = new Map<string, K8sObject[]>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(o);
  }
  return out;
}

export function collectParams(
  policy: AdmissionPolicy,
  binding: PolicyBinding,
  req: AdmissionRequestInfo,
  candidatesByKind: ReadonlyMap<string, K8sObject[]>,
  index: ResourceIndex,
): ParamsResult {
  const kind = policy.paramKind;
  const ref = binding.paramRef;
  if (!kind || !ref) return { params: [null] };
  const candidates = candidatesByKind.get(`${kind.apiVersion}/${kind.kind}`) ?? [];
  const { group } = splitApiVersion(kind.apiVersion);
  const namespaced = index.namespacedKind(group, kind.kind) ?? (candidates.length ? candidates.some((c) => c.namespace !== undefined) : true);

  let namespace: string | undefined;
  if (namespaced) {
    namespace = ref.namespace ?? (req.namespace || undefined);
    if (!namespace) return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
  } else if (ref.namespace) {
    return { error: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`' };
  }
  const inScope = candidates.filter((c) => !namespaced || (c.namespace ?? 'default') === namespace);

  let params: K8sObject[];
  if (ref.name !== undefined) params = inScope.filter((c) => c.name === ref.name);
  else {
    let matches: (labels: Readonly<Record<string, string>>) => boolean;
    try {
      matches = compileSelector(ref.selector);
    } catch (e) {
      if (e instanceof SelectorError) return { error: `paramRef.selector: ${e.message}` };
      throw e;
    }
    params = inScope.filter((c) => matches(asStringMap(getIn(c.data, ['metadata', 'labels']))));
  }
  if (!params.length && ref.parameterNotFoundAction === 'Deny') return { error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
  return { params };
}
