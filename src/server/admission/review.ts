/**
 * AdmissionReview v1 (admission.k8s.io/v1): the request the API server
 * sends, read with zod (unknown fields kept, wrong shapes refused), and the
 * response it expects back.
 */
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() }).loose();
const groupVersionResource = z.object({ group: z.string(), version: z.string(), resource: z.string() }).loose();
const plainObject = z.record(z.string(), z.unknown());

const requestSchema = z
  .object({
    uid: z.string().min(1).max(256),
    kind: groupVersionKind,
    resource: groupVersionResource,
    subResource: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    userInfo: z.object({ username: z.string().optional() }).loose().optional(),
    object: plainObject.nullish(),
    oldObject: plainObject.nullish(),
    dryRun: z.boolean().optional(),
    options: z.unknown().optional(),
    /**
     * Not part of AdmissionRequest: the Namespace object (or its metadata),
     * when a proxy or a test adds it. The API server never sends it.
     */
    namespaceObject: plainObject.nullish(),
  })
  .loose();

const reviewSchema = z
  .object({
    apiVersion: z.literal(ADMISSION_API_VERSION),
    kind: z.literal('AdmissionReview'),
    request: requestSchema,
  })
  .loose();

export type AdmissionRequest = z.infer<typeof requestSchema>;

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** Kubernetes objects nest a few dozen levels; anything far deeper is hostile (and would exhaust the stack of recursive checks). */
export const MAX_NESTING = 200;

/** Depth of nested arrays/objects, computed without recursion; stops counting past `limit`. */
export function nestingDepth(data: unknown, limit = MAX_NESTING): number {
  let max = 0;
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return max;
}

/** Read an AdmissionReview request; INPUT error (K8S_INPUT_INVALID) naming the field when it is not one. */
export function parseAdmissionReview(data: unknown, where = 'AdmissionReview'): AdmissionRequest {
  if (nestingDepth(data) > MAX_NESTING) {
    throw new BulkheadError('K8S_INPUT_INVALID', `the AdmissionReview nests deeper than ${MAX_NESTING} levels`, { where, hint: 'no Kubernetes object nests this deep; the request is refused as hostile' });
  }
  const parsed = reviewSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new BulkheadError('K8S_INPUT_INVALID', `not an admission.k8s.io/v1 AdmissionReview request: ${field}${issue.message}`, {
      where,
      hint: 'the webhook configuration must list admissionReviewVersions: ["v1"]',
    });
  }
  return parsed.data.request;
}

/** The uid of a request when it can be read at all (to answer even a malformed review). */
export function uidOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const req = (data as { request?: unknown }).request;
  if (typeof req !== 'object' || req === null) return undefined;
  const uid = (req as { uid?: unknown }).uid;
  return typeof uid === 'string' && uid.length > 0 && uid.length <= 256 ? uid : undefined;
}

/** Kubernetes caps warnings at 120 characters each in its own messages; we cap length and count so a response stays small. */
const MAX_WARNINGS = 50;
const MAX_WARNING_CHARS = 2000;
const MAX_MESSAGE_CHARS = 8000;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  const out: AdmissionResponse = { uid: response.uid, allowed: response.allowed };
  if (response.status) out.status = { code: response.status.code, message: clip(response.status.message, MAX_MESSAGE_CHARS) };
  if (response.warnings?.length) out.warnings = response.warnings.slice(0, MAX_WARNINGS).map((w) => clip(w, MAX_WARNING_CHARS));
  if (response.auditAnnotations && Object.keys(response.auditAnnotations).length) {
    out.auditAnnotations = Object.fromEntries(Object.entries(response.auditAnnotations).map(([k, v]) => [k, clip(v, MAX_MESSAGE_CHARS)]));
  }
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response: out };
}
