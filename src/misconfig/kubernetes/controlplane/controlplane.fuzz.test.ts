import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refOf, type JsonObject, type K8sObject } from '../input/index.js';
import { controlPlaneFindings, kubeletFindings } from './index.js';

function objectOf(data: JsonObject, kind: string, apiVersion = 'v1'): K8sObject {
  return {
    apiVersion,
    kind,
    name: 'fuzz',
    data,
    file: 'fuzz.yaml',
    range: { startLine: 1, endLine: 1 },
    locate: () => ({ startLine: 1, endLine: 1 }),
    ref: refOf(apiVersion, kind, 'fuzz'),
  };
}

const value = fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true, withMap: false, withSet: false });
const flagWord = fc.oneof(
  fc.string(),
  fc.constantFrom('--', '-', '--=', '--a=', '=x', '--feature-gates=', '--feature-gates==,=', '--authorization-mode=,,', '--enable-admission-plugins', '--request-timeout=1h1h'),
  fc.tuple(fc.constantFrom('--anonymous-auth', '--profiling', '--bind-address', '--tls-cipher-suites', '--audit-log-maxage', '--client-cert-auth', '--request-timeout'), fc.string()).map(([f, v]) => `${f}=${v}`),
);
const binary = fc.constantFrom('kube-apiserver', '/usr/local/bin/kube-controller-manager', 'kube-scheduler', 'etcd', 'hyperkube', '/bin/sh', 'nginx');
const command = fc.oneof(value, fc.tuple(binary, fc.array(fc.oneof(flagWord, value), { maxLength: 12 })).map(([b, rest]) => [b, ...rest]));
const container = fc.oneof(value, fc.record({ name: value, image: fc.oneof(fc.constantFrom('registry.k8s.io/etcd:3.5.12-0', 'registry.k8s.io/kube-apiserver:v1.29.3'), value), command, args: fc.oneof(value, fc.array(flagWord)), env: value }, { requiredKeys: [] }));
const pod = fc.record({ spec: fc.oneof(value, fc.record({ containers: fc.oneof(value, fc.array(container, { maxLength: 3 })) })) }, { requiredKeys: [] });

describe('control-plane checks on arbitrary input', () => {
  it('never throw on static pods', () => {
    fc.assert(
      fc.property(pod, fc.constantFrom('Pod', 'Deployment', 'DaemonSet'), (d, kind) => {
        for (const f of controlPlaneFindings(objectOf(d as JsonObject, kind))) expect(f.id).toMatch(/^BH-K8S-1\d\d$/);
      }),
      { numRuns: 400 },
    );
  });

  it('never throw on kubelet configurations and flag text', () => {
    const config = fc.dictionary(
      fc.constantFrom('authentication', 'authorization', 'readOnlyPort', 'streamingConnectionIdleTimeout', 'tlsCipherSuites', 'featureGates', 'podPidsLimit', 'eventRecordQPS', 'serverTLSBootstrap'),
      value,
    );
    fc.assert(
      fc.property(config, fc.oneof(fc.string(), fc.array(flagWord).map((w) => w.join(' '))), (c, text) => {
        const obj = objectOf(c as JsonObject, 'KubeletConfiguration', 'kubelet.config.k8s.io/v1beta1');
        for (const f of [...controlPlaneFindings(obj), ...kubeletFindings({ config: obj, flags: { text, file: 'flags' } })]) expect(f.id).toMatch(/^BH-K8S-1\d\d$/);
      }),
      { numRuns: 300 },
    );
  });
});
