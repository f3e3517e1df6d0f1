import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../inventory/analyzer.js';
import { dockerfileAnalyzer, isDockerfileName } from './analyzer.js';
import { scanDockerfile } from './scan.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SHARED = path.resolve(repoRoot, '../shared');
const info = (p: string, size = 100): FileInfo => ({ path: p, size, mode: 0o100644, uid: 0, gid: 0 });
const analyze = (p: string, content: Buffer) => dockerfileAnalyzer.analyze({ path: p, info: info(p, content.length), content }, { targetKind: 'fs' });

describe('dockerfile analyzer', () => {
  it('wants Dockerfiles and Containerfiles under their usual names only', () => {
    for (const p of ['/Dockerfile', '/svc/api/Dockerfile', '/dockerfile', '/Containerfile', '/build/Dockerfile.prod', '/build/Dockerfile.alpine', '/docker/api.Dockerfile', '/x/web.containerfile']) {
      expect(dockerfileAnalyzer.wants(p, info(p)), p).toBe(true);
    }
    for (const p of ['/Dockerfile.dockerignore', '/Dockerfile.md', '/Dockerfile.j2', '/Dockerfile.tmpl', '/docs/Dockerfile.txt', '/README.md', '/dockerfiles/readme', '/Dockerfile/x', '/src/dockerfile.ts', '/.dockerignore']) {
      expect(dockerfileAnalyzer.wants(p, info(p)), p).toBe(false);
    }
    expect(isDockerfileName('Dockerfile')).toBe(true);
    expect(dockerfileAnalyzer.targets).toEqual(['fs']);
    expect(dockerfileAnalyzer.scanner).toBe('misconfig');
    expect(dockerfileAnalyzer.version).toBe(1);
  });

  it('returns findings located in the analysed file', async () => {
    const r = await analyze('/svc/Dockerfile', Buffer.from('FROM alpine:3.19\nRUN sudo apk add --no-cache curl=8.5.0-r0\nUSER 1000\nHEALTHCHECK NONE\n'));
    expect(r?.findings?.map((f) => [f.id, f.location])).toEqual([
      ['BH-DF-003', { path: '/svc/Dockerfile', startLine: 1, endLine: 1 }],
      ['BH-DF-009', { path: '/svc/Dockerfile', startLine: 2, endLine: 2 }],
    ]);
    expect(r?.warnings).toEqual([]);
  });

  it('turns a file that is not a Dockerfile into a warning', async () => {
    const r = await analyze('/Dockerfile', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    expect(r).toEqual({ warnings: ['/Dockerfile is not a Dockerfile: it contains binary data (at /Dockerfile:1): name a text Dockerfile'] });
  });
});

/** Text files of the shared fixtures up to the Dockerfile size limit. */
function sharedTextFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) sharedTextFiles(p, out);
    else if (st.size < 200 * 1024) out.push(p);
  }
  return out;
}

describe.skipIf(!existsSync(SHARED))('dockerfile checks on the shared fixtures', () => {
  it('flags what a Dockerfile reconstructed from the app-node image config would contain', () => {
    // The config of the real app-node fixture image, turned back into the Dockerfile instructions that set it.
    const layout = path.join(SHARED, 'fixtures/images/oci');
    const index = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    const blob = (digest: string) => JSON.parse(readFileSync(path.join(layout, 'blobs', ...digest.split(':')), 'utf8')) as Record<string, unknown>;
    const desc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'app-node')!;
    const manifest = blob(desc.digest) as { config: { digest: string } };
    const config = (blob(manifest.config.digest) as { config: { Env: string[]; ExposedPorts: Record<string, unknown>; Cmd: string[]; WorkingDir: string; User?: string } }).config;
    const lines = ['FROM debian:bookworm-slim', ...config.Env.filter((e) => !e.startsWith('PATH=')).map((e) => `ENV ${e}`), `WORKDIR ${config.WorkingDir}`];
    lines.push(`EXPOSE ${Object.keys(config.ExposedPorts).join(' ')}`, `CMD ${JSON.stringify(config.Cmd)}`);
    if (config.User) lines.push(`USER ${config.User}`);
    const r = scanDockerfile(lines.join('\n'), 'app-node.Dockerfile');
    expect(r.findings.map((f) => f.id).sort()).toEqual(['BH-DF-001', 'BH-DF-003', 'BH-DF-020', 'BH-DF-022', 'BH-DF-023']);
    const secret = r.findings.find((f) => f.id === 'BH-DF-020')!;
    expect(secret).toMatchObject({ title: 'ENV DB_PASSWORD sets a secret value in the Dockerfile', evidence: 'ENV DB_PASSWORD=****', location: { startLine: 2 } });
    const password = config.Env.find((e) => e.startsWith('DB_PASSWORD='))!.split('=')[1]!;
    expect(JSON.stringify(r)).not.toContain(password);
  });

  it('neither wants nor crashes on any shared fixture file', async () => {
    const files = sharedTextFiles(path.join(SHARED, 'fixtures'));
    expect(files.length).toBeGreaterThan(10);
    for (const p of files) {
      expect(dockerfileAnalyzer.wants(p, info(p)), p).toBe(false);
      const r = await analyze(p, readFileSync(p));
      expect(r, p).not.toBeNull();
      expect((r?.warnings ?? []).filter((w) => w.includes('stopped early') || w.includes('not checked')), p).toEqual([]);
    }
  });
});
