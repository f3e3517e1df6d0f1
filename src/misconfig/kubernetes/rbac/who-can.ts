/**
 * who-can: the inverse of `kubectl auth can-i`. For one request (verb,
 * resource[/subresource], namespace, name, or a non-resource URL), the
 * subjects whose bindings allow it and, per subject, each binding → role →
 * rule that does. ClusterRoleBindings answer everywhere; RoleBindings only
 * for a request in their namespace; a question without a namespace is a
 * cluster-wide request (`kubectl get pods -A`), which only
 * ClusterRoleBindings allow. Subjects are reported as bindings name them:
 * groups are not expanded (their members are unknown here, except that
 * system:masters bypasses RBAC entirely).
 */
import { BulkheadError } from '../../../core/errors.js';
import { ruleAllows, type RequestAttributes } from './match.js';
import { bindingApplies, candidateRules, chainJson, type ChainJson, type Rbac } from './resolve.js';
import { isClusterScoped, resourceInfo } from './resources.js';
import { compareSubjects, cmpStr, describeGroup, describeSubject, subjectKey, type Subject } from './subjects.js';

export interface WhoCanQuestion {
  verb: string;
  /** `pods`, `pods/exec`, `deployments.apps`, or a non-resource URL starting with `/`. */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** `""` or `core` for the core group; defaults from the well-known resource table. */
  apiGroup?: string;
}

export type WhoCanVia = Omit<ChainJson, 'viaGroup'>;

export interface WhoCanAnswer {
  subject: Subject;
  via: WhoCanVia[];
}

export interface WhoCanReport {
  request: RequestAttributes;
  notes: string[];
  answers: WhoCanAnswer[];
}

/** The authorizer attributes for a question, and what was assumed to get them. */
export function normalizeQuestion(q: WhoCanQuestion): { request: RequestAttributes; notes: string[] } {
  const notes: string[] = [];
  const verb = q.verb.trim();
  if (!verb) throw new BulkheadError('USAGE', 'who-can needs a verb', { hint: 'e.g. bulkhead k8s who-can get secrets -n prod manifests/' });
  let resource = q.resource.trim();
  if (!resource) throw new BulkheadError('USAGE', 'who-can needs a resource or a non-resource URL', { hint: 'e.g. bulkhead k8s who-can create pods/exec -n prod manifests/' });
  if (resource.startsWith('/')) {
    notes.push('non-resource URLs are granted only by ClusterRoleBindings');
    return { request: { verb, path: resource }, notes };
  }
  let subresource = q.subresource || undefined;
  const slash = resource.indexOf('/');
  if (slash >= 0) {
    if (subresource) throw new BulkheadError('USAGE', `both ${resource} and --subresource ${subresource} name a subresource`, { hint: 'give one of them' });
    subresource = resource.slice(slash + 1) || undefined;
    resource = resource.slice(0, slash);
  }
  let apiGroup = q.apiGroup === 'core' ? '' : q.apiGroup;
  const dot = resource.indexOf('.');
  if (dot > 0 && apiGroup === undefined) {
    apiGroup = resource.slice(dot + 1);
    resource = resource.slice(0, dot);
  }
  if (apiGroup === undefined) {
    const info = resourceInfo(resource);
    if (info) apiGroup = info.group;
    else notes.push(`${resource} is not a well-known resource: rules in any API group are counted (give --api-group or ${resource}.<group> to be exact)`);
  }
  const request: RequestAttributes = { verb, resource };
  if (apiGroup !== undefined) request.apiGroup = apiGroup;
  if (subresource) request.subresource = subresource;
  if (q.name) request.name = q.name;
  if (q.namespace) {
    if (isClusterScoped(resource, verb)) notes.push(`${resource} is cluster-scoped: only ClusterRoleBindings count, the namespace is ignored`);
    else request.namespace = q.namespace;
  }
  if (!q.name) notes.push('no --name given: rules limited to resourceNames do not count (as for list, watch and create)');
  return { request, notes };
}

export function whoCan(rbac: Rbac, q: WhoCanQuestion): WhoCanAnswer[] {
  return answer(rbac, normalizeQuestion(q).request);
}

export function whoCanReport(rbac: Rbac, q: WhoCanQuestion): WhoCanReport {
  const { request, notes } = normalizeQuestion(q);
  notes.push('members of Group system:masters can do anything, whatever the bindings say');
  return { request, notes, answers: answer(rbac, request) };
}

function answer(rbac: Rbac, request: RequestAttributes): WhoCanAnswer[] {
  const bySubject = new Map<string, WhoCanAnswer & { seen: Set<string> }>();
  for (const { role, rule } of candidateRules(rbac, request)) {
    if (!ruleAllows(rule.rule, request)) continue;
    for (const binding of rbac.bindingsOfRole.get(role) ?? []) {
      if (!bindingApplies(binding, request.namespace)) continue;
      const via = chainJson(binding, rule);
      for (const { subject } of binding.subjects) {
        const key = subjectKey(subject);
        let a = bySubject.get(key);
        if (!a) bySubject.set(key, (a = { subject, via: [], seen: new Set() }));
        const vk = viaKey(via).join('\u0000');
        if (a.seen.has(vk)) continue;
        a.seen.add(vk);
        a.via.push(via);
      }
    }
  }
  const answers = [...bySubject.values()].map(({ subject, via }) => ({ subject, via: via.sort(compareVia) }));
  return answers.sort((a, b) => compareSubjects(a.subject, b.subject));
}

const viaKey = (v: WhoCanVia) => [v.binding.kind, v.binding.namespace ?? '', v.binding.name, v.role.kind, v.role.namespace ?? '', v.role.name, v.ruleFrom?.name ?? '', String(v.ruleIndex).padStart(6, '0')];
function compareVia(a: WhoCanVia, b: WhoCanVia): number {
  const ka = viaKey(a);
  const kb = viaKey(b);
  for (let i = 0; i < ka.length; i++) {
    const c = cmpStr(ka[i]!, kb[i]!);
    if (c) return c;
  }
  return 0;
}

export function describeRequest(r: RequestAttributes): string {
  if (r.path !== undefined) return `${r.verb} ${r.path}`;
  const res = `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.apiGroup ? `.${r.apiGroup}` : ''}`;
  return `${r.verb} ${res}${r.name ? ` ${r.name}` : ''}${r.namespace ? ` in namespace ${r.namespace}` : ' cluster-wide'}`;
}

/** Text form: one block per subject, one line per binding → role → rule. */
export function renderWhoCanText(report: WhoCanReport): string {
  const lines = [`Who can ${describeRequest(report.request)}:`];
  if (!report.answers.length) lines.push('  nobody (no binding in the input allows it)');
  for (const a of report.answers) {
    const meaning = a.subject.kind === 'Group' ? describeGroup(a.subject.name) : undefined;
    lines.push(`  ${describeSubject(a.subject)}${meaning ? ` (${meaning})` : ''}`);
    for (const v of a.via) {
      const binding = v.binding.namespace !== undefined ? `RoleBinding ${v.binding.namespace}/${v.binding.name}` : `ClusterRoleBinding ${v.binding.name}`;
      const role = v.role.namespace !== undefined ? `Role ${v.role.namespace}/${v.role.name}` : `ClusterRole ${v.role.name}`;
      lines.push(`    ${binding} → ${role}${v.role.builtin ? ' (built-in)' : ''} rule ${v.ruleIndex}${v.ruleFrom ? ` of ClusterRole ${v.ruleFrom.name}` : ''}`);
    }
  }
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** JSON form: the answers as documented in README.md. */
export function whoCanJson(answers: WhoCanAnswer[]): string {
  return JSON.stringify(answers, null, 2);
}
