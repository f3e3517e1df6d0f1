/** Kubeconfig credentials and Kubernetes Secret manifests (BH-SEC-090, 091). */
import type { ExpandedValue, SecretRule } from '../rule.js';
import { baseName, decodeBase64, isPrintable } from '../rule.js';
import { defineRule } from './define.js';

const KUBECONFIG_NAMES = new Set(['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf']);

/** Paths kubectl and kubeadm keep kubeconfigs at. */
export function isKubeconfigPath(path: string): boolean {
  const b = baseName(path);
  if (b === 'config' && path.endsWith('/.kube/config')) return true;
  if (b.endsWith('kubeconfig') || b.endsWith('.kubeconfig')) return true;
  return KUBECONFIG_NAMES.has(b) && path.includes('/kubernetes/');
}

/** Manifests larger than this are not read (a Secret manifest is a few KB). */
const MAX_MANIFEST_CHARS = 2 * 1024 * 1024;
/** How far (in lines) a `data:` block looks for the `kind` of its object. */
const MAX_SCOPE_LINES = 2000;
const MAX_BLOCKS = 100;
const MAX_VALUES = 200;

interface Line {
  text: string;
  offset: number;
  /** Column of the content: leading spaces, plus 2 after a list dash (`- kind: Secret`). */
  indent: number;
  /** Starts a list item (`- …`). */
  dash: boolean;
  blank: boolean;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const t = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^( *)(- +)?/.exec(t)!;
    const rest = t.slice(m[0].length);
    out.push({ text: t, offset, indent: m[0].length, dash: m[2] !== undefined, blank: rest === '' || rest.startsWith('#') });
    offset += raw.length + 1;
  }
  return out;
}

/** The value of `key` among the siblings of line `at` (same mapping, same indent), or undefined. */
function siblingValue(lines: Line[], from: number, to: number, at: number, key: string): string | undefined {
  const indent = lines[at]!.indent;
  const re = new RegExp(`^ *(?:- +)?${key}[ \\t]*:[ \\t]*["']?([^"'#\\s]*)`);
  const test = (i: number): string | undefined => {
    const l = lines[i]!;
    return l.indent === indent ? re.exec(l.text)?.[1] : undefined;
  };
  // Backwards to the start of the mapping (a shallower line, or the dash that opens this list item).
  if (!lines[at]!.dash) {
    for (let i = at - 1, n = 0; i >= from && n < MAX_SCOPE_LINES; i--, n++) {
      const l = lines[i]!;
      if (l.blank) continue;
      if (l.indent < indent) break;
      if (l.indent === indent) {
        const v = test(i);
        if (v !== undefined) return v;
        if (l.dash) break;
      }
    }
  }
  for (let i = at + 1, n = 0; i < to && n < MAX_SCOPE_LINES; i++, n++) {
    const l = lines[i]!;
    if (l.blank) continue;
    if (l.indent < indent || (l.indent === indent && l.dash)) break;
    if (l.indent === indent) {
      const v = test(i);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

function unquote(v: string): string {
  if (v.startsWith('"')) {
    const end = v.lastIndexOf('"');
    const body = end > 0 ? v.slice(0, end + 1) : `${v}"`;
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'string' ? parsed : body.slice(1, -1);
    } catch {
      return body.slice(1, -1);
    }
  }
  if (v.startsWith("'")) {
    const end = v.lastIndexOf("'");
    return (end > 0 ? v.slice(1, end) : v.slice(1)).replace(/''/g, "'");
  }
  const comment = v.search(/\s#/);
  return (comment >= 0 ? v.slice(0, comment) : v).trim();
}

const ENTRY = /^ *(["']?)([-._A-Za-z0-9]{1,253})\1[ \t]*:(?:[ \t]+(.*))?$/;

/** Entries of the `data:` / `stringData:` block opening at line `at`. */
function blockEntries(lines: Line[], at: number, to: number, field: 'data' | 'stringData', out: ExpandedValue[]): void {
  const parent = lines[at]!.indent;
  let entryIndent = -1;
  for (let i = at + 1; i < to && out.length < MAX_VALUES; i++) {
    const l = lines[i]!;
    if (l.blank) continue;
    if (l.indent <= parent) break;
    if (entryIndent < 0) entryIndent = l.indent;
    if (l.indent !== entryIndent) continue;
    const m = ENTRY.exec(l.text);
    if (!m) continue;
    const key = m[2]!;
    const rawValue = (m[3] ?? '').trim();
    let value: string;
    let offset = l.offset + l.text.length - (m[3] ?? '').trimStart().length;
    if (/^[|>][-+0-9]*$/.test(rawValue)) {
      // Block scalar: the following deeper lines.
      const parts: string[] = [];
      let j = i + 1;
      for (; j < to; j++) {
        const b = lines[j]!;
        if (b.text.trim() !== '' && b.indent <= entryIndent) break;
        parts.push(b.text.trim());
      }
      if (i + 1 < to) offset = lines[i + 1]!.offset + lines[i + 1]!.indent;
      value = field === 'data' ? parts.join('') : parts.join('\n').trim();
      i = j - 1;
    } else {
      value = unquote(rawValue);
    }
    if (!value.trim() || value.startsWith('{') || value.startsWith('[')) continue;
    let text: string | null = value;
    if (field === 'data') {
      const bytes = decodeBase64(value);
      if (!bytes) continue; // not base64: not a Secret value
      text = isPrintable(bytes) ? bytes.toString('utf8') : null;
    }
    out.push({ offset, raw: value, text, label: `${field}.${key}` });
  }
}

const BLOCK = /^ *(?:- +)?(data|stringData)[ \t]*:[ \t]*(?:#.*)?$/;

function yamlSecretValues(text: string, out: ExpandedValue[]): void {
  const lines = splitLines(text);
  let blocks = 0;
  let docStart = 0;
  for (let i = 0; i <= lines.length && blocks < MAX_BLOCKS; i++) {
    const end = i === lines.length || /^(?:---|\.\.\.)(?:\s|$)/.test(lines[i]!.text);
    if (!end) continue;
    for (let j = docStart; j < i && blocks < MAX_BLOCKS; j++) {
      const m = BLOCK.exec(lines[j]!.text);
      if (!m) continue;
      blocks++;
      if (siblingValue(lines, docStart, i, j, 'kind') === 'Secret') blockEntries(lines, j, i, m[1] as 'data' | 'stringData', out);
    }
    docStart = i + 1;
  }
}

/** JSON manifests: Secret objects (also inside a List's `items`), values located by their key. */
function jsonSecretValues(text: string, out: ExpandedValue[]): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return;
  }
  let cursor = 0;
  const visit = (node: unknown, depth: number): void => {
    if (depth > 8 || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node.slice(0, 1000)) visit(item, depth + 1);
      return;
    }
    const obj = node as Record<string, unknown>;
    if (obj.kind !== 'Secret') {
      visit(obj.items, depth + 1);
      return;
    }
    for (const field of ['data', 'stringData'] as const) {
      const block = obj[field];
      if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
      for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
        if (typeof value !== 'string' || !value.trim() || out.length >= MAX_VALUES) continue;
        const at = text.indexOf(JSON.stringify(key), cursor);
        if (at >= 0) cursor = at;
        let decoded: string | null = value;
        if (field === 'data') {
          const bytes = decodeBase64(value);
          if (!bytes) continue;
          decoded = isPrintable(bytes) ? bytes.toString('utf8') : null;
        }
        out.push({ offset: Math.max(at, 0), raw: value, text: decoded, label: `${field}.${key}` });
      }
    }
  };
  visit(doc, 0);
}

/** The `data` (decoded) and `stringData` values of every Secret object in a YAML or JSON manifest. */
export function kubernetesSecretValues(text: string): ExpandedValue[] {
  if (text.length > MAX_MANIFEST_CHARS) return [];
  const out: ExpandedValue[] = [];
  if (text.trimStart().startsWith('{')) jsonSecretValues(text, out);
  else yamlSecretValues(text, out);
  return out;
}

export const kubernetesRules: readonly SecretRule[] = [
  defineRule({
    n: 90,
    title: 'Credential in a kubeconfig',
    severity: 'critical',
    grants: 'access to the Kubernetes cluster as the kubeconfig user (often cluster-admin)',
    issuer: 'the cluster (revoke the token, rotate the client certificate or reissue the service account token)',
    keywords: ['client-key-data', 'token:', 'password:', 'client-secret', 'id-token', 'refresh-token'],
    fileFilter: (lower, path) => isKubeconfigPath(path) || (/^kind:[ \t]*["']?config["']?[ \t]*$/m.test(lower) && lower.includes('users:')),
    regex:
      /^[ \t]*(?:- )?(?<field>client-key-data|token|password|client-secret|id-token|refresh-token)[ \t]*:[ \t]*["']?(?<secret>[^\s"'#]{8,65536})/m,
    verify: (secret, { match }) => {
      if (match.groups?.field !== 'client-key-data') return secret;
      const pem = decodeBase64(secret);
      const text = pem && isPrintable(pem) ? pem.toString('utf8') : '';
      return text.includes('PRIVATE KEY-----') ? text.trim() : null;
    },
  }),
  defineRule({
    n: 91,
    title: 'Kubernetes Secret with inline data',
    severity: 'medium',
    grants: 'whatever the Secret holds (its values are only base64-encoded, not encrypted)',
    issuer: 'the system the value belongs to',
    remediation:
      'Rotate the values, keep Secret manifests out of images and repositories (create them at deploy time, or use sealed or external secrets), and rebuild so no layer contains the manifest.',
    refs: ['gitleaks:kubernetes-secret-yaml'],
    keywords: ['kind: secret', "kind: 'secret'", 'kind: "secret"', '"kind": "secret"', '"kind":"secret"'],
    regex: /kind["']?[ \t]*:[ \t]*["']?Secret["']?/,
    expand: kubernetesSecretValues,
  }),
];
