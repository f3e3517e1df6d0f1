import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isBulkheadError } from '../../../core/errors.js';
import { analyzeRbac } from './analyze.js';
import { buildRbac } from './resolve.js';
import { describeSubject } from './subjects.js';
import { fixture, fixturePath } from './testdata/load.js';
import { normalizeQuestion, renderWhoCanText, whoCan, whoCanReport, type WhoCanAnswer, type WhoCanQuestion } from './who-can.js';

const { objects } = fixture('realistic/cluster.yaml');
const rbac = buildRbac(objects);
const GOLDEN = 'realistic-who-can.golden.json';

describe('who-can on the realistic cluster (reviewed golden answers)', () => {
  const golden = JSON.parse(readFileSync(fixturePath(GOLDEN), 'utf8')) as { question: WhoCanQuestion; answers: WhoCanAnswer[] }[];
  if (process.env['BULKHEAD_UPDATE_GOLDEN'] === '1') {
    // Rewrites the answers only on request; review the diff before keeping it.
    writeFileSync(fixturePath(GOLDEN), `${JSON.stringify(golden.map((g) => ({ question: g.question, answers: whoCan(rbac, g.question) })), null, 2)}\n`);
  }
  it('has the questions it is meant to have', () => expect(golden.length).toBe(7));
  it.each(golden.map((g) => [JSON.stringify(g.question), g] as const))('%s', (_q, g) => {
    expect(whoCan(rbac, g.question)).toEqual(g.answers);
  });
});

describe('questions', () => {
  it('split resource/subresource and resource.group, and default the group of well-known resources', () => {
    expect(normalizeQuestion({ verb: 'create', resource: 'pods/exec', namespace: 'x' }).request).toEqual({ verb: 'create', resource: 'pods', subresource: 'exec', apiGroup: '', namespace: 'x' });
    expect(normalizeQuestion({ verb: 'get', resource: 'deployments' }).request.apiGroup).toBe('apps');
    expect(normalizeQuestion({ verb: 'get', resource: 'widgets.example.com' }).request).toMatchObject({ resource: 'widgets', apiGroup: 'example.com' });
    expect(normalizeQuestion({ verb: 'get', resource: 'pods', apiGroup: 'core' }).request.apiGroup).toBe('');
  });

  it('say what they assumed: unknown resources match any group, cluster-scoped resources drop the namespace', () => {
    const unknown = normalizeQuestion({ verb: 'get', resource: 'widgets' });
    expect(unknown.request.apiGroup).toBeUndefined();
    expect(unknown.notes[0]).toMatch(/not a well-known resource/);
    const nodes = normalizeQuestion({ verb: 'get', resource: 'nodes', namespace: 'x' });
    expect(nodes.request.namespace).toBeUndefined();
    expect(nodes.notes[0]).toMatch(/cluster-scoped/);
    // bind on clusterroles is checked in the RoleBinding's namespace.
    expect(normalizeQuestion({ verb: 'bind', resource: 'clusterroles', namespace: 'x', name: 'view' }).request.namespace).toBe('x');
  });

  it('reject an empty verb or resource, and two subresources, as usage errors', () => {
    for (const q of [{ verb: '', resource: 'pods' }, { verb: 'get', resource: ' ' }, { verb: 'get', resource: 'pods/log', subresource: 'exec' }]) {
      let err: unknown;
      try {
        normalizeQuestion(q);
      } catch (e) {
        err = e;
      }
      expect(isBulkheadError(err) && err.code === 'USAGE' && !!err.hint).toBe(true);
    }
  });

  it('with a name count rules limited to resourceNames', () => {
    const named = whoCan(rbac, { verb: 'get', resource: 'secrets', namespace: 'payments', name: 'payments-db' }).map((a) => describeSubject(a.subject));
    expect(named).toContain('ServiceAccount payments/api');
    const other = whoCan(rbac, { verb: 'get', resource: 'secrets', namespace: 'payments', name: 'other' }).map((a) => describeSubject(a.subject));
    expect(other).not.toContain('ServiceAccount payments/api');
  });
});

describe('text output', () => {
  it('lists subjects with each binding → role → rule, and the notes', () => {
    const text = renderWhoCanText(whoCanReport(rbac, { verb: 'create', resource: 'pods/exec', namespace: 'web' }));
    expect(text.split('\n')).toEqual([
      'Who can create pods/exec in namespace web:',
      '  User oncall@example.com',
      '    RoleBinding web/oncall-debug → Role web/debugger rule 0',
      '  Group platform-admins',
      '    ClusterRoleBinding platform-admins → ClusterRole cluster-admin (built-in) rule 0',
      '  Group web-devs',
      '    RoleBinding web/web-devs → ClusterRole edit (built-in) rule 2 of ClusterRole system:aggregate-to-edit',
      'note: no --name given: rules limited to resourceNames do not count (as for list, watch and create)',
      'note: members of Group system:masters can do anything, whatever the bindings say',
    ]);
    expect(renderWhoCanText(whoCanReport(buildRbac([]), { verb: 'get', resource: 'pods', namespace: 'x' })).split('\n').slice(0, 2)).toEqual([
      'Who can get pods in namespace x:',
      '  nobody (no binding in the input allows it)',
    ]);
  });
});

describe('findings on the realistic cluster', () => {
  const { findings } = analyzeRbac(objects);
  const lines = findings.map((f) => `${f.id} ${f.severity} ${f.rbac.workload ? `${f.rbac.workload.name}: ` : ''}${describeSubject(f.rbac.subjects[0]!)}`);

  it('flag the operator, the teams, CI and on-call, and the workloads that carry it', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        'BH-RBAC-001 critical Group platform-admins',
        'BH-RBAC-016 high Group platform-admins',
        'BH-RBAC-002 critical ServiceAccount db-operator/db-operator',
        'BH-RBAC-006 high ServiceAccount db-operator/db-operator',
        'BH-RBAC-002 high Group payments-devs',
        'BH-RBAC-003 high User oncall@example.com',
        'BH-RBAC-006 high ServiceAccount ci/deployer',
        'BH-RBAC-030 critical db-operator: ServiceAccount db-operator/db-operator',
        'BH-RBAC-030 high db-operator: ServiceAccount db-operator/db-operator',
        'BH-RBAC-030 medium api: ServiceAccount payments/api',
      ]),
    );
    // Prometheus reads nodes/metrics, not nodes/proxy; the frontend runs as an unbound default account.
    expect(lines.filter((l) => l.includes('prometheus') || l.includes('frontend'))).toEqual([]);
    // `*` verbs on the operator's own resources are reported as the specific risks, not again as "wildcards" per workload.
    expect(findings.filter((f) => f.id === 'BH-RBAC-030' && f.title.includes('wildcard'))).toEqual([]);
    const deployer = findings.find((f) => f.id === 'BH-RBAC-006' && f.rbac.subjects[0]!.name === 'deployer')!;
    expect(deployer.rbac.chain.map((l) => `${l.namespace} ${l.binding.name} ${l.allows}`)).toEqual([
      'payments ci-deployer create, update, patch deployments.apps, statefulsets.apps',
      'web ci-deployer create, update, patch deployments.apps, statefulsets.apps',
    ]);
  });
});
