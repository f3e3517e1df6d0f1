/**
 * Test helpers: a client that POSTs as kube-apiserver's webhook backend does
 * (HTTP, or HTTPS trusting only the given CA), audit events built from the
 * fixtures the replay tests use, and the Falco k8s audit rules (test data).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit } from '../rules/testdata/events.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const K8S_AUDIT_RULES = path.resolve(here, '../rules/testdata/upstream/k8s_audit_rules.yaml');
export const k8sAuditRuleFile = () => ({ path: 'k8s_audit_rules.yaml', text: readFileSync(K8S_AUDIT_RULES, 'utf8') });

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface PostOptions {
  ca?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Send the body in chunks (no content-length). */
  chunked?: boolean;
}

/** POST `body` (a value is sent as JSON); resolves with the answer even when the server closes while the body is still being sent. */
export function postAudit(url: string, body: unknown, options: PostOptions = {}): Promise<Answer> {
  const data = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  if (!options.chunked) headers['content-length'] = String(data.length);
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = client.request(url, { method: 'POST', headers, ...(options.ca ? { ca: options.ca } : {}), agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (options.chunked) {
      for (let i = 0; i < data.length; i += 64 * 1024) req.write(data.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(data);
  });
}

/** The status line of the answer to raw request `head` (headers only, no body sent). */
export function rawRequest(url: string, head: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => socket.write(head));
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.slice(0, text.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

/** audit.k8s.io/v1 Events: the k8s audit cases of the replay and upstream rule tests, some raising alerts, some not. */
export function auditFixtures(): Record<string, unknown>[] {
  const pod = (privileged: boolean) =>
    audit({ objectRef: { resource: 'pods', namespace: 'default', name: 'p' }, requestObject: { spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged } }] } } });
  const bind = (role: string) => audit({ objectRef: { resource: 'clusterrolebindings', name: 'b' }, requestObject: { roleRef: { name: role }, subjects: [{ name: 'mallory' }] } });
  return [
    pod(true),
    pod(false),
    audit({ stage: 'ResponseStarted', verb: 'create', requestURI: '/api/v1/namespaces/default/pods/p/exec?command=sh', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'p' } }),
    bind('cluster-admin'),
    bind('view'),
    audit({ verb: 'get' }),
    audit({ objectRef: { resource: 'pods', subresource: 'exec' }, user: { username: 'eve' } }),
  ].map((e, i) => ({ ...e.event, auditID: `f2c0f3e6-1111-4d6b-9a77-5e3b9e2f${String(i).padStart(4, '0')}` }));
}

/** An EventList as kube-apiserver sends it: the items without their own apiVersion and kind. */
export const eventList = (items: Record<string, unknown>[]) => ({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'EventList',
  metadata: {},
  items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
});
