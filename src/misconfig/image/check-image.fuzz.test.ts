import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotableFile, Package, ScanResult } from '../../core/types.js';
import { historySecrets, shellWords } from './config-secrets.js';
import { checkImage } from './index.js';
import { lookupEol } from './os-eol.js';
import { remoteAdds } from './remote-add.js';
import { isSecretValue, isSensitiveName, urlCredentials } from './secret-values.js';
import { debianBase, image, LAYER0, NOW } from './testdata/result.js';
import { expectComparableCost } from '../../../test/helpers/relative-time.js';

/** Strings with the characters the parsers care about mixed into random text. */
const hostile = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.stringMatching(/^[A-Z_=:@/"' \\|;&$-]{0,120}$/),
  fc.constantFrom('', '=', '"', "'", '\\', '|2 A=b', 'ADD ', 'ENV ', '#(nop) ', '://', 'a:b@c', '--password', '-u', '0:0', '22/tcp', '5900-5905/tcp'),
);
const createdBy = fc
  .array(fc.oneof(hostile, fc.constantFrom('RUN', 'ENV', 'ARG', 'ADD', 'https://x.example/a.tgz', 'TOKEN=ab12cd34ef56gh78', '/bin/sh -c', '#(nop)', '--checksum=sha256:00')), { maxLength: 12 })
  .map((parts) => parts.join(' '));

const notableFile: fc.Arbitrary<NotableFile> = fc.record({
  path: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('/usr/bin/su', '/tmp/x', '/app/server.js', '/bin/mount')),
  mode: fc.integer({ min: -1, max: 0o177777 }),
  uid: fc.integer({ min: 0, max: 70000 }),
  gid: fc.integer({ min: 0, max: 70000 }),
  reasons: fc.subarray(['setuid', 'setgid', 'world-writable'] as const),
});

const pkg: fc.Arbitrary<Package> = fc.record({
  id: fc.string({ maxLength: 10 }),
  type: fc.constantFrom('deb', 'apk', 'rpm', 'npm', 'pypi'),
  name: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('bash', 'busybox', 'gcc-12', 'curl', 'npm', 'pip', 'apt')),
  version: fc.string({ maxLength: 10 }),
  purl: fc.constant('pkg:generic/x'),
  foundBy: fc.constant('fuzz'),
  locations: fc.constant([]),
  files: fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('/bin/su', '/usr/bin/mount')), { maxLength: 5 }),
});

const scanResult: fc.Arbitrary<ScanResult> = fc
  .record({
    user: fc.option(hostile, { nil: undefined }),
    env: fc.array(fc.oneof(hostile, fc.tuple(hostile, hostile).map(([a, b]) => `${a}=${b}`)), { maxLength: 10 }),
    labels: fc.dictionary(hostile, hostile, { maxKeys: 6 }),
    ports: fc.array(hostile, { maxLength: 6 }),
    cmd: fc.array(hostile, { maxLength: 3 }),
    history: fc.array(createdBy, { maxLength: 8 }),
    created: fc.option(fc.oneof(hostile, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), { nil: undefined }),
    family: fc.oneof(hostile, fc.constantFrom('debian', 'ubuntu', 'alpine', 'rhel', 'centos', 'amzn', 'ol')),
    version: hostile,
    notable: fc.array(notableFile, { maxLength: 8 }),
    packages: fc.array(pkg, { maxLength: 8 }),
    healthcheck: fc.option(fc.array(hostile, { maxLength: 3 }), { nil: undefined }),
  })
  .map((g) =>
    debianBase({
      image: image({
        config: { user: g.user, env: g.env, labels: g.labels, exposedPorts: g.ports, cmd: g.cmd, healthcheck: g.healthcheck ? { test: g.healthcheck } : undefined },
        history: g.history.map((c, i) => ({ createdBy: c, emptyLayer: i % 2 === 1 })),
        layers: [{ ...LAYER0 }],
        created: g.created,
      }),
      os: { family: g.family, version: g.version, source: '/etc/os-release' },
      notableFiles: g.notable,
      packages: g.packages,
    }),
  );

describe('image checks on hostile input', () => {
  it('never throw, and return well-formed findings', () => {
    fc.assert(
      fc.property(scanResult, (r) => {
        const findings = checkImage(r, { now: NOW });
        for (const f of findings) {
          expect(f.id).toMatch(/^BH-IMG-0\d\d$/);
          expect(typeof f.title).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never show a whole secret from Env, Labels or history in a secret finding', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{14,30}$/).filter((s) => isSecretValue(s) && /\d/.test(s) && /[a-z]/i.test(s));
    const name = fc.constantFrom('DB_PASSWORD', 'API_KEY', 'GH_TOKEN', 'client.secret', 'NPM_AUTH_TOKEN');
    fc.assert(
      fc.property(name, secret, fc.constantFrom('env', 'label', 'arg', 'run'), (n, s, where) => {
        const r = debianBase({
          image: image({
            config: { cmd: ['app'], env: where === 'env' ? [`${n}=${s}`] : [], labels: where === 'label' ? { [n]: s } : {} },
            history: [
              { createdBy: LAYER0.createdBy, emptyLayer: false },
              { createdBy: where === 'arg' ? `ARG ${n}=${s}` : where === 'run' ? `RUN |1 ${n}=${s} /bin/sh -c make # buildkit` : 'CMD ["app"]', emptyLayer: true },
            ],
          }),
        });
        const secrets = checkImage(r, { now: NOW }).filter((f) => f.kind === 'secret');
        expect(secrets.length).toBeGreaterThan(0);
        expect(JSON.stringify(secrets)).not.toContain(s);
        expect(JSON.stringify(secrets)).not.toContain(s.slice(2));
      }),
      { numRuns: 200 },
    );
  });

  it('parsers cost no more on 64 KiB adversarial strings than 25 times on ordinary text of the same size', () => {
    const inputs = [
      '"'.repeat(65536),
      `"${'a'.repeat(65535)}`,
      `'${'\\'.repeat(65535)}`,
      'A='.repeat(32768),
      `postgres://${'a'.repeat(300)}:${'b'.repeat(300)}@`.repeat(100),
      ':// a:b@'.repeat(8000),
      `ADD ${'https://x '.repeat(6000)}`,
      `ENV TOKEN ${'x'.repeat(65000)}`,
      '-u '.repeat(20000),
    ];
    const parseAll = (text: string) => {
      historySecrets(text);
      shellWords(text);
      urlCredentials(text);
      remoteAdds(text);
      isSensitiveName(text);
      isSecretValue(text);
      lookupEol({ family: 'alpine', version: text }, NOW);
    };
    // A plausible history line with an assignment, a URL and words, repeated to the same size.
    const ordinary = (size: number) => 'RUN /bin/sh -c apk add --no-cache curl && ENV=prod curl https://example.com/x.tar.gz | tar xz '.repeat(Math.ceil(size / 90)).slice(0, size);
    for (const text of inputs) {
      expectComparableCost(() => parseAll(text), () => parseAll(ordinary(text.length)), text.slice(0, 20));
    }
  });
});
