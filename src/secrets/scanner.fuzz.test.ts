/**
 * The scanner on hostile input: random bytes, random text built from the
 * fragments rules look for (prefixes, assignment joints, armor lines,
 * base64), and every rule's sample with random edits. It never throws, stays
 * within its match caps, and what it reports is always redacted. No wall-clock
 * assertion: a hang fails by the vitest timeout, and backtracking regexes are
 * tested against a same-size baseline in redos.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kubernetesSecretValues } from './rules/kubernetes.js';
import { MAX_MATCHES_PER_FILE, scanSecrets } from './scanner.js';
import { ruleSamples } from './testdata/samples.js';

const PATHS = ['/app/.env', '/root/.npmrc', '/root/.docker/config.json', '/root/.kube/config', '/root/.git-credentials', '/root/.pgpass', '/app/k8s/secret.yaml', '/root/.m2/settings.xml'];
const FRAGMENTS = [
  'ghp_', 'AKIA', 'aws_secret_access_key', 'password', 'PASSWORD=', 'token: ', 'secret', '"auth": "', 'kind: Secret\n', 'data:\n  ', 'stringData:\n',
  '-----BEGIN RSA PRIVATE KEY-----\n', '-----END RSA PRIVATE KEY-----', '-----BEGIN OPENSSH PRIVATE KEY-----', 'PuTTY-User-Key-File-3: x\n', 'Private-Lines: 1\n',
  'Private-MAC: ', 'eyJ', '.eyJ', 'postgres://', 'u:p@h', 'Authorization: Bearer ', 'xoxb-', 'sk_live_', 'AIza', 'client-key-data: ', 'users:\n', 'kind: Config\n',
  '- ', '  ', '\n', '=', ':', '"', "'", '|\n', 'QUJD', 'MIIE', 'LS0t', '0123456789abcdef', 'ZZZZ', '${X}', '>>> ', 'sig=', 'sv=2022-01-01&', '%3D', '/', '+',
];

function safe(path: string, bytes: Buffer): void {
  const matches = scanSecrets(path, bytes);
  expect(matches.length).toBeLessThanOrEqual(MAX_MATCHES_PER_FILE);
  for (const m of matches) {
    expect(m.line).toBeGreaterThanOrEqual(1);
    expect(m.column).toBeGreaterThanOrEqual(1);
    expect(m.endLine).toBeGreaterThanOrEqual(m.line);
    expect(m.secretHash).toMatch(/^[0-9a-f]{64}$/);
  }
}

describe('scanSecrets on hostile input', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.uint8Array({ maxLength: 4096 }), (path, bytes) => safe(path, Buffer.from(bytes))),
      { numRuns: 300 },
    );
  });

  it('random text made of what rules look for', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 300 }), (path, parts) =>
        safe(path, Buffer.from(parts.join(''))),
      ),
      { numRuns: 400 },
    );
  });

  it('every rule sample with random edits', () => {
    const samples = ruleSamples();
    const edit = fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace', 'duplicate'), fc.string({ minLength: 1, maxLength: 8 }));
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 }), (sample, edits) => {
        let text = sample.positive;
        for (const [at, kind, s] of edits) {
          const i = at % (text.length + 1);
          if (kind === 'insert') text = text.slice(0, i) + s + text.slice(i);
          else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + s.length);
          else if (kind === 'replace') text = text.slice(0, i) + s + text.slice(i + s.length);
          else text = text.slice(0, i) + text.slice(i, i + 200).repeat(50) + text.slice(i + 200);
        }
        safe(sample.path ?? '/app/config.env', Buffer.from(text));
        for (const m of scanSecrets(sample.path ?? '/app/config.env', Buffer.from(text))) expect(m.evidence).not.toContain(sample.secret);
      }),
      { numRuns: 400 },
    );
  });

  it('Kubernetes manifest reading never throws', () => {
    const yamlish = fc.array(fc.constantFrom('kind: Secret', 'kind: List', 'items:', '- ', 'data:', 'stringData:', '  a: QUJD', '    b: |', '      x', '---', '{', '"kind": "Secret"', '', '#'), {
      maxLength: 60,
    });
    fc.assert(
      fc.property(yamlish, (lines) => {
        const values = kubernetesSecretValues(lines.join('\n'));
        for (const v of values) expect(v.offset).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});
