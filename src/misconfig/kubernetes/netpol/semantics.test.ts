/**
 * One small manifest set per NetworkPolicy / AdminNetworkPolicy semantic, with
 * the full allowed-connection list written by hand (see the comments in each
 * fixture for the reasoning). Every pod of these fixtures is a `Pod`, so the
 * lists read `ns/name[Pod]`.
 */
import { describe, expect, it } from 'vitest';
import { connectivityJson, renderConnectivity } from './render.js';
import { analyzeFixture, semanticFixture } from './testdata/fixtures.js';

async function analyze(name: string) {
  const result = await analyzeFixture([semanticFixture(name)]);
  expect(result.model.problems).toEqual([]);
  return result;
}

async function lines(name: string): Promise<string[]> {
  const { connectivity } = await analyze(name);
  return renderConnectivity(connectivity, 'text').split('\n').filter(Boolean);
}

const ALL = 'All Connections';
const ALL_BUT_SSH = 'TCP 1-21,TCP 23-65535,UDP 1-65535,SCTP 1-65535';

describe('NetworkPolicy semantics', () => {
  it('policyTypes default: Ingress always, Egress only when egress rules are present', async () => {
    expect(await lines('policytypes-default')).toEqual([
      `t/a[Pod] => t/c[Pod] : ${ALL}`,
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      't/b[Pod] => t/a[Pod] : TCP 80',
      `t/c[Pod] => t/a[Pod] : ${ALL}`,
      `t/c[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
    ]);
  });

  it('empty podSelector selects every pod of the namespace, as a peer too', async () => {
    expect(await lines('empty-podselector')).toEqual([
      `t/a[Pod] => t/b[Pod] : ${ALL}`,
      `t/a[Pod] => u/x[Pod] : ${ALL}`,
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => t/a[Pod] : ${ALL}`,
      `t/b[Pod] => u/x[Pod] : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `u/x[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => u/x[Pod] : ${ALL}`,
    ]);
  });

  it('namespaceSelector alone selects every pod of the matching namespaces, with the automatic name label', async () => {
    expect(await lines('namespace-selector')).toEqual([
      `db/db[Pod] => dev/d[Pod] : ${ALL}`,
      `db/db[Pod] => prod/p[Pod] : ${ALL}`,
      `db/db[Pod] => 0.0.0.0/0 : ${ALL}`,
      'dev/d[Pod] => db/db[Pod] : TCP 6379',
      `dev/d[Pod] => prod/p[Pod] : ${ALL}`,
      `dev/d[Pod] => 0.0.0.0/0 : ${ALL}`,
      'prod/p[Pod] => db/db[Pod] : TCP 5432',
      `prod/p[Pod] => dev/d[Pod] : ${ALL}`,
      `prod/p[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => dev/d[Pod] : ${ALL}`,
      `0.0.0.0/0 => prod/p[Pod] : ${ALL}`,
    ]);
  });

  it('namespaceSelector and podSelector in one peer are ANDed; two peers are ORed', async () => {
    const to = (src: string, dsts: string[]) => dsts.map((d) => `${src} => ${d} : ${ALL}`);
    expect(await lines('and-vs-or')).toEqual([
      ...to('a/job[Pod]', ['a/web[Pod]', 'b/job[Pod]', 'b/web[Pod]', 't/or[Pod]', 't/web[Pod]', '0.0.0.0/0']),
      ...to('a/web[Pod]', ['a/job[Pod]', 'b/job[Pod]', 'b/web[Pod]', 't/and[Pod]', 't/or[Pod]', 't/web[Pod]', '0.0.0.0/0']),
      ...to('b/job[Pod]', ['a/job[Pod]', 'a/web[Pod]', 'b/web[Pod]', 't/web[Pod]', '0.0.0.0/0']),
      ...to('b/web[Pod]', ['a/job[Pod]', 'a/web[Pod]', 'b/job[Pod]', 't/web[Pod]', '0.0.0.0/0']),
      ...to('t/and[Pod]', ['a/job[Pod]', 'a/web[Pod]', 'b/job[Pod]', 'b/web[Pod]', 't/web[Pod]', '0.0.0.0/0']),
      ...to('t/or[Pod]', ['a/job[Pod]', 'a/web[Pod]', 'b/job[Pod]', 'b/web[Pod]', 't/web[Pod]', '0.0.0.0/0']),
      ...to('t/web[Pod]', ['a/job[Pod]', 'a/web[Pod]', 'b/job[Pod]', 'b/web[Pod]', 't/or[Pod]', '0.0.0.0/0']),
      ...['a/job[Pod]', 'a/web[Pod]', 'b/job[Pod]', 'b/web[Pod]', 't/web[Pod]'].map((d) => `0.0.0.0/0 => ${d} : ${ALL}`),
    ]);
  });

  it('matchExpressions: In (ANDed with matchLabels), NotIn (matches a missing key), Exists, DoesNotExist', async () => {
    const to = (src: string, dsts: string[]) => dsts.map((d) => `${src} => ${d} : ${ALL}`);
    const sources = ['t/s1[Pod]', 't/s2[Pod]', 't/s3[Pod]'];
    expect(await lines('match-expressions')).toEqual([
      ...to('t/dne[Pod]', [...sources, '0.0.0.0/0']),
      ...to('t/exists[Pod]', [...sources, '0.0.0.0/0']),
      ...to('t/in[Pod]', [...sources, '0.0.0.0/0']),
      ...to('t/notin[Pod]', [...sources, '0.0.0.0/0']),
      ...to('t/s1[Pod]', ['t/exists[Pod]', 't/in[Pod]', 't/s2[Pod]', 't/s3[Pod]', '0.0.0.0/0']),
      ...to('t/s2[Pod]', ['t/notin[Pod]', 't/s1[Pod]', 't/s3[Pod]', '0.0.0.0/0']),
      ...to('t/s3[Pod]', ['t/dne[Pod]', 't/notin[Pod]', 't/s1[Pod]', 't/s2[Pod]', '0.0.0.0/0']),
      ...sources.map((d) => `0.0.0.0/0 => ${d} : ${ALL}`),
    ]);
  });

  it('ipBlock with except: external ranges only, merged into cidr/except blocks', async () => {
    expect(await lines('ipblock-except')).toEqual([
      't/a[Pod] => 0.0.0.0/0 except 10.0.0.0/8 : UDP 53',
      't/a[Pod] => 10.0.0.0/8 except 10.1.0.0/16 : TCP 443',
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/b[Pod] : ${ALL}`,
      '192.168.0.0/16 except 192.168.1.0/24 => t/a[Pod] : TCP 8080',
    ]);
  });

  it('named ports resolve per destination pod, by name and protocol, and never on external addresses', async () => {
    expect(await lines('named-ports')).toEqual([
      't/client[Pod] => t/web1[Pod] : TCP 8080',
      't/client[Pod] => t/web2[Pod] : TCP 9090',
      `t/web1[Pod] => t/client[Pod] : ${ALL}`,
      `t/web1[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/web2[Pod] => t/client[Pod] : ${ALL}`,
      `t/web2[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/web3[Pod] => t/client[Pod] : ${ALL}`,
      `t/web3[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/client[Pod] : ${ALL}`,
    ]);
  });

  it('endPort ranges merge with overlapping and adjacent ports; JSON writes endPort', async () => {
    expect(await lines('endport')).toEqual([
      't/a[Pod] => t/b[Pod] : TCP 8000-8011,UDP 9000-9001',
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => t/a[Pod] : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
    ]);
    const { connectivity } = await analyze('endport');
    expect(connectivityJson(connectivity).connections[0]).toEqual({
      src: { namespace: 't', name: 'a', kind: 'Pod' },
      dst: { namespace: 't', name: 'b', kind: 'Pod' },
      conn: [
        { protocol: 'TCP', port: 8000, endPort: 8011 },
        { protocol: 'UDP', port: 9000, endPort: 9001 },
      ],
    });
  });

  it('UDP and SCTP, default TCP, and a protocol without a port', async () => {
    expect(await lines('protocols')).toEqual([
      't/a[Pod] => t/b[Pod] : TCP 53,UDP 53,SCTP 3868',
      't/a[Pod] => t/c[Pod] : UDP 1-65535',
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => t/a[Pod] : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/c[Pod] => t/a[Pod] : ${ALL}`,
      `t/c[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
    ]);
  });

  it('default deny ingress', async () => {
    expect(await lines('default-deny-ingress')).toEqual([
      `t/a[Pod] => u/x[Pod] : ${ALL}`,
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => u/x[Pod] : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `u/x[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => u/x[Pod] : ${ALL}`,
    ]);
  });

  it('default deny egress', async () => {
    expect(await lines('default-deny-egress')).toEqual([
      `u/x[Pod] => t/a[Pod] : ${ALL}`,
      `u/x[Pod] => t/b[Pod] : ${ALL}`,
      `u/x[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
      `0.0.0.0/0 => t/b[Pod] : ${ALL}`,
      `0.0.0.0/0 => u/x[Pod] : ${ALL}`,
    ]);
  });

  it('a connection needs both the egress of the source and the ingress of the destination', async () => {
    expect(await lines('intersection')).toEqual([
      't/a[Pod] => t/b[Pod] : TCP 443',
      `t/b[Pod] => t/a[Pod] : ${ALL}`,
      `t/b[Pod] => t/c[Pod] : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/c[Pod] => t/a[Pod] : ${ALL}`,
      `t/c[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
      `0.0.0.0/0 => t/c[Pod] : ${ALL}`,
    ]);
  });

  it('a policy selecting nothing changes nothing', async () => {
    expect(await lines('selects-nothing')).toEqual([
      `t/a[Pod] => t/b[Pod] : ${ALL}`,
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => t/a[Pod] : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
      `0.0.0.0/0 => t/b[Pod] : ${ALL}`,
    ]);
  });
});

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy semantics', () => {
  it('ANP Allow overrides a NetworkPolicy default deny (portNumber and namedPort)', async () => {
    expect(await lines('anp-allow')).toEqual([
      't/a[Pod] => t/b[Pod] : TCP 80,TCP 9100',
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
    ]);
  });

  it('ANP Deny: one port from every pod, and egress to networks 0.0.0.0/0', async () => {
    expect(await lines('anp-deny')).toEqual([
      `t/a[Pod] => t/b[Pod] : ${ALL_BUT_SSH}`,
      `t/a[Pod] => u/x[Pod] : ${ALL}`,
      `t/b[Pod] => t/a[Pod] : ${ALL_BUT_SSH}`,
      `t/b[Pod] => u/x[Pod] : ${ALL}`,
      `u/x[Pod] => t/a[Pod] : ${ALL_BUT_SSH}`,
      `u/x[Pod] => t/b[Pod] : ${ALL_BUT_SSH}`,
      `u/x[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
      `0.0.0.0/0 => t/b[Pod] : ${ALL}`,
      `0.0.0.0/0 => u/x[Pod] : ${ALL}`,
    ]);
  });

  it('ANP Pass skips the remaining ANP rules and falls to the NetworkPolicy', async () => {
    expect(await lines('anp-pass')).toEqual([
      't/a[Pod] => t/b[Pod] : TCP 8080',
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/c[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
      `0.0.0.0/0 => t/c[Pod] : ${ALL}`,
    ]);
  });

  it('BANP applies only to pods no NetworkPolicy selects for that direction', async () => {
    expect(await lines('banp')).toEqual([
      `t/a[Pod] => t/b[Pod] : ${ALL}`,
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      't/c[Pod] => t/a[Pod] : TCP 9000',
      `t/c[Pod] => 0.0.0.0/0 : ${ALL}`,
      `0.0.0.0/0 => t/a[Pod] : ${ALL}`,
      `0.0.0.0/0 => t/c[Pod] : ${ALL}`,
    ]);
  });

  it('ANPs are evaluated by priority (lower first), not by name', async () => {
    expect(await lines('anp-priority')).toEqual([
      `t/a[Pod] => t/b[Pod] : ${ALL_BUT_SSH}`,
      `t/a[Pod] => t/c[Pod] : ${ALL_BUT_SSH}`,
      `t/a[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/b[Pod] => 0.0.0.0/0 : ${ALL}`,
      `t/c[Pod] => 0.0.0.0/0 : ${ALL}`,
    ]);
  });
});
