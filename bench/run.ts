/**
 * Scan-speed benchmark. Every figure is a ratio against a baseline measured in
 * the same run on the same machine, never an absolute time:
 *   cold ratio = cold scan time ÷ time of `gzip -dc` over the same layer blobs
 *   warm ratio = warm scan time (layer cache filled) ÷ cold scan time
 * plus peak RSS of each scan, and RSS on synthetic images of growing size to
 * show memory stays flat; and the Dockerfile checks over a 1,000-file corpus
 * (bench/dockerfile.ts); secret scanning (bench/secrets.ts); the vulnerability
 * database import and the match phase (bench/vulndb.ts). Usage: npm run bench [-- --large-mb 2048] [-- --only images|dockerfile|secrets|vulndb|runtime|k8s] [-- --secrets-mb 1024]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { benchDockerfiles } from './dockerfile.js';
import { benchSecrets } from './secrets.js';
import { benchVulnDb } from './vulndb.js';
import { benchKubernetes } from './k8s.js';
import { benchRuleEngineSection, benchSensorSection } from './runtime.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const shared = path.resolve(repo, '../shared/fixtures/images/oci');
const child = path.join(here, 'child.js');
const args = process.argv.slice(2);
const largeMb = Number(args[args.indexOf('--large-mb') + 1] ?? 0) || 2048;
const repeats = 3;

interface ChildResult {
  ms: number;
  maxRssKiB: number;
  packages: number;
  layersRead: number;
}

function scanOnce(reference: string, cacheDir: string): ChildResult {
  const out = spawnSync(process.execPath, [child, reference, cacheDir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (out.status !== 0) throw new Error(`scan of ${reference} failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as ChildResult;
}

function gunzipMs(blobs: string[]): number {
  const started = process.hrtime.bigint();
  for (const b of blobs) execFileSync('sh', ['-c', 'gzip -dc "$1" > /dev/null', 'sh', b]);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function layerBlobs(layoutDir: string, tag: string): string[] {
  const index = JSON.parse(readFileSync(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  const m = index.manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === tag) ?? index.manifests[0]!;
  const manifest = JSON.parse(readFileSync(path.join(layoutDir, 'blobs/sha256', m.digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((l) => path.join(layoutDir, 'blobs/sha256', l.digest.slice(7)));
}

function measure(label: string, reference: string, blobs: string[]) {
  const gz: number[] = [];
  const cold: ChildResult[] = [];
  const warm: ChildResult[] = [];
  for (let i = 0; i < repeats; i++) {
    gz.push(gunzipMs(blobs));
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'bulkhead-bench-cache-'));
    cold.push(scanOnce(reference, cacheDir));
    warm.push(scanOnce(reference, cacheDir));
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const g = median(gz);
  const c = median(cold.map((r) => r.ms));
  const w = median(warm.map((r) => r.ms));
  return {
    image: label,
    packages: cold[0]!.packages,
    gunzipMs: Math.round(g),
    coldMs: Math.round(c),
    warmMs: Math.round(w),
    coldOverGunzip: +(c / g).toFixed(2),
    warmOverCold: +(w / c).toFixed(3),
    warmLayersRead: warm[0]!.layersRead,
    coldPeakRssMiB: Math.round(Math.max(...cold.map((r) => r.maxRssKiB)) / 1024),
    warmPeakRssMiB: Math.round(Math.max(...warm.map((r) => r.maxRssKiB)) / 1024),
  };
}

/** A synthetic image of about `mb` MiB: files of incompressible data plus a package list, one gzip'd layer. */
async function syntheticLayout(mb: number): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), `bulkhead-bench-${mb}mb-`));
  mkdirSync(path.join(dir, 'blobs/sha256'), { recursive: true });
  const tmpBlob = path.join(dir, 'layer.tmp');
  const pack = tar.pack();
  const diff = createHash('sha256');
  const blobHash = createHash('sha256');
  const gzip = createGzip({ level: 1 });
  pack.on('data', (c: unknown) => diff.update(c as Buffer));
  gzip.on('data', (c: Buffer) => blobHash.update(c));
  const done = pipeline(pack, gzip, createWriteStream(tmpBlob));
  const chunk = randomBytes(1 << 20);
  const fileMb = 64;
  for (let f = 0; f * fileMb < mb; f++) {
    const size = Math.min(fileMb, mb - f * fileMb) << 20;
    const entry = pack.entry({ name: `data/blob-${f}.bin`, size, mode: 0o644 });
    for (let written = 0; written < size; written += chunk.length) {
      if (!entry.write(chunk.subarray(0, Math.min(chunk.length, size - written)))) await new Promise<void>((r) => entry.once('drain', () => r()));
    }
    (entry as unknown as NodeJS.WritableStream).end();
  }
  pack.entry({ name: 'usr/lib/node_modules/left-pad/package.json' }, JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }));
  pack.finalize();
  await done;
  const blobDigest = blobHash.digest('hex');
  const { renameSync, statSync } = await import('node:fs');
  renameSync(tmpBlob, path.join(dir, 'blobs/sha256', blobDigest));
  const put = (obj: unknown) => {
    const b = Buffer.from(JSON.stringify(obj));
    const h = createHash('sha256').update(b).digest('hex');
    writeFileSync(path.join(dir, 'blobs/sha256', h), b);
    return { digest: `sha256:${h}`, size: b.length };
  };
  const config = put({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${diff.digest('hex')}`] }, history: [{ created_by: 'synthetic' }] });
  const manifest = put({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${blobDigest}`, size: statSync(path.join(dir, 'blobs/sha256', blobDigest)).size }],
  });
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'synthetic' } }] }));
  return dir;
}

const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const sections: Record<string, unknown> = {};
if (!only || only === 'dockerfile') {
  sections.dockerfile = benchDockerfiles(repo);
  console.log('Dockerfile checks (1,000 files, ratio to dockerfile-ast parsing alone):');
  console.table([sections.dockerfile]);
}
if (!only || only === 'secrets') {
  const secretMb = Number(args[args.indexOf('--secrets-mb') + 1] ?? 0) || 1024;
  sections.secrets = await benchSecrets(secretMb);
  console.log(`Secret scanning of a ${secretMb} MiB source tree (ratio to reading the same files):`);
  console.table([sections.secrets]);
}
if ((!only || only === 'vulndb') && existsSync(path.join(repo, '../shared/vulndata-bulk'))) {
  sections.vulndb = await benchVulnDb(path.join(repo, '../shared'));
  console.log('Vulnerability database import (÷ read + JSON.parse) and matching (÷ taking the inventory):');
  console.table(sections.vulndb);
}
if (!only || only === 'runtime') {
  sections.ruleEngine = benchRuleEngineSection(repo);
  console.log('Rule engine: official Falco rules + defaults over 200,000 events, per CPU second (÷ JSON.parse + walk of the same events):');
  console.table([sections.ruleEngine]);
  sections.sensor = await benchSensorSection();
  console.log('eBPF sensor: 20,000 execs of /bin/true, without and with tracing:');
  console.table([sections.sensor]);
}
if (!only || only === 'k8s') {
  const k8s = await benchKubernetes(repo);
  sections.k8s = k8s;
  console.log('Kubernetes scan of 10,000 corpus objects (ratio to parsing the same YAML alone), memory by size, RBAC and NetworkPolicy:');
  console.table(k8s.speed);
  console.table(k8s.memory);
  console.table([k8s.rbac]);
  console.table([k8s.netpol]);
}
const rows: Array<Record<string, unknown>> = [];
const images: Array<[string, string, string[]]> = [];
if (existsSync(shared)) {
  for (const tag of ['debian-bookworm', 'app-python', 'app-node']) images.push([tag, `oci:${shared}:${tag}`, layerBlobs(shared, tag)]);
} else {
  const example = path.join(repo, 'examples/image');
  images.push(['example', `oci:${example}:example`, layerBlobs(example, 'example')]);
}
if (!only || only === 'images') for (const [label, ref, blobs] of images) rows.push(measure(label, ref, blobs));
for (const mb of !only || only === 'images' ? [Math.max(64, Math.round(largeMb / 16)), largeMb] : []) {
  const dir = await syntheticLayout(mb);
  try {
    rows.push(measure(`synthetic-${mb}MiB`, `oci:${dir}:synthetic`, layerBlobs(dir, 'synthetic')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (rows.length) console.table(rows);
const outDir = path.join(repo, 'bench/results');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows, ...sections }, null, 2)}\n`);
console.log(`written to ${path.join(outDir, 'latest.json')}`);
