/**
 * Docker's client configuration (`~/.docker/config.json`, or
 * `$DOCKER_CONFIG/config.json`): `auths` entries (base64 `auth`,
 * `username`/`password`, `identitytoken`, `registrytoken`), and credential
 * helpers (`credHelpers` per registry, `credsStore` for all) that are
 * separate programs `docker-credential-<name>`. The file may be written by
 * anyone, so it is parsed defensively and helper names are checked before
 * they become part of a program name.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BulkheadError } from '../core/errors.js';
import { isDockerHub } from './options.js';

export interface DockerAuthEntry {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface DockerConfig {
  auths: Map<string, DockerAuthEntry>;
  credHelpers: Map<string, string>;
  credsStore?: string;
}

/** The key Docker uses for Docker Hub in config.json and with credential helpers. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

const MAX_CONFIG_BYTES = 1024 * 1024;

const entrySchema = z
  .object({
    auth: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    identitytoken: z.string().optional(),
    registrytoken: z.string().optional(),
  })
  .passthrough();

const configSchema = z
  .object({
    auths: z.record(z.string(), z.union([entrySchema, z.null()])).optional(),
    credHelpers: z.record(z.string(), z.string()).optional(),
    credsStore: z.string().optional(),
  })
  .passthrough();

/** A helper name becomes `docker-credential-<name>`: no path separators, no option-looking names. */
export function isValidHelperName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
}

/** `https://reg.example:5000/v1/` → `reg.example:5000`; Docker Hub aliases → `docker.io`. */
export function normalizeRegistryKey(key: string): string {
  let k = key.trim().toLowerCase();
  k = k.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  return isDockerHub(k) ? 'docker.io' : k;
}

function decodeAuth(auth: string, where: string): { username: string; password: string } {
  const text = Buffer.from(auth.trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new BulkheadError('CONFIG_FILE_INVALID', 'an `auth` entry in the Docker config is not base64 of "user:password"', {
      where,
      hint: 'log in again (docker login) or fix the entry',
    });
  }
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Parse config.json text; `where` names the file in errors. */
export function parseDockerConfig(text: string, where: string): DockerConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BulkheadError('CONFIG_FILE_INVALID', `the Docker config is not valid JSON (${(e as Error).message})`, {
      where,
      hint: 'fix or remove the file, or point DOCKER_CONFIG elsewhere',
    });
  }
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BulkheadError('CONFIG_FILE_INVALID', `the Docker config is malformed: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`, {
      where,
      hint: 'fix or remove the file, or point DOCKER_CONFIG elsewhere',
    });
  }
  const config: DockerConfig = { auths: new Map(), credHelpers: new Map() };
  for (const [key, entry] of Object.entries(parsed.data.auths ?? {})) {
    if (!entry) continue;
    const out: DockerAuthEntry = {};
    if (entry.auth) Object.assign(out, decodeAuth(entry.auth, `${where} auths."${key}"`));
    if (entry.username !== undefined && out.username === undefined) out.username = entry.username;
    if (entry.password !== undefined && out.password === undefined) out.password = entry.password;
    if (entry.identitytoken) out.identityToken = entry.identitytoken;
    if (entry.registrytoken) out.registryToken = entry.registrytoken;
    const norm = normalizeRegistryKey(key);
    // An exact host key wins over a URL-shaped one for the same host.
    if (!config.auths.has(norm) || !key.includes('/')) config.auths.set(norm, out);
  }
  for (const [key, helper] of Object.entries(parsed.data.credHelpers ?? {})) {
    if (!isValidHelperName(helper)) {
      throw new BulkheadError('CONFIG_FILE_INVALID', `credential helper name "${helper.slice(0, 64)}" is not a plain program suffix`, {
        where: `${where} credHelpers."${key}"`,
        hint: 'a helper is named like "pass" or "ecr-login" (for docker-credential-pass)',
      });
    }
    config.credHelpers.set(normalizeRegistryKey(key), helper);
  }
  const store = parsed.data.credsStore;
  if (store !== undefined && store !== '') {
    if (!isValidHelperName(store)) {
      throw new BulkheadError('CONFIG_FILE_INVALID', `credsStore "${store.slice(0, 64)}" is not a plain program suffix`, {
        where: `${where} credsStore`,
        hint: 'a credential store is named like "desktop", "pass" or "secretservice"',
      });
    }
    config.credsStore = store;
  }
  return config;
}

export function dockerConfigPath(options: { dockerConfigDir?: string; env?: NodeJS.ProcessEnv }): string {
  const env = options.env ?? process.env;
  const dir = options.dockerConfigDir ?? env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** Read the Docker config; undefined when there is none. */
export async function loadDockerConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_CONFIG_BYTES) {
      throw new BulkheadError('CONFIG_FILE_INVALID', `the Docker config is ${buf.length} bytes, more than the ${MAX_CONFIG_BYTES} allowed`, { where: file });
    }
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof BulkheadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new BulkheadError('CONFIG_FILE_INVALID', `cannot read the Docker config (${code ?? (e as Error).message})`, {
      where: file,
      hint: 'fix its permissions or point DOCKER_CONFIG elsewhere',
    });
  }
  return parseDockerConfig(text, file);
}

/** The server URL a credential helper is asked about for `registry`. */
export function helperServerUrl(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_KEY : registry;
}

export type DockerCredentialSource =
  | { kind: 'helper'; helper: string; serverUrl: string }
  | { kind: 'entry'; entry: DockerAuthEntry }
  | undefined;

/** Where Docker would look for `registry`'s credentials: credHelpers, then a filled auths entry, then credsStore. */
export function dockerCredentialSource(config: DockerConfig, registry: string): DockerCredentialSource {
  const key = normalizeRegistryKey(registry);
  const helper = config.credHelpers.get(key);
  if (helper) return { kind: 'helper', helper, serverUrl: helperServerUrl(key) };
  const entry = config.auths.get(key);
  if (entry && (entry.username !== undefined || entry.identityToken || entry.registryToken)) return { kind: 'entry', entry };
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverUrl: helperServerUrl(key) };
  return undefined;
}
