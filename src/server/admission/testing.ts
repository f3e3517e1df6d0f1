/**
 * Test helpers: TLS material from deploy/admission/gen-certs.sh (the script
 * we ship, so the tests exercise it), a client that POSTs a review over
 * HTTPS trusting only that CA, and the recorded reviews in testdata/.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadAdmissionConfig, type AdmissionConfig } from './config.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const GEN_CERTS = path.resolve(here, '../../../deploy/admission/gen-certs.sh');
export const TESTDATA = path.join(here, 'testdata');

export interface TestTls {
  dir: string;
  ca: string;
  cert: string;
  key: string;
  webhookYaml: string;
}

export async function makeTls(): Promise<TestTls> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-admission-tls-'));
  await run('bash', [GEN_CERTS, '--out', dir, '--san', 'IP:127.0.0.1', '--san', 'DNS:localhost', '--days', '2']);
  return {
    dir,
    ca: await readFile(path.join(dir, 'ca.crt'), 'utf8'),
    cert: path.join(dir, 'tls.crt'),
    key: path.join(dir, 'tls.key'),
    webhookYaml: await readFile(path.join(dir, 'webhook.rendered.yaml'), 'utf8'),
  };
}

export interface Posted {
  status: number;
  body: string;
  json?: { apiVersion: string; kind: string; response: { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[]; auditAnnotations?: Record<string, string> } };
}

/** POST `body` to `<url>/validate` as the API server does, trusting only `ca`. */
export function post(url: string, ca: string, body: unknown, options: { path?: string; contentType?: string } = {}): Promise<Posted> {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${url}${options.path ?? '/validate?timeout=10s'}`,
      { method: 'POST', ca, headers: { 'content-type': options.contentType ?? 'application/json', accept: 'application/json, */*' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Posted['json'];
          if (String(res.headers['content-type']).startsWith('application/json')) json = JSON.parse(text) as Posted['json'];
          resolve({ status: res.statusCode ?? 0, body: text, ...(json ? { json } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Recorded JSON that tests edit freely (`r.request.object.spec.containers[0].image = …`): typing every
 * path of a Kubernetes object here would only restate the fixtures.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Editable = any;

/** A recorded review from testdata/, as a fresh mutable copy. */
export function review(name: string): Record<string, Editable> {
  return JSON.parse(readFileSync(path.join(TESTDATA, name), 'utf8')) as Record<string, Editable>;
}

/** Write `yaml` as admission.yaml (plus other files) in a fresh directory and load it. */
export async function configOf(yaml: string, files: Record<string, string> = {}): Promise<AdmissionConfig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-admission-config-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  await writeFile(path.join(dir, 'admission.yaml'), yaml);
  return loadAdmissionConfig(path.join(dir, 'admission.yaml'));
}
