import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../inventory/analyzer.js';
import { hasShared, layerDigests, readLayerFiles } from '../../test/helpers/shared-fixtures.js';
import { createSecretAnalyzer, secretAnalyzer } from './analyzer.js';
import { parseCustomRules } from './custom.js';
import { MAX_SECRET_FILE_BYTES, scanSecrets } from './scanner.js';
import { AN, generator } from './testdata/samples.js';

const { rand } = generator(3);
const info = (path: string, size: number): FileInfo => ({ path, size, mode: 0o644, uid: 0, gid: 0 });
const ctx = { targetKind: 'image' as const };

async function analyze(path: string, text: string, analyzer = secretAnalyzer) {
  const content = Buffer.from(text);
  return analyzer.analyze({ path, info: info(path, content.length), content }, ctx);
}

describe('secretAnalyzer', () => {
  it('declares itself for images, root filesystems and checkouts, with the size limit', () => {
    expect(secretAnalyzer).toMatchObject({ id: 'secret', version: 1, targets: ['image', 'rootfs', 'fs'], maxBytes: MAX_SECRET_FILE_BYTES });
  });

  it('wants text-like files under the limit outside skipped paths', () => {
    expect(secretAnalyzer.wants('/app/.env', info('/app/.env', 120))).toBe(true);
    expect(secretAnalyzer.wants('/root/.ssh/id_rsa', info('/root/.ssh/id_rsa', 1675))).toBe(true);
    expect(secretAnalyzer.wants('/app/.env', info('/app/.env', 0))).toBe(false);
    expect(secretAnalyzer.wants('/app/dump.sql', info('/app/dump.sql', MAX_SECRET_FILE_BYTES + 1))).toBe(false);
    expect(secretAnalyzer.wants('/usr/share/doc/curl/copyright', info('/usr/share/doc/curl/copyright', 100))).toBe(false);
    expect(secretAnalyzer.wants('/app/static/logo.png', info('/app/static/logo.png', 100))).toBe(false);
    expect(secretAnalyzer.wants('/app/node_modules/jws/test/keys.js', info('/app/node_modules/jws/test/keys.js', 100))).toBe(false);
  });

  it('turns matches into secret findings with the check data and redacted evidence', async () => {
    const token = `ghp_${rand(AN, 36)}`;
    const result = await analyze('/app/.env', `NODE_ENV=production\nGITHUB_TOKEN=${token}\n`);
    expect(result).toEqual({
      findings: [
        {
          kind: 'secret',
          id: 'BH-SEC-017',
          title: 'GitHub personal access token (classic)',
          severity: 'critical',
          location: { path: '/app/.env', startLine: 2, endLine: 2 },
          references: ['gitleaks:github-pat', 'trivy:github-pat', 'cwe:798', 'mitre-attack:T1552.001', 'nist-800-190:4.1.4'],
          remediation: expect.stringContaining('Revoke or rotate it with GitHub'),
          evidence: `ghp_${'*'.repeat(32)}`,
        },
      ],
    });
  });

  it('returns nothing for a clean file and warns when a file hits the match limit', async () => {
    expect(await analyze('/app/server.js', "const express = require('express');\n")).toBeNull();
    const many = Array.from({ length: 60 }, () => `ghp_${rand(AN, 36)}`).join('\n');
    const r = await analyze('/app/tokens.txt', many);
    expect(r?.findings).toHaveLength(50);
    expect(r?.warnings).toEqual(['secret scan stopped at the match limit; more secrets may be in this file']);
  });

  it('runs custom rules from the config, under an id that changes with them', async () => {
    const rules = parseCustomRules([{ id: 'corp-token', regex: 'corp_[a-z0-9]{24}', keywords: ['corp_'], severity: 'low' }]);
    const custom = createSecretAnalyzer({ extraRules: rules });
    expect(custom.id).toMatch(/^secret\+[0-9a-f]{12}$/);
    expect(createSecretAnalyzer({ extraRules: parseCustomRules([{ id: 'other', regex: 'other_[a-z0-9]{24}' }]) }).id).not.toBe(custom.id);
    expect(createSecretAnalyzer({ extraRules: rules }).id).toBe(custom.id);
    const r = await analyze('/app/.env', `CORP=corp_${rand('abcdef0123456789', 24)}\n`, custom);
    expect(r?.findings?.map((f) => [f.id, f.severity, f.location.startLine])).toEqual([['corp-token', 'low', 1]]);
  });
});

describe.skipIf(!hasShared)('secrets in the shared fixture images', () => {
  it('app-node layer 3 holds the private key, the AWS key pair and the GitHub token; layer 4 nothing', async () => {
    const [, , layer3, layer4] = layerDigests('app-node');
    const files = await readLayerFiles(layer3!, () => true);
    const findings: Array<[string, string, number | undefined, string | undefined]> = [];
    for (const [path, f] of files) {
      if (!secretAnalyzer.wants(path, info(path, f.content.length))) continue;
      const r = await secretAnalyzer.analyze({ path, info: info(path, f.content.length), content: f.content }, ctx);
      for (const x of r?.findings ?? []) findings.push([path, x.id, x.location.startLine, x.evidence]);
    }
    expect(findings.sort()).toEqual([
      ['/app/.env', 'BH-SEC-001', 1, `AKIA${'*'.repeat(16)}`],
      ['/app/.env', 'BH-SEC-002', 2, expect.stringMatching(/^AWS_SECRET_ACCESS_KEY=[A-Za-z0-9/+]{4}\*{32}$/)],
      ['/app/.env', 'BH-SEC-017', 3, `ghp_${'*'.repeat(32)}`],
      ['/root/.ssh/id_rsa', 'BH-SEC-060', 1, '-----BEGIN RSA PRIVATE KEY-----'],
    ]);
    // No evidence holds a secret: every value in .env is longer than what is shown of it.
    const env = files.get('/app/.env')!.content.toString('utf8');
    for (const line of env.split('\n').filter(Boolean)) {
      const value = line.slice(line.indexOf('=') + 1);
      if (value.length >= 16) for (const f of findings) expect(f[3]).not.toContain(value.slice(0, 8));
    }
    const key = scanSecrets('/root/.ssh/id_rsa', files.get('/root/.ssh/id_rsa')!.content)[0]!;
    expect([key.line, key.endLine]).toEqual([1, 27]);
    const deleted = await readLayerFiles(layer4!, () => true);
    expect([...deleted.keys()]).toEqual(['/root/.ssh/.wh.id_rsa']);
    expect(await secretAnalyzer.analyze({ path: '/root/.ssh/.wh.id_rsa', info: info('/root/.ssh/.wh.id_rsa', 0), content: Buffer.alloc(0) }, ctx)).toBeNull();
  });

  it('app-python: its own layer, dist-packages included, yields no secrets', async () => {
    const [, pythonLayer] = layerDigests('app-python');
    const files = await readLayerFiles(pythonLayer!, () => true);
    const distPackages = [...files.keys()].filter((p) => p.startsWith('/usr/lib/python3/dist-packages/') && p.endsWith('.py'));
    expect(distPackages.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const [path, f] of files) {
      if (secretAnalyzer.wants(path, info(path, f.content.length))) {
        const r = await secretAnalyzer.analyze({ path, info: info(path, f.content.length), content: f.content }, ctx);
        for (const x of r?.findings ?? []) found.push(`${path}:${x.location.startLine} ${x.id}`);
      }
    }
    // Past the path rules too: the rules themselves find nothing in the Python packages' sources.
    for (const path of distPackages) for (const m of scanSecrets(`/src${path.slice('/usr/lib/python3/dist-packages'.length)}`, files.get(path)!.content)) found.push(`${path}:${m.line} ${m.rule.id}`);
    expect(found).toEqual([]);
  });
});
