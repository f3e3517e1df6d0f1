import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refOf, type JsonObject, type K8sObject } from '../input/index.js';
import { parseK8sVersion, VersionCollector, versionFindings } from './index.js';

const value = fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true, withMap: false, withSet: false });
const versionText = fc.oneof(fc.string(), fc.stringMatching(/^v?\d{1,3}\.\d{1,3}\.\d{1,4}([-+][a-z0-9.-]{0,20})?$/));

function objectOf(data: JsonObject, kind: string): K8sObject {
  return { apiVersion: 'v1', kind, name: 'fuzz', data, file: 'f.yaml', range: { startLine: 1, endLine: 1 }, locate: () => ({ startLine: 1, endLine: 1 }), ref: refOf('v1', kind, 'fuzz') };
}

describe('version detection on arbitrary input', () => {
  it('never throws on objects, and every version it reports parses back', () => {
    const image = fc.oneof(value, versionText.map((t) => `registry.k8s.io/kube-apiserver:${t}`), versionText.map((t) => `kube-proxy:${t}@sha256:ab`));
    const data = fc.record(
      {
        status: fc.oneof(value, fc.record({ nodeInfo: fc.oneof(value, fc.record({ kubeletVersion: fc.oneof(versionText, value) })) })),
        spec: fc.oneof(value, fc.record({ containers: fc.oneof(value, fc.array(fc.oneof(value, fc.record({ name: fc.string(), image })), { maxLength: 3 })) })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(data, fc.constantFrom('Node', 'Pod', 'DaemonSet')), { maxLength: 5 }), (objs) => {
        const c = new VersionCollector();
        for (const [d, kind] of objs) c.add(objectOf(d as JsonObject, kind));
        const r = c.result();
        if (r) {
          expect(parseK8sVersion(r.version.raw)).toEqual(r.version);
          versionFindings(r, '2026-11-29');
        }
      }),
      { numRuns: 300 },
    );
  });
});
