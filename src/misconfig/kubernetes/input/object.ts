/**
 * One Kubernetes object as every Kubernetes check sees it: the plain data,
 * who it is (apiVersion, kind, namespace, name), and where it came from, down
 * to the line range of any field, so a finding points at the offending line,
 * not just at the object.
 */
import type { K8sObjectRef, Location } from '../../../core/types.js';

/** A path of keys and array indexes inside an object: `['spec', 'containers', 0, 'securityContext']`. */
export type FieldPath = readonly (string | number)[];

export interface LineRange {
  startLine: number;
  endLine: number;
}

export type JsonObject = { [key: string]: unknown };

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As written; absent for cluster-scoped objects and for namespaced objects that left it to the client. */
  readonly namespace?: string;
  /** The object as plain data (YAML/JSON decoded). Never mutate it. */
  readonly data: JsonObject;
  /** The file it came from (`-` for stdin, `kustomize:<dir>` for rendered kustomizations). */
  readonly file: string;
  /** Lines of the whole object. */
  readonly range: LineRange;
  /** Lines of a field; the nearest enclosing field that exists when the path does not (a missing field is reported where it should be). */
  locate(path: FieldPath): LineRange;
  readonly ref: K8sObjectRef;
}

/** Where a finding about `path` of `object` points. */
export function locationOf(object: K8sObject, path: FieldPath = []): Location {
  const range = path.length ? object.locate(path) : object.range;
  return { path: object.file, startLine: range.startLine, endLine: range.endLine, object: object.ref };
}

export function refOf(apiVersion: string, kind: string, name: string, namespace?: string): K8sObjectRef {
  const ref: K8sObjectRef = { apiVersion, kind, name };
  if (namespace !== undefined) ref.namespace = namespace;
  return ref;
}

/** `ns/name[Kind]`, or `name[Kind]` for cluster-scoped objects. */
export function describeObject(ref: K8sObjectRef): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}[${ref.kind}]`;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read a nested value without trusting the shape: wrong types read as undefined. */
export function getIn(data: unknown, path: FieldPath): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[key];
    } else {
      if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
      cur = cur[key];
    }
  }
  return cur;
}

export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asObject = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

/** String-valued map (labels, annotations); non-string values are dropped. */
export function asStringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}
