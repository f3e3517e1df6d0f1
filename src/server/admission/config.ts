/**
 * The admission controller's configuration file: YAML validated with zod;
 * every problem is POLICY_INVALID with file:line. Files it names (trust
 * policy, VAP manifests) are relative to the configuration file and are
 * loaded here, once, so a request never reads the disk.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';
import { SEVERITIES, type Severity } from '../../core/types.js';
import { loadAdmissionPolicies, type AdmissionPolicy } from '../../misconfig/kubernetes/cel/index.js';
import { objectsOfText, type K8sObject } from '../../misconfig/kubernetes/input/index.js';
import { isPssLevel, isPssVersion, type LevelVersion } from '../../misconfig/kubernetes/pss/index.js';
import { loadPolicy, type TrustPolicy } from '../../sign/index.js';
import { parsePlatform, type Platform } from '../../artifact/image/source.js';

export const MAX_CONFIG_BYTES = 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 8000;
/** The API server waits at most 30 s for a webhook (and 10 s by default); the deadline must stay below it. */
export const MAX_DEADLINE_MS = 29_000;

export type AdmissionMode = 'enforce' | 'warn' | 'audit';

export interface VulnerabilityGate {
  /** Deny findings more severe than this (`high` allows high, denies critical). */
  maxSeverity?: Severity;
  /** Deny a critical finding that has no fix. */
  denyUnfixedCritical: boolean;
  /**
   * When no stored scan exists and no scan on demand is possible or it fails to give one in time:
   * admit with a warning, deny, or `fail` (a failure of ours: failurePolicy decides).
   */
  unscanned: 'allow' | 'deny' | 'fail';
  /** Time budget of a scan on demand (ms); the request deadline still applies. */
  scanBudgetMs: number;
  /** The platform judged for multi-platform images: the index entry looked up on the server and scanned on demand (default linux/amd64). */
  platform?: Platform;
}

/** A Bulkhead server holding stored scan results (`bulkhead server`). */
export interface ScanServerConfig {
  /** Base URL, e.g. `http://bulkhead.bulkhead.svc:8080/`. */
  url: string;
  /** API token (viewer role is enough); from `tokenFile` or BULKHEAD_SERVER_TOKEN. */
  token?: string;
  /** Where the token came from, for messages (never the token itself). */
  tokenSource?: string;
  /** How long a stored result is reused for the same digest (0: ask every time). */
  cacheSeconds: number;
}

export interface AdmissionConfig {
  /** Where it was read from (for messages). */
  source: string;
  mode: AdmissionMode;
  failurePolicy: 'open' | 'closed';
  deadlineMs: number;
  pss: {
    /** Level and version for namespaces not listed. */
    default: LevelVersion;
    namespaces: Record<string, LevelVersion>;
    /** Use `pod-security.kubernetes.io/*` labels of the namespace when the request carries them. */
    namespaceLabels: boolean;
    exemptNamespaces: string[];
  };
  trustPolicy?: TrustPolicy;
  vulnerabilities?: VulnerabilityGate;
  /** Stored scan results for the vulnerability gate. */
  server?: ScanServerConfig;
  /** Vulnerability database folder for scans on demand (absolute), and where it was named; opened read-only at startup. */
  vulnDb?: { dir: string; where: string };
  /** Compiled ValidatingAdmissionPolicies with their bindings. */
  vap: AdmissionPolicy[];
  /** Every object of the VAP files (params live there). */
  vapObjects: K8sObject[];
  /** Registry client settings for trust checks. */
  registries: { insecure: string[]; caFile?: string };
}

const levelVersion = z
  .object({
    level: z.string().refine(isPssLevel, { message: 'must be privileged, baseline or restricted' }),
    version: z.string().refine(isPssVersion, { message: 'must be "latest" or "v1.N"' }).default('latest'),
  })
  .strict();

const severity = z.string().refine((s): s is Severity => (SEVERITIES as readonly string[]).includes(s), { message: `must be one of ${SEVERITIES.join(', ')}` });

const schema = z
  .object({
    mode: z.enum(['enforce', 'warn', 'audit']).default('enforce'),
    failurePolicy: z.enum(['open', 'closed']).default('closed'),
    deadlineMs: z.number().int().min(100).max(MAX_DEADLINE_MS).default(DEFAULT_DEADLINE_MS),
    pss: z
      .object({
        default: levelVersion.default({ level: 'baseline', version: 'latest' }),
        namespaces: z.record(z.string().min(1).max(253), levelVersion).default({}),
        namespaceLabels: z.boolean().default(true),
        exemptNamespaces: z.array(z.string().min(1).max(253)).max(1000).default([]),
      })
      .strict()
      .default({ default: { level: 'baseline', version: 'latest' }, namespaces: {}, namespaceLabels: true, exemptNamespaces: [] }),
    trustPolicy: z.string().min(1).optional(),
    vulnerabilities: z
      .object({
        maxSeverity: severity.optional(),
        denyUnfixedCritical: z.boolean().default(true),
        unscanned: z.enum(['allow', 'deny', 'fail']).default('allow'),
        scanBudgetMs: z.number().int().min(1).max(MAX_DEADLINE_MS).default(5000),
        platform: z
          .string()
          .max(100)
          .regex(/^[a-z0-9_-]+\/[a-z0-9_-]+(?:\/[a-z0-9_.-]+)?$/, { message: 'must be os/arch[/variant], e.g. linux/amd64' })
          .optional(),
      })
      .strict()
      .optional(),
    server: z
      .object({
        url: z.string().min(1).max(2048),
        tokenFile: z.string().min(1).optional(),
        cacheSeconds: z.number().int().min(0).max(3600).default(30),
      })
      .strict()
      .optional(),
    vulnDb: z.string().min(1).optional(),
    vap: z.array(z.string().min(1)).max(100).default([]),
    registries: z
      .object({ insecure: z.array(z.string().min(1)).max(100).default([]), caFile: z.string().min(1).optional() })
      .strict()
      .default({ insecure: [] }),
  })
  .strict();

function configError(message: string, where: string, hint = 'see src/server/admission/README.md for the configuration format'): BulkheadError {
  return new BulkheadError('POLICY_INVALID', message, { where, hint });
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

function readBounded(file: string): string {
  const st = statSync(file);
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}

export interface ParseConfigOptions {
  /** Name for messages (the file path). */
  source?: string;
  /** Directory relative paths are resolved against (default: the current directory). */
  baseDir?: string;
  /** Where BULKHEAD_SERVER_TOKEN is read when `server.tokenFile` is not given (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** The largest token file read (API tokens are a few dozen characters). */
const MAX_TOKEN_BYTES = 4096;

/** A server URL the gate may call: http(s), no credentials, query or fragment; always ends with `/` so API paths join under it. */
export function scanServerUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`${JSON.stringify(text.slice(0, 200))} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('must be an http:// or https:// URL');
  if (u.username || u.password) throw new Error('must not carry credentials (use tokenFile or BULKHEAD_SERVER_TOKEN)');
  if (u.search || u.hash) throw new Error('must not carry a query or a fragment');
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.toString();
}

/** A token fit for an Authorization header: printable ASCII, no spaces. */
function checkToken(token: string): string {
  if (!token) throw new Error('the token is empty');
  if (token.length > 1024 || !/^[\x21-\x7e]+$/.test(token)) throw new Error('the token must be at most 1024 printable ASCII characters without spaces');
  return token;
}

/** Parse and validate configuration text, loading the trust policy and VAP files it names. */
export function parseAdmissionConfig(text: string, options: ParseConfigOptions = {}): AdmissionConfig {
  const source = options.source ?? 'inline';
  const baseDir = options.baseDir ?? process.cwd();
  if (text.length > MAX_CONFIG_BYTES) throw configError(`the configuration is larger than ${MAX_CONFIG_BYTES} bytes`, source);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, strict: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw configError(`the configuration is not valid YAML: ${yamlError.message.split('\n')[0]}`, `${source}:${counter.linePos(yamlError.pos[0]).line}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (e) {
    throw configError(`the configuration cannot be read: ${(e as Error).message}`, `${source}:1`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw configError(`invalid admission configuration: ${field}${issue.message}`, `${source}:${lineOf(doc, counter, issue.path)}`);
  }
  const c = parsed.data;
  const at = (path: PropertyKey[]) => `${source}:${lineOf(doc, counter, path)}`;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

  let trustPolicy: TrustPolicy | undefined;
  if (c.trustPolicy) {
    try {
      trustPolicy = loadPolicy(abs(c.trustPolicy));
    } catch (e) {
      if (e instanceof BulkheadError) throw configError(`trustPolicy: ${e.message}`, e.where ?? at(['trustPolicy']), e.hint);
      throw e;
    }
  }

  const vapObjects: K8sObject[] = [];
  c.vap.forEach((file, i) => {
    const path = abs(file);
    let content: string;
    try {
      content = readBounded(path);
    } catch (e) {
      throw configError(`vap[${i}]: cannot read ${path}: ${(e as Error).message}`, at(['vap', i]), 'give ValidatingAdmissionPolicy manifests (YAML or JSON)');
    }
    try {
      vapObjects.push(...objectsOfText(content, path));
    } catch (e) {
      if (e instanceof BulkheadError) throw configError(`vap[${i}]: ${e.message}`, e.where ?? at(['vap', i]), e.hint);
      throw e;
    }
  });
  const vap = vapObjects.length ? loadAdmissionPolicies(vapObjects) : [];

  let server: ScanServerConfig | undefined;
  if (c.server) {
    let url: string;
    try {
      url = scanServerUrl(c.server.url);
    } catch (e) {
      throw configError(`server.url: ${(e as Error).message}`, at(['server', 'url']), 'e.g. server: { url: http://bulkhead.bulkhead.svc:8080 }');
    }
    let token: string | undefined;
    let tokenSource: string | undefined;
    if (c.server.tokenFile) {
      tokenSource = abs(c.server.tokenFile);
      try {
        const st = statSync(tokenSource);
        if (!st.isFile()) throw new Error('not a regular file');
        if (st.size > MAX_TOKEN_BYTES) throw new Error(`larger than ${MAX_TOKEN_BYTES} bytes`);
        token = checkToken(readFileSync(tokenSource, 'utf8').trim());
      } catch (e) {
        throw configError(`server.tokenFile: cannot use ${tokenSource}: ${(e as Error).message}`, at(['server', 'tokenFile']), 'mount the API token (viewer role) as a file, e.g. from a Secret');
      }
    } else {
      const fromEnv = (options.env ?? process.env)['BULKHEAD_SERVER_TOKEN']?.trim();
      if (fromEnv) {
        tokenSource = 'BULKHEAD_SERVER_TOKEN';
        try {
          token = checkToken(fromEnv);
        } catch (e) {
          throw configError(`BULKHEAD_SERVER_TOKEN: ${(e as Error).message}`, at(['server']), 'set it to a Bulkhead API token (viewer role)');
        }
      }
    }
    server = { url, cacheSeconds: c.server.cacheSeconds, ...(token ? { token, tokenSource: tokenSource! } : {}) };
  }
  if (c.vap.length && !vap.some((p) => p.bindings.length)) {
    throw configError('vap: the files hold no ValidatingAdmissionPolicy with a binding', at(['vap']), 'add a ValidatingAdmissionPolicyBinding for each policy');
  }

  return {
    source,
    mode: c.mode,
    failurePolicy: c.failurePolicy,
    deadlineMs: c.deadlineMs,
    pss: {
      default: c.pss.default as LevelVersion,
      namespaces: c.pss.namespaces as Record<string, LevelVersion>,
      namespaceLabels: c.pss.namespaceLabels,
      exemptNamespaces: c.pss.exemptNamespaces,
    },
    ...(trustPolicy ? { trustPolicy } : {}),
    ...(c.vulnerabilities ? { vulnerabilities: vulnerabilityGateOf(c.vulnerabilities) } : {}),
    ...(server ? { server } : {}),
    ...(c.vulnDb ? { vulnDb: { dir: abs(c.vulnDb), where: at(['vulnDb']) } } : {}),
    vap,
    vapObjects,
    registries: { insecure: c.registries.insecure, ...(c.registries.caFile ? { caFile: abs(c.registries.caFile) } : {}) },
  };
}

function vulnerabilityGateOf(v: { maxSeverity?: string; denyUnfixedCritical: boolean; unscanned: VulnerabilityGate['unscanned']; scanBudgetMs: number; platform?: string | undefined }): VulnerabilityGate {
  const { platform, ...rest } = v;
  return { ...(rest as Omit<VulnerabilityGate, 'platform'>), ...(platform ? { platform: parsePlatform(platform) } : {}) };
}

/** Read a configuration file; paths in it are relative to it. */
export function loadAdmissionConfig(file: string, options: Pick<ParseConfigOptions, 'env'> = {}): AdmissionConfig {
  let text: string;
  try {
    text = readBounded(file);
  } catch (e) {
    throw configError(`cannot read the admission configuration: ${(e as Error).message}`, file, 'check the --config path');
  }
  return parseAdmissionConfig(text, { source: file, baseDir: dirname(resolve(file)), ...options });
}
