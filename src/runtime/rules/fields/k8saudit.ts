/**
 * Kubernetes audit fields (`ka.*`, `jevt.*`) over K8sAuditEvent, with the
 * meaning the Falco k8saudit plugin gives them. List fields (several
 * containers, groups, verbs) follow Falco: `in` holds when every value is in
 * the set, `intersects` when one is.
 */
import { splitImage } from './syscall.js';
import { EvalCtx, simple, type FieldSpec, type FieldType, type Getter } from './types.js';

type Json = unknown;

function obj(v: Json): Record<string, Json> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : undefined;
}

function arr(v: Json): Json[] {
  return Array.isArray(v) ? v : [];
}

function str(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Walk a path of keys. */
function at(root: Json, ...path: string[]): Json {
  let cur: Json = root;
  for (const k of path) {
    const o = obj(cur);
    if (!o) return undefined;
    cur = o[k];
  }
  return cur;
}

/** RFC 6901 JSON pointer (`/requestObject/spec/volumes/0`). */
export function jsonPointer(root: Json, pointer: string): Json {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let cur: Json = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else {
      const o = obj(cur);
      if (!o || !Object.prototype.hasOwnProperty.call(o, key)) return undefined;
      cur = o[key];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Text of a JSON value as Falco's json fields render it (objects and arrays as JSON). */
function jsonText(v: Json): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = str(v);
  return s !== undefined ? s : JSON.stringify(v);
}

const ev = (c: EvalCtx): Json => c.audit.event;

function memo(c: EvalCtx, key: string, f: () => unknown): unknown {
  if (!c.k8s) c.k8s = new Map();
  if (c.k8s.has(key)) return c.k8s.get(key);
  const v = f();
  c.k8s.set(key, v);
  return v;
}

const K = 'k8s_audit' as const;

function field(name: string, type: FieldType, desc: string, get: Getter): FieldSpec {
  return simple(name, K, type, desc, get);
}

function listField(name: string, desc: string, get: (c: EvalCtx) => string[]): FieldSpec {
  return simple(name, K, 'string', desc, (c) => memo(c, name, () => get(c)), { multi: 'list' });
}

/** Containers of a pod in the request: spec.containers then spec.initContainers. */
function podContainers(c: EvalCtx): Array<Record<string, Json>> {
  const spec = at(ev(c), 'requestObject', 'spec');
  return [...arr(at(spec, 'containers')), ...arr(at(spec, 'initContainers'))].map((x) => obj(x)).filter((x): x is Record<string, Json> => x !== undefined);
}

function requestPodSpec(c: EvalCtx): Json {
  return at(ev(c), 'requestObject', 'spec');
}

function boolText(v: Json): string {
  return v === true || v === 'true' ? 'true' : 'false';
}

function roleRules(c: EvalCtx): Array<Record<string, Json>> {
  return arr(at(ev(c), 'requestObject', 'rules'))
    .map((r) => obj(r))
    .filter((r): r is Record<string, Json> => r !== undefined);
}

function uriParam(c: EvalCtx, key: string): string | undefined {
  const uri = str(at(ev(c), 'requestURI'));
  if (uri === undefined) return undefined;
  const q = uri.indexOf('?');
  if (q < 0) return undefined;
  const params = new URLSearchParams(uri.slice(q + 1));
  const all = params.getAll(key);
  return all.length > 0 ? all.join(' ') : undefined;
}

function annotation(c: EvalCtx, key: string): string | undefined {
  return str(at(ev(c), 'annotations', key));
}

/** Event time in ns from stageTimestamp / requestReceivedTimestamp; the event's `time` otherwise. */
export function auditTimeNs(event: Record<string, unknown>): number | undefined {
  for (const k of ['stageTimestamp', 'requestReceivedTimestamp']) {
    const t = event[k];
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) {
        const frac = /\.(\d+)Z?$/.exec(t)?.[1] ?? '';
        const sub = frac.length > 3 ? Number(frac.slice(3, 9).padEnd(6, '0')) : 0;
        return ms * 1e6 + sub;
      }
    }
  }
  return undefined;
}

export const K8S_AUDIT_FIELDS: FieldSpec[] = [
  field('ka.auditid', 'string', 'Audit event id.', (c) => str(at(ev(c), 'auditID'))),
  field('ka.stage', 'string', 'Audit stage (RequestReceived, ResponseStarted, ResponseComplete, Panic).', (c) => str(at(ev(c), 'stage'))),
  field('ka.auth.decision', 'string', 'Authorization decision (allow, forbid).', (c) => annotation(c, 'authorization.k8s.io/decision')),
  field('ka.auth.reason', 'string', 'Authorization reason.', (c) => annotation(c, 'authorization.k8s.io/reason')),
  field('ka.user.name', 'string', 'User name.', (c) => str(at(ev(c), 'user', 'username'))),
  listField('ka.user.groups', 'User groups.', (c) => arr(at(ev(c), 'user', 'groups')).map(str).filter((x): x is string => x !== undefined)),
  field('ka.impuser.name', 'string', 'Impersonated user name.', (c) => str(at(ev(c), 'impersonatedUser', 'username'))),
  field('ka.verb', 'string', 'Action (get, list, create, update, patch, delete, …).', (c) => str(at(ev(c), 'verb'))),
  field('ka.uri', 'string', 'Request URI.', (c) => str(at(ev(c), 'requestURI'))),
  {
    name: 'ka.uri.param',
    source: K,
    type: 'string',
    desc: 'Query parameter of the request URI by name.',
    arg: 'required',
    bind(arg) {
      if (!arg) return 'ka.uri.param needs a parameter name: ka.uri.param[<name>]';
      return { name: `ka.uri.param[${arg}]`, type: 'string', get: (c) => uriParam(c, arg) };
    },
  },
  field('ka.target.name', 'string', 'Target object name.', (c) => str(at(ev(c), 'objectRef', 'name'))),
  field('ka.target.namespace', 'string', 'Target object namespace.', (c) => str(at(ev(c), 'objectRef', 'namespace'))),
  field('ka.target.resource', 'string', 'Target object resource (pods, secrets, …).', (c) => str(at(ev(c), 'objectRef', 'resource'))),
  field('ka.target.subresource', 'string', 'Target object subresource (exec, attach, …).', (c) => str(at(ev(c), 'objectRef', 'subresource'))),
  field('ka.req.binding.role', 'string', 'Role a (Cluster)RoleBinding in the request refers to.', (c) => str(at(ev(c), 'requestObject', 'roleRef', 'name'))),
  listField('ka.req.binding.subjects', 'Subject names of a (Cluster)RoleBinding in the request.', (c) =>
    arr(at(ev(c), 'requestObject', 'subjects')).map((s) => str(at(s, 'name'))).filter((x): x is string => x !== undefined),
  ),
  field('ka.req.configmap.name', 'string', 'Name of a ConfigMap in the request.', (c) => str(at(ev(c), 'requestObject', 'metadata', 'name'))),
  field('ka.req.configmap.obj', 'string', 'Data of a ConfigMap in the request, as JSON.', (c) => jsonText(at(ev(c), 'requestObject', 'data'))),
  listField('ka.req.pod.containers.image', 'Images of the containers of a pod in the request.', (c) => podContainers(c).map((x) => str(x.image)).filter((x): x is string => x !== undefined)),
  listField('ka.req.pod.containers.image.repository', 'Image repositories of the containers of a pod in the request.', (c) =>
    podContainers(c)
      .map((x) => str(x.image))
      .filter((x): x is string => x !== undefined)
      .map((i) => splitImage(i).repository),
  ),
  listField('ka.req.pod.containers.privileged', 'securityContext.privileged of each container (true/false).', (c) => podContainers(c).map((x) => boolText(at(x, 'securityContext', 'privileged')))),
  listField('ka.req.pod.containers.add_capabilities', 'Capabilities added by the containers.', (c) =>
    podContainers(c).flatMap((x) => arr(at(x, 'securityContext', 'capabilities', 'add')).map(str)).filter((x): x is string => x !== undefined),
  ),
  listField('ka.req.pod.containers.host_port', 'Host ports of the containers.', (c) =>
    podContainers(c).flatMap((x) => arr(x.ports).map((p) => str(at(p, 'hostPort')))).filter((x): x is string => x !== undefined),
  ),
  field('ka.req.pod.host_network', 'string', 'hostNetwork of a pod in the request (true/false).', (c) => (requestPodSpec(c) === undefined ? undefined : boolText(at(requestPodSpec(c), 'hostNetwork')))),
  field('ka.req.pod.host_pid', 'string', 'hostPID of a pod in the request (true/false).', (c) => (requestPodSpec(c) === undefined ? undefined : boolText(at(requestPodSpec(c), 'hostPID')))),
  field('ka.req.pod.host_ipc', 'string', 'hostIPC of a pod in the request (true/false).', (c) => (requestPodSpec(c) === undefined ? undefined : boolText(at(requestPodSpec(c), 'hostIPC')))),
  listField('ka.req.pod.volumes.hostpath', 'hostPath paths of the volumes of a pod in the request.', (c) =>
    arr(at(requestPodSpec(c), 'volumes')).map((v) => str(at(v, 'hostPath', 'path'))).filter((x): x is string => x !== undefined),
  ),
  listField('ka.req.role.rules', 'Rules of a (Cluster)Role in the request, each as JSON.', (c) => roleRules(c).map((r) => JSON.stringify(r))),
  listField('ka.req.role.rules.verbs', 'Verbs of the rules of a (Cluster)Role in the request.', (c) => roleRules(c).flatMap((r) => arr(r.verbs).map(str)).filter((x): x is string => x !== undefined)),
  listField('ka.req.role.rules.resources', 'Resources of the rules of a (Cluster)Role in the request.', (c) =>
    roleRules(c).flatMap((r) => arr(r.resources).map(str)).filter((x): x is string => x !== undefined),
  ),
  field('ka.req.service.type', 'string', 'Type of a Service in the request.', (c) => str(at(requestPodSpec(c), 'type'))),
  field('ka.req.service.ports', 'string', 'Ports of a Service in the request, as JSON.', (c) => jsonText(at(requestPodSpec(c), 'ports'))),
  field('ka.resp.name', 'string', 'Name of the object in the response.', (c) => str(at(ev(c), 'responseObject', 'metadata', 'name'))),
  field('ka.response.code', 'string', 'HTTP response code (as text, so that startswith 2 works).', (c) => str(at(ev(c), 'responseStatus', 'code'))),
  field('ka.response.reason', 'string', 'Response reason.', (c) => str(at(ev(c), 'responseStatus', 'reason'))),
  field('ka.useragent', 'string', 'User agent.', (c) => str(at(ev(c), 'userAgent'))),
  listField('ka.sourceips', 'Source addresses of the request.', (c) => arr(at(ev(c), 'sourceIPs')).map(str).filter((x): x is string => x !== undefined)),
  field('jevt.obj', 'string', 'The whole audit event as JSON.', (c) => memo(c, 'jevt.obj', () => JSON.stringify(ev(c)))),
  field('jevt.rawtime', 'number', 'Event time in ns since the epoch.', (c) => auditTimeNs(c.audit.event) ?? c.audit.time),
  field('jevt.time', 'string', 'Event time, ISO 8601.', (c) => str(at(ev(c), 'stageTimestamp')) ?? str(at(ev(c), 'requestReceivedTimestamp'))),
  {
    name: 'jevt.value',
    source: K,
    type: 'string',
    desc: 'Value at a JSON pointer in the audit event (jevt.value[/objectRef/name]).',
    arg: 'required',
    bind(arg) {
      if (arg === undefined || (arg !== '' && !arg.startsWith('/'))) return `jevt.value needs a JSON pointer argument starting with "/", got "${arg ?? ''}"`;
      return { name: `jevt.value[${arg}]`, type: 'string', get: (c) => jsonText(jsonPointer(ev(c), arg)) };
    },
  },
];
