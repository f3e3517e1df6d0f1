import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../core/types.js';
import { historySecrets } from './config-secrets.js';
import { checkImage } from './index.js';
import { isSecretValue, isSensitiveName, redact, urlCredentials } from './secret-values.js';
import { debianBase, image, LAYER0, NOW, withConfig } from './testdata/result.js';

const byId = (r: ScanResult, id: string) => checkImage(r, { now: NOW }).filter((f) => f.id === id);

describe('secret names and values', () => {
  it.each([
    'DB_PASSWORD',
    'MYSQL_ROOT_PASSWORD',
    'POSTGRES_PASSWD',
    'DB_PASS',
    'GH_TOKEN',
    'GITHUB_TOKEN',
    'NPM_AUTH_TOKEN',
    'API_KEY',
    'APIKEY',
    'STRIPE_APIKEY',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'SECRET_KEY_BASE',
    'CLIENT_SECRET',
    'GOOGLE_CREDENTIALS',
    'PRIVATE_KEY',
    'api-key',
    'com.example.deploy.token',
    'BASIC_AUTH',
  ])('%s is a sensitive name', (name) => {
    expect(isSensitiveName(name)).toBe(true);
  });

  it.each([
    'PATH',
    'PWD',
    'OLDPWD',
    'GPG_KEY',
    'GPG_KEYS',
    'TOKENIZERS_PARALLELISM',
    'DB_PASSWORD_FILE',
    'POSTGRES_PASSWORD_FILE',
    'TOKEN_URL',
    'SECRET_NAME',
    'PASSWORD_MIN_LENGTH',
    'NODE_VERSION',
    'SSH_AUTH_SOCK',
    'KEYCLOAK_VERSION',
    'org.opencontainers.image.title',
  ])('%s is not a sensitive name', (name) => {
    expect(isSensitiveName(name)).toBe(false);
  });

  it.each(['QPVbEQgb5qSCDShiMinw', 'hunter22', 'ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ', '"quoted s3cret"'])('%s is a secret value', (v) => {
    expect(isSecretValue(v)).toBe(true);
  });

  it.each(['', '***', '*****', 'xxxxxxxx', 'changeme', 'CHANGEME', '${DB_PASSWORD}', '$TOKEN', '{{ .Values.token }}', '<your token>', 'true', 'yes', '1', '/run/secrets/db_password', 'AKIAIOSFODNN7EXAMPLE', 'your-api-key', 'ab'])(
    '%j is not a secret value',
    (v) => {
      expect(isSecretValue(v)).toBe(false);
    },
  );

  it('redacts to the first two characters of long values and shows nothing of short ones', () => {
    expect(redact('QPVbEQgb5qSCDShiMinw')).toBe('QP********');
    expect(redact('"QPVbEQgb5qSCDShiMinw"')).toBe('QP********');
    expect(redact('short1')).toBe('********');
  });

  it('finds credentials inside URLs and masks them', () => {
    expect(urlCredentials('postgres://app:s3cretpw@db:5432/app').map((c) => c.redacted)).toEqual(['postgres://app:s3********@db:5432']);
    expect(urlCredentials('https://ghp0123456789abcdefghijKLMNOPQRSTUV@github.com/org/repo.git').map((c) => c.redacted)).toEqual(['https://gh********@github.com']);
    expect(urlCredentials('https://user@example.com/ and postgres://app:${DB_PASS}@db/app')).toEqual([]);
  });
});

describe('BH-IMG-002 secrets in Env', () => {
  it('fires for DB_PASSWORD with a real value, redacted, as a secret finding', () => {
    const r = withConfig({ cmd: ['node'], env: ['PATH=/usr/bin', 'DB_PASSWORD=QPVbEQgb5qSCDShiMinw', 'NODE_ENV=production'] });
    const found = byId(r, 'BH-IMG-002');
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'secret',
        severity: 'high',
        title: 'Secret in environment variable DB_PASSWORD',
        evidence: 'Env DB_PASSWORD=QP********',
        location: {},
      }),
    ]);
    expect(JSON.stringify(found)).not.toContain('QPVbEQgb5qSCDShiMinw');
  });

  it('fires for a database URL with a password in a variable of any name', () => {
    const r = withConfig({ cmd: ['app'], env: ['DATABASE_URL=postgres://app:Zt9x2mQw8v@db/app'] });
    expect(byId(r, 'BH-IMG-002').map((f) => f.evidence)).toEqual(['Env DATABASE_URL=postgres://app:Zt********@db']);
  });

  it('does not fire for placeholders, file references, switches and ordinary variables', () => {
    const env = [
      'PATH=/usr/local/bin:/usr/bin',
      'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
      'POSTGRES_PASSWORD_FILE=/run/secrets/pg',
      'MYSQL_ALLOW_EMPTY_PASSWORD=yes',
      'DB_PASSWORD=',
      'API_TOKEN=changeme',
      'SECRET=${SECRET}',
      'TOKENIZERS_PARALLELISM=false',
      'NOVALUE',
    ];
    expect(byId(withConfig({ cmd: ['app'], env }), 'BH-IMG-002')).toEqual([]);
  });
});

describe('BH-IMG-003 secrets in Labels', () => {
  it('fires for a token label and for credentials in a URL label', () => {
    const labels = {
      'org.opencontainers.image.title': 'app',
      'com.example.deploy-token': 'glpat-9xYz8wVu7tSr6qPo5nMl',
      'org.opencontainers.image.source': 'https://ci:Hq7pZx2kLm9@git.example.com/app.git',
    };
    const found = byId(withConfig({ cmd: ['app'], labels }), 'BH-IMG-003');
    expect(found.map((f) => [f.kind, f.title, f.evidence])).toEqual([
      ['secret', 'Secret in label com.example.deploy-token', 'Label com.example.deploy-token=gl********'],
      ['secret', 'Credentials in a URL in label org.opencontainers.image.source', 'Label org.opencontainers.image.source=https://ci:Hq********@git.example.com'],
    ]);
  });

  it('does not fire for descriptive labels (the app-python fixture has one)', () => {
    expect(byId(withConfig({ cmd: ['python3'], labels: { 'org.opencontainers.image.title': 'app-python' } }), 'BH-IMG-003')).toEqual([]);
  });
});

describe('BH-IMG-004 secrets in history', () => {
  it.each([
    ['RUN |2 NPM_TOKEN=npm_Abc123Def456Ghi789 VERSION=1.2 /bin/sh -c npm ci # buildkit', ['NPM_TOKEN=np********']],
    ['ARG GITHUB_TOKEN=ghp_abcdefghijklmnop1234567890', ['GITHUB_TOKEN=gh********']],
    ['/bin/sh -c #(nop)  ENV API_KEY=sk_live_51Habcdefg', ['API_KEY=sk********']],
    ['/bin/sh -c #(nop)  ENV DB_PASSWORD s3cr3tpassw0rd', ['DB_PASSWORD s3********']],
    ['ENV A=1 AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz"', ['AWS_SECRET_ACCESS_KEY=wJ********']],
    ['/bin/sh -c export TOKEN=abcd1234efgh && make', ['TOKEN=ab********']],
    ['/bin/sh -c curl -u deploy:Pa55w0rd!x https://repo.example.com/a.tgz | tar xz', ['-u deploy:Pa********']],
    ['/bin/sh -c docker login --password=Xy9Zw8Vu7T registry.example.com', ['--password Xy********']],
    ['/bin/sh -c git clone https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git', ['https://x-access-token:gh********@github.com']],
    ['/bin/sh -c docker build --build-arg=SECRET_KEY=abcdefgh12345 .', ['SECRET_KEY=ab********']],
  ])('finds the credential in %j', (createdBy, shown) => {
    expect(historySecrets(createdBy).map((h) => h.shown)).toEqual(shown);
  });

  it.each([
    '/bin/sh -c #(nop)  ENV DB_PASSWORD=*** ; EXPOSE 22 3000 ; CMD ["node","server.js"]',
    '/bin/sh -c apt-get update && apt-get install -y --no-install-recommends python3-requests && rm -rf /var/lib/apt/lists/*',
    'RUN /bin/sh -c echo $DB_PASSWORD | docker login --password-stdin -u ci registry # buildkit',
    'ENV POSTGRES_PASSWORD_FILE=/run/secrets/pg',
    'ARG NPM_TOKEN',
    '/bin/sh -c #(nop)  ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D',
  ])('finds nothing in %j', (createdBy) => {
    expect(historySecrets(createdBy)).toEqual([]);
  });

  it('reports the step with its layer (without the raw created_by) and skips pairs already reported from Env', () => {
    const run = 'RUN |1 NPM_TOKEN=npm_Abc123Def456Ghi789 /bin/sh -c npm ci # buildkit';
    const r = debianBase({
      image: image({
        config: { cmd: ['node'], env: ['DB_PASSWORD=QPVbEQgb5qSCDShiMinw'] },
        history: [
          { createdBy: LAYER0.createdBy, emptyLayer: false },
          { createdBy: 'ENV DB_PASSWORD=QPVbEQgb5qSCDShiMinw', emptyLayer: true },
          { createdBy: run, emptyLayer: false },
        ],
        layers: [
          { ...LAYER0 },
          { index: 1, diffID: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', historyIndex: 2, createdBy: run },
        ],
      }),
    });
    const found = byId(r, 'BH-IMG-004');
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'secret',
        title: 'Secret in build step history[2] (RUN)',
        evidence: 'history[2] RUN: NPM_TOKEN=np********',
        location: { layer: { index: 1, diffID: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', historyIndex: 2 } },
      }),
    ]);
    expect(JSON.stringify(found)).not.toContain('Abc123Def456');
    expect(byId(r, 'BH-IMG-002')).toHaveLength(1);
  });
});
