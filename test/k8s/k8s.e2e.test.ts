/**
 * `bulkhead k8s` end to end: the CLI (in-process, through `run`) over our own
 * corpus of realistic manifests (test/k8s/corpus), compared with reviewed
 * golden files (test/k8s/golden). Volatile fields (createdAt, durationMs, the
 * tool version, absolute paths) are stripped before comparing.
 * Refresh the goldens with BULKHEAD_UPDATE_GOLDEN=1, then review the diff.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import type { ScanResult } from '../../src/core/types.js';
import { tempDir } from '../helpers/image-builder.js';
import { importDb } from '../../src/vuln/db/index.js';
import { loadAll } from '../../src/misconfig/kubernetes/input/index.js';
import { buildRbac, whoCanJson, whoCanReport } from '../../src/misconfig/kubernetes/rbac/index.js';
import { buildNetworkModel, computeConnectivity, explain, renderConnectivityChunks } from '../../src/misconfig/kubernetes/netpol/index.js';

const here = path.join(process.cwd(), 'test/k8s');
const corpus = path.join(here, 'corpus');
const goldenDir = path.join(here, 'golden');
const update = process.env.BULKHEAD_UPDATE_GOLDEN === '1';
const dbDir = tempDir('bulkhead-k8s-db-');
await importDb({ dir: dbDir, source: path.join(process.cwd(), 'examples/osv') });

const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function cli(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { BULKHEAD_CACHE_DIR: tempDir('bulkhead-k8s-cache-'), BULKHEAD_DB_DIR: dbDir },
    isTTY: false,
    cwd: process.cwd(),
    ...(stdin !== undefined ? { readStdin: async () => stdin } : {}),
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** Volatile fields out, absolute paths made relative to the repository. */
function normalize(value: unknown): unknown {
  const root = process.cwd();
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      // Dates relative to today (support windows, the release table's age) change every day.
      return v
        .split(`${root}/`)
        .join('')
        .split(root)
        .join('.')
        .replace(/\(\d+ days old\)/g, '(N days old)')
        .replace(/\d+ days before \d{4}-\d{2}-\d{2}/g, 'N days before TODAY');
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'createdAt' || k === 'durationMs') continue;
        if (key === 'tool' && k === 'version') continue;
        out[k] = walk(x, k);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

function golden(name: string, value: unknown): void {
  const file = path.join(goldenDir, `${name}.json`);
  const text = `${JSON.stringify(normalize(value), null, 2)}\n`;
  if (update) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  expect(existsSync(file), `${file} is missing: run with BULKHEAD_UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

async function scanJson(args: string[], stdin?: string): Promise<ScanResult> {
  const r = await cli(['k8s', ...args, '-f', 'json', '--quiet'], stdin);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ScanResult;
}

const c = (p: string) => path.join('test/k8s/corpus', p);
const ids = (r: ScanResult, object: string) => r.findings.filter((f) => JSON.stringify(f.location ?? {}).includes(object)).map((f) => f.id);

describe('bulkhead k8s: the corpus against reviewed goldens', () => {
  it('Helm-rendered ingress-nginx, piped on stdin', async () => {
    const r = await scanJson(['-'], readFileSync(path.join(corpus, 'ingress-nginx-helm.yaml'), 'utf8'));
    expect(r.kubernetes?.objects).toBe(5);
    expect(r.findings.length).toBeGreaterThan(0);
    golden('ingress-nginx-helm', r);
  });

  it('kube-prometheus-like monitoring: node-exporter is flagged for its host access', async () => {
    const r = await scanJson([c('monitoring.yaml')]);
    const text = JSON.stringify(r.findings.filter((f) => JSON.stringify(f).includes('node-exporter')));
    expect(text).toMatch(/hostPID|host PID|host process/i);
    expect(text).toMatch(/hostPath|host path/i);
    expect(text).toMatch(/hostNetwork|host network/i);
    golden('monitoring', r);
  });

  it('kubeadm control plane and KubeletConfiguration', async () => {
    const r = await scanJson([c('kubeadm')]);
    expect(r.kubernetes?.version?.version).toBe('v1.28.4');
    // kubeadm's defaults leave anonymous auth on, no audit log, profiling on, no kubelet CA: CIS 1.2.1, 1.2.16, 1.2.15, 1.2.5.
    expect(ids(r, 'kube-apiserver')).toEqual(expect.arrayContaining(['BH-K8S-100', 'BH-K8S-115', 'BH-K8S-114', 'BH-K8S-104']));
    // etcd has client and peer certificate auth: no etcd flag finding.
    expect(ids(r, '"name":"etcd"').filter((id) => /^BH-K8S-1\d\d$/.test(id))).toEqual([]);
    golden('kubeadm', r);
  });

  it('multi-namespace app with PSS-labelled namespaces and NetworkPolicies', async () => {
    const r = await scanJson([c('multi-ns.yaml')]);
    golden('multi-ns', r);
  });

  it('admission verdicts for the enforce=restricted namespace', async () => {
    const r = await scanJson([c('multi-ns.yaml')]);
    const web = r.kubernetes!.admission.filter((a) => JSON.stringify(a.object).includes('shop-frontend'));
    expect(web.length).toBeGreaterThan(0);
    // The metrics-sidecar runs as root: restricted enforcement refuses the pod.
    expect(web.every((a) => a.enforce === 'rejected')).toBe(true);
    expect(web[0]!.enforceMessage).toMatch(/runAsNonRoot|runAsUser|restricted/);
  });

  it('RBAC with a CI deployer', async () => {
    const r = await scanJson([c('rbac-ci.yaml')]);
    expect(r.findings.some((f) => JSON.stringify(f).includes('ci-deployer'))).toBe(true);
    golden('rbac-ci', r);
  });

  it('a cluster dump as a List (kubectl get -A -o yaml)', async () => {
    const r = await scanJson([c('cluster-dump.yaml')]);
    expect(r.kubernetes?.kinds).toMatchObject({ Deployment: 1, Pod: 1, Node: 1 });
    golden('cluster-dump', r);
  });

  it.skipIf(!hasKubectl)('a kustomize overlay, rendered with kubectl kustomize (skipped: kubectl is not installed)', async () => {
    const r = await scanJson([c('kustomize/overlays/prod')]);
    expect(JSON.stringify(r.findings)).toContain('prod-worker');
    golden('kustomize-prod', r);
  });

  it('ValidatingAdmissionPolicy from --policy', async () => {
    const r = await scanJson([c('multi-ns.yaml'), c('monitoring.yaml'), '--policy', c('vap-policy.yaml')]);
    const vap = r.findings.filter((f) => f.id.toLowerCase().includes('images-from-trusted-registries') || JSON.stringify(f).includes('images-from-trusted-registries'));
    // postgres (docker.io) breaks the registry rule; web's :latest sidecar breaks the tag rule.
    expect(JSON.stringify(vap)).toContain('postgres');
    expect(JSON.stringify(vap)).toContain(':latest');
    expect(JSON.stringify(vap)).not.toContain('node-exporter');
    golden('vap-policy', vap);
  });
});

describe('bulkhead k8s: report formats and focused views', () => {
  it('table output has the compliance section', async () => {
    const r = await cli(['k8s', c('multi-ns.yaml'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/compliance/i);
    expect(r.stdout).toMatch(/Pod Security Standards: restricted/);
  });

  it('--compliance pss-restricted keeps only Pod Security findings', async () => {
    const all = await scanJson([c('monitoring.yaml'), c('multi-ns.yaml')]);
    const pss = await scanJson([c('monitoring.yaml'), c('multi-ns.yaml'), '--compliance', 'pss-restricted']);
    expect(pss.findings.length).toBeGreaterThan(0);
    expect(pss.findings.length).toBeLessThan(all.findings.length);
    for (const f of pss.findings) expect(f.references?.some((x) => x === 'pss:baseline' || x === 'pss:restricted'), f.id).toBe(true);
    expect(pss.compliance?.map((x) => x.framework)).toEqual(['pss-restricted']);
  });

  it('SARIF carries region.startLine at the object in the YAML', async () => {
    const r = await cli(['k8s', c('monitoring.yaml'), '-f', 'sarif', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string; message: { text: string }; locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }> }> }> };
    const lines = readFileSync(path.join(corpus, 'monitoring.yaml'), 'utf8').split('\n');
    const results = sarif.runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    let checked = 0;
    for (const res of results) {
      const loc = res.locations?.[0]?.physicalLocation;
      expect(loc?.artifactLocation?.uri).toMatch(/monitoring\.yaml$/);
      const line = loc?.region?.startLine;
      expect(line, res.ruleId).toBeGreaterThan(0);
      expect(line!).toBeLessThanOrEqual(lines.length);
      checked++;
    }
    expect(checked).toBe(results.length);
    // The DaemonSet's host namespaces point into the DaemonSet document, at or after its `kind:` line.
    const dsStart = lines.findIndex((l) => l === 'kind: DaemonSet') + 1;
    const hostPid = results.filter((x) => /hostPID|host PID|host process/i.test(x.message.text));
    expect(hostPid.length).toBeGreaterThan(0);
    for (const x of hostPid) expect(x.locations![0]!.physicalLocation!.region!.startLine!).toBeGreaterThanOrEqual(dsStart - 1);
    const hostPidLine = lines.findIndex((l) => l.includes('hostPID: true')) + 1;
    expect(hostPid.some((x) => x.locations![0]!.physicalLocation!.region!.startLine === hostPidLine || x.locations![0]!.physicalLocation!.region!.startLine === dsStart)).toBe(true);
  });

  const rbacInputs = [c('rbac-ci.yaml'), c('monitoring.yaml'), c('ingress-nginx-helm.yaml')];

  it('who-can get secrets -n shop-backend (text from the CLI, JSON golden from the same report functions)', async () => {
    const text = await cli(['k8s', 'who-can', 'get', 'secrets', ...rbacInputs, '-n', 'shop-backend']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('ci-deployer');
    expect(text.stdout).toContain('prometheus-k8s');
    // ingress-nginx may only list/watch secrets, not get them.
    expect(text.stdout).not.toContain('edge-ingress-nginx');
    const objects = await loadAll(rbacInputs.map((i) => path.resolve(i)));
    const json = JSON.parse(whoCanJson(whoCanReport(buildRbac(objects), { verb: 'get', resource: 'secrets', namespace: 'shop-backend' }).answers)) as unknown;
    expect(JSON.stringify(json)).toContain('ci-deployer');
    expect(JSON.stringify(json)).not.toContain('edge-ingress-nginx');
    golden('who-can-get-secrets', json);
  });

  // `-f` given after the subcommand may land on the parent `k8s` command; the subcommands read it there.
  it('who-can -f json prints JSON from the CLI', async () => {
    const r = await cli(['k8s', 'who-can', 'get', 'secrets', ...rbacInputs, '-n', 'shop-backend', '-f', 'json']);
    golden('who-can-get-secrets', JSON.parse(r.stdout));
  });

  it('netpol -f json prints JSON from the CLI', async () => {
    const r = await cli(['k8s', 'netpol', c('multi-ns.yaml'), '-f', 'json']);
    golden('netpol-connectivity', JSON.parse(r.stdout));
  });

  it('netpol --from/--to: exit 0 when allowed, 1 when denied', async () => {
    const allowed = await cli(['k8s', 'netpol', c('multi-ns.yaml'), '--from', 'shop-frontend/web', '--to', 'shop-backend/api', '--port', '9000']);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const viaBackend = await cli(['k8s', 'netpol', c('multi-ns.yaml'), '--from', 'shop-backend/api', '--to', 'shop-db/postgres', '--port', '5432']);
    expect(viaBackend.code, viaBackend.stdout).toBe(0);
    const denied = await cli(['k8s', 'netpol', c('multi-ns.yaml'), '--from', 'shop-frontend/web', '--to', 'shop-db/postgres', '--port', '5432']);
    expect(denied.code, denied.stdout).toBe(1);
    const wrongPort = await cli(['k8s', 'netpol', c('multi-ns.yaml'), '--from', 'shop-frontend/web', '--to', 'shop-backend/api', '--port', '22']);
    expect(wrongPort.code).toBe(1);
    const model = buildNetworkModel(await loadAll([path.resolve(c('multi-ns.yaml'))]));
    const e = explain(model, { from: 'shop-frontend/web', to: 'shop-db/postgres', port: 5432 });
    expect(e.allowed).toBe(false);
    golden('netpol-explain-denied', e);
  });

  it('netpol connectivity JSON of the multi-namespace app', async () => {
    const r = await cli(['k8s', 'netpol', c('multi-ns.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('shop-frontend');
    const model = buildNetworkModel(await loadAll([path.resolve(c('multi-ns.yaml'))]));
    const json = JSON.parse([...renderConnectivityChunks(computeConnectivity(model), 'json')].join('')) as unknown;
    golden('netpol-connectivity', json);
  });

  it('k8s node on a fake node tree', async () => {
    const root = tempDir('bulkhead-k8s-node-');
    const manifests = path.join(root, 'etc/kubernetes/manifests');
    mkdirSync(manifests, { recursive: true });
    mkdirSync(path.join(root, 'var/lib/kubelet'), { recursive: true });
    for (const f of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) {
      copyFileSync(path.join(corpus, 'kubeadm', `${f}.yaml`), path.join(manifests, `${f}.yaml`));
      chmodSync(path.join(manifests, `${f}.yaml`), 0o600);
    }
    chmodSync(path.join(manifests, 'kube-apiserver.yaml'), 0o666); // too open: CIS 1.1.1
    copyFileSync(path.join(corpus, 'kubeadm/kubelet-config.yaml'), path.join(root, 'var/lib/kubelet/config.yaml'));
    chmodSync(path.join(root, 'var/lib/kubelet/config.yaml'), 0o644); // too open: CIS 4.1.9
    const r = await cli(['k8s', 'node', root, '-f', 'json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.split(root).join('<node>')) as ScanResult;
    const perms = result.findings.filter((f) => JSON.stringify(f).match(/0?666|0?644|permission/i));
    expect(JSON.stringify(perms)).toContain('kube-apiserver.yaml');
    expect(JSON.stringify(perms)).toContain('config.yaml');
    expect(JSON.stringify(result.findings)).not.toContain('kube-scheduler.yaml: mode');
    golden('node', result);
  });
});

describe('bulkhead k8s: hostile input', () => {
  it('invalid YAML: exit 2 with file:line', async () => {
    const dir = tempDir('bulkhead-k8s-bad-');
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b\nspec: [\n');
    const r = await cli(['k8s', file, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+/);
  });

  // No wall-clock assertion: 9^9 strings if expanded would exhaust memory or hit the vitest timeout; the refusal names the alias limit.
  it('a YAML bomb: exit 2, refused by the alias limit', async () => {
    const dir = tempDir('bulkhead-k8s-bomb-');
    const file = path.join(dir, 'bomb.yaml');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    const r = await cli(['k8s', file, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bomb\.yaml/);
    expect(r.stderr).toMatch(/alias/i);
  });
});
