import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kubernetesSecretValues } from './rules/kubernetes.js';
import {
  MAX_MATCHES_PER_RULE,
  MAX_SECRET_FILE_BYTES,
  redact,
  scanSecrets,
  scanSecretsDetailed,
  secretPathSkipReason,
  secretSkipReason,
} from './scanner.js';
import { AN, b64, B64, generator, HEX, pemBody, testRsaKey, UP, DIG } from './testdata/samples.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const { rand } = generator(7);
const scan = (path: string, text: string) => scanSecrets(path, Buffer.from(text));
const ids = (path: string, text: string) => scan(path, text).map((m) => m.rule.id);

describe('redact', () => {
  it('keeps at most the first 4 characters and masks the rest', () => {
    expect(redact('AKIA0123456789ABCDEF')).toBe('AKIA****************');
    expect(redact('hunter22')).toBe('hu******');
    expect(redact('abc')).toBe('****');
    expect(redact('x'.repeat(200))).toBe(`xxxx${'*'.repeat(32)}`);
  });
});

describe('skip rules', () => {
  it('skips documentation, package databases and runtime standard libraries by path', () => {
    expect(secretPathSkipReason('/usr/share/doc/git/README')).toBe('path-skipped');
    expect(secretPathSkipReason('/var/lib/dpkg/status')).toBe('path-skipped');
    expect(secretPathSkipReason('/lib/apk/db/installed')).toBe('path-skipped');
    expect(secretPathSkipReason('/usr/lib/python3.11/urllib/request.py')).toBe('runtime-library');
    expect(secretPathSkipReason('/usr/local/go/src/net/http/server.go')).toBe('runtime-library');
    expect(secretPathSkipReason('/usr/lib/python3/dist-packages/requests/auth.py')).toBeUndefined();
    expect(secretPathSkipReason('/usr/local/lib/python3.12/site-packages/app/settings.py')).toBeUndefined();
  });

  it('skips tests, examples, docs and CI files of third-party packages, not the application', () => {
    expect(secretPathSkipReason('/app/node_modules/jsonwebtoken/test/priv.pem')).toBe('package-fixture');
    expect(secretPathSkipReason('/app/node_modules/@scope/pkg/examples/config.js')).toBe('package-fixture');
    expect(secretPathSkipReason('/app/node_modules/debug/.coveralls.yml')).toBe('package-fixture');
    expect(secretPathSkipReason('/app/node_modules/axios/README.md')).toBe('package-fixture');
    expect(secretPathSkipReason('/usr/lib/python3/dist-packages/yaml/tests/data.py')).toBe('package-fixture');
    expect(secretPathSkipReason('/app/node_modules/axios/lib/core/Axios.js')).toBeUndefined();
    expect(secretPathSkipReason('/app/test/fixtures/.env')).toBeUndefined();
  });

  it('skips binary extensions, NUL bytes in the first 8 KB, empty and oversized files', () => {
    const token = `ghp_${rand(AN, 36)}`;
    expect(secretPathSkipReason('/app/logo.PNG')).toBe('binary-extension');
    expect(secretPathSkipReason('/app/lib/app.jar')).toBe('binary-extension');
    expect(secretPathSkipReason('/root/.npmrc')).toBeUndefined();
    expect(secretSkipReason('/app/x', Buffer.from(`a\0b ${token}`))).toBe('binary-content');
    expect(scanSecrets('/app/x', Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from(`\0 ${token}`)]))).toHaveLength(1);
    expect(secretSkipReason('/app/x', Buffer.alloc(0))).toBe('empty');
    expect(secretSkipReason('/app/x', Buffer.alloc(MAX_SECRET_FILE_BYTES + 1, 0x61))).toBe('too-large');
    expect(scanSecretsDetailed('/app/x', Buffer.from(`TOKEN=${token}`), { maxBytes: 10 }).skipped).toBe('too-large');
  });
});

describe('placeholders', () => {
  it('are not reported', () => {
    const lines = [
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'DB_PASSWORD=changeme',
      'DB_PASSWORD=${DB_PASSWORD}',
      'password: "{{ .Values.db.password }}"',
      'API_KEY=<token>',
      'SECRET_KEY=dummy-secret-key-for-local-dev-123',
      'DATABASE_URL=postgres://app:${PGPASSWORD}@db:5432/app',
      'Authorization: Bearer <your-token-here>',
    ];
    expect(scan('/app/.env', lines.join('\n'))).toEqual([]);
  });
});

describe('scanSecrets', () => {
  it('reports line and column of each secret, in file order', () => {
    const gh = `ghp_${rand(AN, 36)}`;
    const sk = `sk_live_${rand(AN, 30)}`;
    const m = scan('/app/config.js', `// config\nmodule.exports = {\n  stripe: '${sk}',\n  github: "${gh}",\n};\n`);
    expect(m.map((x) => [x.rule.id, x.line, x.column, x.endLine])).toEqual([
      ['BH-SEC-040', 3, 12, 3],
      ['BH-SEC-017', 4, 12, 4],
    ]);
  });

  it('keeps one finding when a vendor rule and a generic rule report the same secret', () => {
    const gh = `ghp_${rand(AN, 36)}`;
    const m = scan('/app/.env', `GITHUB_TOKEN=${gh}\nGITHUB_API_KEY="${gh}"\n`);
    expect(m.map((x) => [x.rule.id, x.line])).toEqual([
      ['BH-SEC-017', 1],
      ['BH-SEC-017', 2],
    ]);
    expect(m[0]!.secretHash).toBe(m[1]!.secretHash);
  });

  it('hashes the secret so the same secret is recognised in another file', () => {
    const gh = `ghp_${rand(AN, 36)}`;
    const a = scan('/a/.env', `T=${gh}`)[0]!;
    const b = scan('/b/settings.json', `{"token": "${gh}"}`)[0]!;
    expect(a.secretHash).toBe(sha256(gh));
    expect(b.secretHash).toBe(a.secretHash);
  });

  it('stops at the match limit and says so', () => {
    const text = Array.from({ length: 80 }, () => `ghp_${rand(AN, 36)}`).join('\n');
    const r = scanSecretsDetailed('/app/tokens.txt', Buffer.from(text));
    expect(r.matches).toHaveLength(MAX_MATCHES_PER_RULE);
    expect(r.truncated).toBe(true);
  });

  it('decodes Docker config auth and reports the password, not the encoded pair', () => {
    const pw = rand(AN, 24);
    const auth = b64(`ci:${pw}`);
    const [m] = scan('/root/.docker/config.json', `{"auths":{"registry.corp.internal":{"auth":"${auth}"}}}`);
    expect(m!.rule.id).toBe('BH-SEC-056');
    expect(m!.secretHash).toBe(sha256(pw));
    expect(m!.evidence).toBe(`"auth":"${auth.slice(0, 4)}${'*'.repeat(32)}"`);
  });

  it('finds database URL passwords but not their user or host', () => {
    const pw = rand(AN, 16);
    const [m] = scan('/app/.env', `REDIS_URL=rediss://:${pw}@cache.corp.internal:6380/0`);
    expect(m!.rule.id).toBe('BH-SEC-092');
    expect(m!.secretHash).toBe(sha256(pw));
    expect(m!.evidence).toMatch(/^rediss:\/\/:\w{4}\*+@cache\.corp\.internal:6380$/);
  });
});

describe('private keys', () => {
  const rsa = testRsaKey();

  it('shows the BEGIN line only and spans to the END line', () => {
    const [m] = scan('/root/.ssh/id_rsa', rsa.pkcs1);
    expect(m!.rule.id).toBe('BH-SEC-060');
    expect(m!.evidence).toBe('-----BEGIN RSA PRIVATE KEY-----');
    expect(m!.line).toBe(1);
    expect(m!.endLine).toBe(rsa.pkcs1.trim().split('\n').length);
    expect(m!.secretHash).toBe(sha256(pemBody(rsa.pkcs1)));
  });

  it('finds PKCS#8 keys, and keys inside JSON strings with escaped newlines', () => {
    expect(ids('/app/key.pem', rsa.pkcs8)).toEqual(['BH-SEC-060']);
    const json = JSON.stringify({ type: 'service_account', private_key_id: rand(HEX, 40), private_key: rsa.pkcs8 }, null, 2);
    expect(ids('/app/sa.json', json)).toEqual(['BH-SEC-005', 'BH-SEC-060']);
  });

  it('ignores a BEGIN line without its END, and BEGIN lines of other blocks', () => {
    const body = rsa.pkcs1.split('\n').slice(0, 5).join('\n');
    expect(ids('/app/k', body)).toEqual([]);
    expect(ids('/app/k', `-----BEGIN RSA PRIVATE KEY-----\n-----BEGIN RSA PRIVATE KEY-----\n${rsa.pkcs1}`)).toEqual(['BH-SEC-060']);
  });
});

describe('Kubernetes Secret manifests', () => {
  it('decodes data values and scans them with every rule', () => {
    const gh = `ghp_${rand(AN, 36)}`;
    const dockerPw = rand(AN, 20);
    const dockerconfig = JSON.stringify({ auths: { 'ghcr.io': { auth: b64(`bot:${dockerPw}`) } } });
    const other = rand(AN, 20);
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app',
      'data:',
      `  GITHUB_TOKEN: ${b64(gh)}`,
      `  .dockerconfigjson: ${b64(dockerconfig)}`,
      `  ca.crt: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')}`,
      `  enabled: ${b64('true')}`,
      'stringData:',
      `  other: "${other}"`,
      '',
    ].join('\n');
    const m = scan('/app/k8s/app-secret.yaml', yaml);
    expect(m.map((x) => [x.rule.id, x.line, x.context])).toEqual([
      ['BH-SEC-017', 6, 'data.GITHUB_TOKEN (base64-decoded)'],
      ['BH-SEC-056', 7, 'data..dockerconfigjson (base64-decoded)'],
      ['BH-SEC-091', 11, 'stringData.other'],
    ]);
    expect(m[0]!.secretHash).toBe(sha256(gh));
    expect(m[0]!.evidence).toBe(`data.GITHUB_TOKEN (base64-decoded): ghp_${'*'.repeat(32)}`);
    expect(m[1]!.secretHash).toBe(sha256(dockerPw));
    expect(m[2]!.secretHash).toBe(sha256(other));
    expect(m.map((x) => x.evidence).join('\n')).not.toContain(other);
  });

  it('reads multi-document files, Lists and JSON, and leaves ConfigMaps alone', () => {
    const v1 = rand(AN, 20);
    const v2 = rand(AN, 20);
    const yaml = [
      'kind: ConfigMap',
      'data:',
      `  password: ${b64(rand(AN, 20))}`,
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  data:',
      `    token: ${b64(v1)}`,
      '  kind: Secret',
      '- kind: ConfigMap',
      '  data:',
      `    token: ${b64(rand(AN, 20))}`,
      '',
    ].join('\n');
    const values = kubernetesSecretValues(yaml);
    expect(values.map((v) => [v.label, v.text])).toEqual([['data.token', v1]]);
    expect(yaml.slice(values[0]!.offset, values[0]!.offset + 8)).toBe(b64(v1).slice(0, 8));
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { key: b64(v2) } });
    expect(kubernetesSecretValues(json).map((v) => [v.label, v.text])).toEqual([['data.key', v2]]);
  });

  it('reads block scalars and quoted values', () => {
    const pem = testRsaKey().pkcs1;
    const yaml = `kind: Secret\nstringData:\n  tls.key: |\n${pem
      .trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n')}\n  quoted: 'it''s changeme'\n`;
    const values = kubernetesSecretValues(yaml);
    expect(values.map((v) => v.label)).toEqual(['stringData.tls.key', 'stringData.quoted']);
    expect(values[0]!.text).toBe(pem.trim());
    expect(ids('/app/tls-secret.yaml', yaml)).toEqual(['BH-SEC-060']);
  });
});

describe('kubeconfig', () => {
  it('decodes client-key-data and reports the key', () => {
    const pem = testRsaKey().pkcs1;
    const cfg = `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-certificate-data: ${b64('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')}\n    client-key-data: ${b64(pem)}\n`;
    const m = scan('/etc/kubernetes/admin.conf', cfg);
    expect(m.map((x) => [x.rule.id, x.line])).toEqual([['BH-SEC-090', 7]]);
    expect(m[0]!.secretHash).toBe(sha256(pem.trim()));
    expect(m[0]!.evidence).toMatch(/^client-key-data: LS0t\*+$/);
  });

  it('is only read in files that are kubeconfigs', () => {
    const token = rand(AN, 40);
    expect(ids('/app/values.yaml', `auth:\n  token: ${token}\n`)).not.toContain('BH-SEC-090');
    expect(ids('/home/ci/.kube/config', `users:\n- name: ci\n  user:\n    token: ${token}\n`)).toEqual(['BH-SEC-090']);
  });
});

describe('AWS credential files', () => {
  it('reports both halves of a key pair with their lines', () => {
    const id = `AKIA${rand(UP + DIG, 16)}`;
    const secret = rand(B64, 40);
    const m = scan('/root/.aws/credentials', `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = eu-west-1\n`);
    expect(m.map((x) => [x.rule.id, x.line, x.evidence])).toEqual([
      ['BH-SEC-001', 2, `AKIA${'*'.repeat(16)}`],
      ['BH-SEC-002', 3, `aws_secret_access_key = ${secret.slice(0, 4)}${'*'.repeat(32)}`],
    ]);
  });
});
