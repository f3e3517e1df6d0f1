import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/types.js';
import { findInPath } from '../sensor/setup.js';
import { checkRuntimeConfig, detectRuntimeConfigFormat, runtimeConfigChecks } from './index.js';

const testdata = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8');
const ids = (fs: Finding[]) => [...new Set(fs.map((f) => f.id))].sort();

/** `runc spec` run now when runc is installed, else its recorded output. */
function runcSpec(): { text: string; live: boolean } {
  if (!findInPath('runc')) return { text: testdata('runc-spec-1.1.5.json'), live: false };
  const dir = mkdtempSync(join(tmpdir(), 'bh-spec-'));
  try {
    execFileSync('runc', ['spec'], { cwd: dir });
    return { text: readFileSync(join(dir, 'config.json'), 'utf8'), live: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('check definitions', () => {
  it('are runtime checks with stable ids and CIS Docker references', () => {
    expect(runtimeConfigChecks.map((c) => c.id)).toEqual(Array.from({ length: 19 }, (_, i) => `BH-RTC-${String(i + 1).padStart(3, '0')}`));
    for (const c of runtimeConfigChecks) {
      expect(c.kind).toBe('runtime');
      expect(c.references.some((r) => /^cis-docker:\d\.\d+$/.test(r))).toBe(true);
      for (const r of c.references) expect(r).toMatch(/^(cis-docker|nist-800-190|kubescape|mitre-attack):[A-Z0-9.-]+$/);
    }
  });
});

describe('OCI runtime config', () => {
  const spec = runcSpec();

  it(`finds what runc spec leaves open (${spec.live ? 'live runc spec' : 'recorded runc spec'})`, () => {
    const f = checkRuntimeConfig(spec.text, 'config.json');
    // runc spec keeps namespaces, a read-only root and no-new-privileges, but has no seccomp, AppArmor, user namespace or limits, and runs as uid 0.
    expect(ids(f)).toEqual(['BH-RTC-004', 'BH-RTC-005', 'BH-RTC-011', 'BH-RTC-015', 'BH-RTC-016', 'BH-RTC-017', 'BH-RTC-019']);
    const seccomp = f.find((x) => x.id === 'BH-RTC-004')!;
    expect(seccomp.location.path).toBe('config.json');
    const lines = spec.text.split('\n');
    expect(lines[seccomp.location.startLine! - 1]).toMatch(/"linux"/);
    const root = f.find((x) => x.id === 'BH-RTC-019')!;
    expect(lines[root.location.startLine! - 1]).toMatch(/"uid": 0/);
    expect(root.evidence).toBe('process.user.uid: process.user.uid is 0');
  });

  it('sees patched variants: privileged shape, host namespaces, sockets, limits', () => {
    type Spec = {
      process: { capabilities: { bounding: string[] }; noNewPrivileges: boolean; user: { uid: number } };
      linux: { maskedPaths: string[]; namespaces: Array<{ type: string }>; resources?: unknown; seccomp?: unknown };
      mounts: unknown[];
      root: { readonly: boolean };
    };
    const c = JSON.parse(spec.text) as Spec;
    c.process.capabilities.bounding.push('CAP_SYS_ADMIN', 'CAP_SYS_NICE');
    c.linux.maskedPaths = [];
    c.linux.namespaces = c.linux.namespaces.filter((n) => !['network', 'pid'].includes(n.type));
    c.mounts.push({ destination: '/var/run/docker.sock', type: 'bind', source: '/var/run/docker.sock', options: ['rbind'] }, { destination: '/host/etc', type: 'bind', source: '/etc/', options: ['rbind', 'ro'] });
    c.root.readonly = false;
    c.process.noNewPrivileges = false;
    c.linux.resources = { memory: { limit: 1 << 28 }, cpu: { shares: 512 }, pids: { limit: 100 } };
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
    c.process.user.uid = 1000;
    const f = checkRuntimeConfig(JSON.stringify(c, null, 2), 'patched.json');
    expect(ids(f)).toEqual(['BH-RTC-001', 'BH-RTC-002', 'BH-RTC-003', 'BH-RTC-005', 'BH-RTC-007', 'BH-RTC-008', 'BH-RTC-011', 'BH-RTC-012', 'BH-RTC-013', 'BH-RTC-014', 'BH-RTC-018']);
    expect(f.find((x) => x.id === 'BH-RTC-002')!.evidence).toContain('CAP_SYS_ADMIN');
    expect(f.find((x) => x.id === 'BH-RTC-003')!.evidence).toContain('CAP_SYS_NICE');
    expect(f.find((x) => x.id === 'BH-RTC-013')!.evidence).toContain('/etc mounted at /host/etc (read-only)');
  });
});

describe('docker inspect', () => {
  it('finds nothing wrong with a hardened container', () => {
    expect(checkRuntimeConfig(testdata('docker-inspect-hardened.json'), 'hardened.json')).toEqual([]);
  });

  it('finds every problem of a risky one, at its field', () => {
    const text = testdata('docker-inspect-risky.json');
    const f = checkRuntimeConfig(text, 'risky.json');
    const runner = f.filter((x) => x.title.includes('/ci-runner'));
    expect(ids(runner)).toEqual(['BH-RTC-001', 'BH-RTC-002', 'BH-RTC-003', 'BH-RTC-004', 'BH-RTC-005', 'BH-RTC-006', 'BH-RTC-007', 'BH-RTC-008', 'BH-RTC-009', 'BH-RTC-010', 'BH-RTC-011', 'BH-RTC-012', 'BH-RTC-013', 'BH-RTC-014', 'BH-RTC-015', 'BH-RTC-016', 'BH-RTC-017', 'BH-RTC-019']);
    const lines = text.split('\n');
    const at = (id: string, from = runner) => lines[from.find((x) => x.id === id)!.location.startLine! - 1];
    expect(at('BH-RTC-001')).toContain('"Privileged": true');
    expect(at('BH-RTC-012')).toContain('/var/run/docker.sock');
    expect(at('BH-RTC-007')).toContain('"NetworkMode": "host"');
    expect(runner.filter((x) => x.id === 'BH-RTC-013').map((x) => x.evidence)).toEqual([
      '[0].HostConfig.Binds[1]: / mounted at /host (read-write)',
      '[0].HostConfig.Binds[2]: /etc mounted at /host-etc (read-only)',
    ]);
    const sidecar = f.filter((x) => x.title.includes('/sidecar'));
    expect(sidecar.find((x) => x.id === 'BH-RTC-002')?.evidence).toContain('CAP_SYS_PTRACE');
    expect(sidecar.find((x) => x.id === 'BH-RTC-012')?.evidence).toContain('containerd.sock');
    expect(sidecar.some((x) => x.id === 'BH-RTC-019')).toBe(true);
    expect(f[0]).toMatchObject({ kind: 'runtime', references: expect.arrayContaining(['cis-docker:5.4']) });
  });
});

describe('Kubernetes', () => {
  it('checks every container of every document, with the object and line', () => {
    const text = testdata('pod-risky.yaml');
    const f = checkRuntimeConfig(text, 'pod-risky.yaml');
    expect(f.filter((x) => x.location.object?.kind === 'Deployment')).toEqual([]);
    const pod = f.filter((x) => x.location.object?.name === 'debug');
    expect(ids(pod)).toEqual(['BH-RTC-001', 'BH-RTC-002', 'BH-RTC-005', 'BH-RTC-007', 'BH-RTC-008', 'BH-RTC-011', 'BH-RTC-012', 'BH-RTC-013', 'BH-RTC-014', 'BH-RTC-015', 'BH-RTC-016', 'BH-RTC-019']);
    const lines = text.split('\n');
    expect(lines[pod.find((x) => x.id === 'BH-RTC-001')!.location.startLine! - 1]).toContain('privileged: true');
    expect(lines[pod.find((x) => x.id === 'BH-RTC-012')!.location.startLine! - 1]).toContain('/var/run/docker.sock');
    expect(pod.find((x) => x.id === 'BH-RTC-013')!.evidence).toContain('/var/lib/kubelet/pods mounted at /kubelet (read-only)');
    expect(pod.find((x) => x.id === 'BH-RTC-001')!.location.object).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'debug', namespace: 'default' });
    expect(pod[0]!.evidence).toMatch(/^document 2: /);
  });

  it('accepts a bare PodSpec and flags the defaults that are unsafe', () => {
    const f = checkRuntimeConfig(JSON.stringify({ containers: [{ name: 'app', image: 'x' }] }), 'podspec.json');
    expect(ids(f)).toEqual(['BH-RTC-004', 'BH-RTC-011', 'BH-RTC-014', 'BH-RTC-015', 'BH-RTC-016', 'BH-RTC-018', 'BH-RTC-019']);
  });
});

describe('input errors', () => {
  it('says where a file does not parse', () => {
    expect(() => checkRuntimeConfig('a: [1, 2\nb: }', 'bad.yaml')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', where: expect.stringMatching(/^bad\.yaml:\d+:\d+$/) }));
  });

  it('refuses what is not a container configuration, saying what is accepted', () => {
    expect(() => checkRuntimeConfig('{"hello": "world"}', 'x.json')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', hint: expect.stringContaining('docker inspect') }));
    expect(() => checkRuntimeConfig('apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', 'svc.yaml')).toThrow(/holds no pod spec/);
    expect(() => checkRuntimeConfig('', 'empty.json')).toThrow(/empty/);
    expect(() => checkRuntimeConfig('['.repeat(10_000), 'deep.json')).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });

  it('detects the format of each input kind', () => {
    expect(detectRuntimeConfigFormat(JSON.parse(testdata('docker-inspect-risky.json')))).toBe('docker-inspect');
    expect(detectRuntimeConfigFormat(JSON.parse(testdata('runc-spec-1.1.5.json')))).toBe('oci-config');
    expect(detectRuntimeConfigFormat({ apiVersion: 'v1', kind: 'Pod' })).toBe('kubernetes');
    expect(detectRuntimeConfigFormat([1, 2])).toBeUndefined();
  });
});
