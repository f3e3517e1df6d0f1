import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../../core/errors.js';
import { objectsOfText } from '../input/index.js';
import { explain, renderExplanation } from './explain.js';
import { buildNetworkModel } from './model.js';
import { analyzeFixture, realisticDir, semanticFixture } from './testdata/fixtures.js';

const decided = (d: ReturnType<typeof explain>['egress']['decidedBy']) =>
  d === 'not isolated' ? d : d.map((x) => `${x.kind} ${x.policy} ${x.rule} ${x.action} ${JSON.stringify(x.conn)} @${x.location.startLine}`);

describe('explain', () => {
  it('names the NetworkPolicy rules that allow a connection, both directions', async () => {
    const { model } = await analyzeFixture([realisticDir]);
    const e = explain(model, { from: 'backend/api', to: 'db/postgres', port: 5432 });
    expect(e.allowed).toBe(true);
    expect(e.protocol).toBe('TCP');
    expect(e.conn).toEqual([{ protocol: 'TCP', port: 5432 }]);
    expect(decided(e.egress.decidedBy)).toEqual(['NP backend/api 0 Allow [{"protocol":"TCP","port":5432}] @94']);
    expect(decided(e.ingress.decidedBy)).toEqual(['NP db/postgres 0 Allow [{"protocol":"TCP","port":5432}] @61']);
    expect(renderExplanation(e)).toContain('backend/api[Deployment] => db/postgres[StatefulSet] TCP 5432: ALLOWED (TCP 5432)');
  });

  it('names the isolating policies when no rule allows', async () => {
    const { model } = await analyzeFixture([realisticDir]);
    const e = explain(model, { from: 'monitoring/prometheus', to: 'db/postgres/StatefulSet', port: 5432 });
    expect(e.allowed).toBe(false);
    expect(decided(e.egress.decidedBy)).toEqual(['NP monitoring/prometheus-egress -1 Deny [{"protocol":"TCP","port":5432}] @30']);
    // The worker-facing rule of db/postgres lets team=api namespaces in, not monitoring.
    expect(decided(e.ingress.decidedBy)).toEqual(['NP db/default-deny -1 Deny [{"protocol":"TCP","port":5432}] @116', 'NP db/postgres -1 Deny [{"protocol":"TCP","port":5432}] @57']);
    expect(renderExplanation(e)).toMatch(/DENIED/);
  });

  it('takes an IP address for an external peer, and reports unrestricted sides as not isolated', async () => {
    const { model } = await analyzeFixture([realisticDir]);
    const e = explain(model, { from: '8.8.8.8', to: 'frontend/web[Deployment]', port: 8080 });
    expect(e.from).toEqual({ cidr: '8.8.8.8/32', except: [] });
    expect(e.allowed).toBe(true);
    expect(e.egress.decidedBy).toBe('not isolated');
    expect(decided(e.ingress.decidedBy)).toEqual(['NP frontend/web 0 Allow [{"protocol":"TCP","port":8080}] @49']);
    expect(renderExplanation(e).split('\n').slice(0, 3)).toEqual([
      '8.8.8.8/32 => frontend/web[Deployment] TCP 8080: ALLOWED (TCP 8080)',
      '  egress of 8.8.8.8/32: allows TCP 8080',
      '    external address: no policy applies to it',
    ]);
    const denied = explain(model, { from: '10.1.2.3', to: 'backend/api', port: 8080 });
    expect(denied.allowed).toBe(false);
    const open = explain(model, { from: 'kube-system/coredns', to: 'monitoring/prometheus' });
    expect(open.allowed).toBe(true);
    expect(open.conn).toBe('all');
    expect(open.egress.decidedBy).toBe('not isolated');
    expect(open.ingress.decidedBy).toBe('not isolated');
  });

  it('shows ANP Pass handing over to the NetworkPolicy, and ANP Deny', async () => {
    const { model } = await analyzeFixture([semanticFixture('anp-pass')]);
    const pass = explain(model, { from: 't/a', to: 't/b', port: 8080 });
    expect(pass.allowed).toBe(true);
    expect(decided(pass.ingress.decidedBy)).toEqual(['ANP pass-a-to-b 0 Pass [{"protocol":"TCP","port":8080}] @70', 'NP t/b 0 Allow [{"protocol":"TCP","port":8080}] @48']);
    const deny = explain(model, { from: 't/c', to: 't/a' });
    expect(deny.allowed).toBe(false);
    expect(decided(deny.ingress.decidedBy)).toEqual(['ANP deny-cluster 0 Deny "all" @89']);
  });

  it('shows the baseline deciding only for pods without NetworkPolicies, and what fell through to the default', async () => {
    const { model } = await analyzeFixture([semanticFixture('banp')]);
    const allow = explain(model, { from: 't/c', to: 't/a', port: 9000 });
    expect(decided(allow.ingress.decidedBy)).toEqual(['BANP default 0 Allow [{"protocol":"TCP","port":9000}] @61']);
    const viaNp = explain(model, { from: 't/c', to: 't/b', port: 9000 });
    expect(viaNp.allowed).toBe(false);
    expect(decided(viaNp.ingress.decidedBy)).toEqual(['NP t/b -1 Deny [{"protocol":"TCP","port":9000}] @44']);
    const { model: anpDeny } = await analyzeFixture([semanticFixture('anp-deny')]);
    const partial = explain(anpDeny, { from: 'u/x', to: 't/a', protocol: 'TCP' });
    expect(partial.conn).toEqual([
      { protocol: 'TCP', port: 1, endPort: 21 },
      { protocol: 'TCP', port: 23, endPort: 65535 },
    ]);
    expect(decided(partial.ingress.decidedBy)).toEqual(['ANP deny-ssh-and-internet 0 Deny [{"protocol":"TCP","port":22}] @49']);
    expect(partial.ingress.defaulted).toEqual(partial.conn);
  });

  it('rejects ambiguous, unknown and malformed endpoints with a hint', () => {
    const text = ['Deployment', 'StatefulSet']
      .map((kind) => `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: app, namespace: ns}\nspec: {template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c, image: i}]}}}\n`)
      .join('---\n');
    const model = buildNetworkModel([...objectsOfText(text, 'two.yaml')]);
    const err = (q: Parameters<typeof explain>[1]) => {
      try {
        explain(model, q);
      } catch (e) {
        expect(e).toBeInstanceOf(BulkheadError);
        return e as BulkheadError;
      }
      throw new Error('no error');
    };
    const ambiguous = err({ from: 'ns/app', to: 'ns/app/StatefulSet' });
    expect(ambiguous.code).toBe('USAGE');
    expect(ambiguous.message).toContain('ns/app/Deployment, ns/app/StatefulSet');
    expect(ambiguous.hint).toContain('ns/name/Kind');
    const unknown = err({ from: 'ns/nope', to: 'ns/app/Deployment' });
    expect(unknown.hint).toBe('workloads in ns: app/Deployment, app/StatefulSet');
    expect(err({ from: 'a/b/c/d', to: 'ns/app/Deployment' }).message).toContain('is not a workload');
    expect(err({ from: '1.2.3.4', to: '5.6.7.8' }).message).toContain('both --from and --to');
    expect(err({ from: 'ns/app/Deployment', to: 'ns/app/StatefulSet', port: 70000 }).message).toContain('--port 70000');
    expect(explain(model, { from: 'ns/app/Deployment', to: 'ns/app[StatefulSet]' }).allowed).toBe(true);
  });
});
