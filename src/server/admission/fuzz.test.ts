/**
 * Hostile reviews straight into the handler: whatever arrives, the answer is
 * an AdmissionReview for the request's uid, or a BulkheadError (the server
 * turns it into a 400) when there is no uid to answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { parseAdmissionConfig } from './config.js';
import { createAdmissionHandler } from './handler.js';
import { review, TESTDATA } from './testing.js';

const config = parseAdmissionConfig(`pss:\n  default: { level: restricted }\nvap: [vap-require-team.yaml]\n`, { baseDir: TESTDATA });
const handler = createAdmissionHandler(config, { scanLookup: { latestFor: async () => undefined } });

async function answers(input: unknown): Promise<void> {
  try {
    const out = await handler(input);
    expect(out.apiVersion).toBe('admission.k8s.io/v1');
    expect(typeof out.response.allowed).toBe('boolean');
    const uid = (input as { request: { uid: string } }).request.uid;
    expect(out.response.uid).toBe(uid);
  } catch (e) {
    if (!(e instanceof BulkheadError)) throw e;
    expect(e.code).toBe('K8S_INPUT_INVALID');
  }
}

describe('handler fuzz', () => {
  it('arbitrary JSON never crashes it', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), answers), { numRuns: 200 });
  });

  it('a real review with its pod spec replaced by arbitrary values is always answered for its uid', async () => {
    const spec = fc.dictionary(
      fc.constantFrom('containers', 'initContainers', 'ephemeralContainers', 'securityContext', 'hostPID', 'volumes', 'runtimeClassName', 'hostNetwork'),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.array(fc.dictionary(fc.constantFrom('name', 'image', 'securityContext', 'ports'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(spec, fc.constantFrom('CREATE', 'UPDATE'), fc.boolean(), async (s, operation, dryRun) => {
        const r = review('pod-privileged.json');
        r['request'].object.spec = s;
        r['request'].operation = operation;
        r['request'].dryRun = dryRun;
        await answers(r);
      }),
      { numRuns: 200 },
    );
  });

  it.each([5_000, 200_000])('a review nested %i deep (CREATE and UPDATE) is answered', async (depth) => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < depth; i++) deep = (deep['x'] = {}) as Record<string, unknown>;
    for (const operation of ['CREATE', 'UPDATE']) {
      const r = review('deployment-root.json');
      r['request'].operation = operation;
      r['request'].oldObject = review('deployment-root.json')['request'].object;
      r['request'].object.spec.template.spec.containers[0].env = [root];
      await answers(r);
      const out = await handler(r);
      if (depth > 1000) expect(out.response.status?.message).toContain('nests deeper than 200 levels');
    }
  });
});
