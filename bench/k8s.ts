/**
 * Kubernetes scan speed and memory. The corpus (test/k8s/corpus) is
 * replicated with distinct names and namespaces up to N objects; the full
 * `scanKubernetes` over that file is timed with the NetworkPolicy analysis
 * skipped and included, each as a ratio to parsing the same text alone
 * (`objectsOfText`), measured in the same run. Peak RSS and heap are taken in
 * a fresh child process per size (2,500 / 5,000 / 10,000 objects) and mode so
 * one run does not inherit another's heap; each is reported as a ratio to the
 * peak RSS of only parsing the same file with the yaml library (also a child
 * of this run), and as growth in MiB per 1,000 objects beside the parse's own
 * growth. Then the RBAC and NetworkPolicy helpers' own benchmarks (benchRbac,
 * benchNetpol).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { objectsOfText } from '../src/misconfig/kubernetes/input/index.js';
import { scanKubernetes } from '../src/pipeline/scan-k8s.js';
import { benchRbac } from '../src/misconfig/kubernetes/rbac/bench.js';
import { benchNetpol } from '../src/misconfig/kubernetes/netpol/bench.js';

type Json = Record<string, unknown>;
const self = fileURLToPath(import.meta.url);

function corpusObjects(repo: string): Json[] {
  const root = path.join(repo, 'test/k8s/corpus');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) {
        if (e !== 'kustomize') walk(p);
      } else if (/\.ya?ml$/.test(e) && e !== 'vap-policy.yaml') files.push(p);
    }
  };
  walk(root);
  const out: Json[] = [];
  for (const f of files.sort()) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const o = doc.toJSON() as Json | null;
      if (!o) continue;
      if (o.kind === 'List' && Array.isArray(o.items)) out.push(...(o.items as Json[]));
      else out.push(o);
    }
  }
  return out;
}

/** Copy i of an object: every name, namespace and reference to them suffixed with -rI. */
function replica(o: Json, i: number): Json {
  const c = structuredClone(o) as Json & { metadata?: Json; roleRef?: Json; subjects?: Json[] };
  const s = `-r${i}`;
  if (c.metadata) {
    c.metadata.name = `${String(c.metadata.name)}${s}`;
    if (typeof c.metadata.namespace === 'string') c.metadata.namespace = `${c.metadata.namespace}${s}`;
  }
  if (c.roleRef) c.roleRef.name = `${String(c.roleRef.name)}${s}`;
  for (const sub of c.subjects ?? []) {
    if (typeof sub.namespace === 'string') sub.namespace = `${sub.namespace}${s}`;
    if (sub.kind === 'ServiceAccount') sub.name = `${String(sub.name)}${s}`;
  }
  const spec = c.spec as Json | undefined;
  const tpl = (spec?.template as Json | undefined)?.spec as Json | undefined;
  if (tpl && typeof tpl.serviceAccountName === 'string') tpl.serviceAccountName = `${tpl.serviceAccountName}${s}`;
  return c;
}

export function corpusText(repo: string, objects: number): string {
  const base = corpusObjects(repo);
  const docs: string[] = [];
  for (let i = 0; docs.length < objects; i++) for (const o of base) if (docs.length < objects) docs.push(stringify(replica(o, i)));
  return docs.join('---\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeScan(file: string, text: string, skipNetpol: boolean): Promise<{ parseMs: number; scanMs: number; findings: number }> {
  let t = performance.now();
  const n = [...objectsOfText(text, file)].length;
  const parseMs = performance.now() - t;
  t = performance.now();
  const r = await scanKubernetes([file], { skipNetpol, scanners: ['misconfig'] });
  const scanMs = performance.now() - t;
  if (r.kubernetes?.objects !== n) throw new Error(`scan saw ${r.kubernetes?.objects} objects, the parser ${n}`);
  return { parseMs, scanMs, findings: r.findings.length };
}

type ChildMode = 'parse' | 'skip' | 'netpol';

/**
 * In a child: read one generated file and either only parse it with the yaml
 * library (`parse`: every document to plain data, all kept: the baseline) or
 * scan it once; print peak RSS and heap.
 */
async function child(file: string, mode: ChildMode): Promise<void> {
  let peakHeap = 0;
  const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
  const t = performance.now();
  let objects: number | undefined;
  if (mode === 'parse') {
    const data = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
    objects = data.length;
  } else {
    const r = await scanKubernetes([file], { skipNetpol: mode === 'skip', scanners: ['misconfig'] });
    objects = r.kubernetes?.objects;
  }
  const ms = performance.now() - t;
  clearInterval(timer);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  process.stdout.write(JSON.stringify({ objects, ms: Math.round(ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), peakHeapMiB: Math.round(peakHeap / 1024 / 1024) }));
}

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den ? num / den : 0;
}

export async function benchKubernetes(repo: string, objects = 10_000): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-k8s-'));
  try {
    const text = corpusText(repo, objects);
    const file = path.join(dir, 'cluster.yaml');
    writeFileSync(file, text);
    const speed: Array<Record<string, unknown>> = [];
    for (const skipNetpol of [true, false]) {
      const runs = [];
      for (let r = 0; r < 3; r++) runs.push(await timeScan(file, text, skipNetpol));
      const parseMs = median(runs.map((x) => x.parseMs));
      const scanMs = median(runs.map((x) => x.scanMs));
      speed.push({ objects, netpol: skipNetpol ? 'skipped' : 'included', textMiB: +(text.length / 1024 / 1024).toFixed(1), parseMs: Math.round(parseMs), scanMs: Math.round(scanMs), scanOverParse: +(scanMs / parseMs).toFixed(2), findings: runs[0]!.findings });
    }
    // Memory: one fresh child per size and mode. Each scan's peak RSS is given
    // as a ratio to the peak RSS of only parsing the same file (the baseline,
    // measured in this run), and per mode the growth in MiB per 1,000 objects
    // beside the baseline's own growth.
    const sizes = [2_500, 5_000, 10_000];
    const runs: Record<ChildMode, Json[]> = { parse: [], skip: [], netpol: [] };
    for (const n of sizes) {
      const sized = path.join(dir, `cluster-${n}.yaml`);
      writeFileSync(sized, corpusText(repo, n));
      for (const mode of ['parse', 'skip', 'netpol'] as const) {
        const out = spawnSync(process.execPath, ['--max-old-space-size=8192', self, '--child', sized, mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
        if (out.status !== 0) throw new Error(`k8s bench child (${n}, ${mode}) failed: ${out.stderr}`);
        runs[mode].push(JSON.parse(out.stdout) as Json);
      }
      rmSync(sized, { force: true });
    }
    const rss = (mode: ChildMode, i: number) => runs[mode][i]!.peakRssMiB as number;
    const perThousand = (mode: ChildMode) => +slope(sizes.map((n, i) => [n / 1000, rss(mode, i)] as const)).toFixed(1);
    const growth = {
      parseMiBPer1kObjects: perThousand('parse'),
      skippedMiBPer1kObjects: perThousand('skip'),
      includedMiBPer1kObjects: perThousand('netpol'),
      skippedOverParse: +(perThousand('skip') / perThousand('parse')).toFixed(2),
      includedOverParse: +(perThousand('netpol') / perThousand('parse')).toFixed(2),
    };
    // The growth columns repeat per mode so the printed table shows them (bench/run.ts prints `memory`).
    const memory: Array<Record<string, unknown>> = [];
    for (const mode of ['skip', 'netpol'] as const) {
      for (let i = 0; i < sizes.length; i++) {
        memory.push({
          netpol: mode === 'skip' ? 'skipped' : 'included',
          ...runs[mode][i],
          parsePeakRssMiB: rss('parse', i),
          rssOverParse: +(rss(mode, i) / rss('parse', i)).toFixed(2),
          MiBPer1k: perThousand(mode),
          growthOverParse: +(perThousand(mode) / perThousand('parse')).toFixed(2),
        });
      }
    }
    const rbac = benchRbac(5000);
    const netpol = benchNetpol(2000, 500);
    return { speed, memory, growth, rbac, netpol };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4] as ChildMode);
