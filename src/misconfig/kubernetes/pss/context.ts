/**
 * What every check reads from a pod, computed once: the spec, the three kinds
 * of containers, the pod and container security contexts, and the two pod
 * facts that relax checks (Windows, user namespaces). Values are read without
 * trusting their types: a field of the wrong type reads as unset, the way a
 * check that never sees it behaves (the API server would reject such an
 * object anyway).
 */
import { asArray, asObject, type FieldPath, type JsonObject } from '../input/object.js';
import { containersOf, type ContainerView, type PodView } from '../input/pod.js';

export interface PodContext {
  pod: PodView;
  spec: JsonObject;
  containers: ContainerView[];
  /** `spec.securityContext` when it is an object. */
  podSecurityContext?: JsonObject;
  /** `spec.os.name == "windows"`: the Windows exemption (checks apply it from v1.25). */
  windows: boolean;
  /** `spec.hostUsers` explicitly `false`: the user-namespace relaxation (from v1.35). */
  userNamespace: boolean;
  /** A path inside the pod spec. */
  specAt(...rel: (string | number)[]): FieldPath;
  /** A path inside a container. */
  containerAt(c: ContainerView, ...rel: (string | number)[]): FieldPath;
  /** The container's `securityContext` when it is an object. */
  securityContextOf(c: ContainerView): JsonObject | undefined;
}

export function podContext(pod: PodView): PodContext {
  const spec = pod.spec;
  const os = asObject(spec['os']);
  const scCache = new Map<ContainerView, JsonObject | undefined>();
  return {
    pod,
    spec,
    containers: containersOf(pod),
    podSecurityContext: asObject(spec['securityContext']),
    windows: os?.['name'] === 'windows',
    userNamespace: spec['hostUsers'] === false,
    specAt: (...rel) => [...pod.specPath, ...rel],
    containerAt: (c, ...rel) => [...c.path, ...rel],
    securityContextOf(c) {
      if (!scCache.has(c)) scCache.set(c, asObject(c.data['securityContext']));
      return scCache.get(c);
    },
  };
}

/** `"a", "b"`: upstream's joinQuote. */
export function joinQuote(items: readonly string[]): string {
  return items.length ? `"${items.join('", "')}"` : '';
}

export function plural(count: number, singular: string, pluralForm: string): string {
  return count === 1 ? singular : pluralForm;
}

/** Sorted distinct values, in byte order like Go's sets. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** How a value shows in a message: strings as they are, anything else as JSON, absent as empty. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A field is "set" (non-nil in Go terms) when present and not null. */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${plural(names.length, 'container', 'containers')} ${joinQuote(names)}`;
}

export const entries = (v: unknown): unknown[] => asArray(v);
