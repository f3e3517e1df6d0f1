/**
 * Where credentials for a registry come from, in order: explicit options
 * (`--username` + `--password-stdin`), `BULKHEAD_REGISTRY_<HOST>_USERNAME` /
 * `_PASSWORD`, `BULKHEAD_REGISTRY_USERNAME` / `_PASSWORD`, then Docker's
 * config.json (credHelpers, auths, credsStore). Looked up only when a
 * registry asks for authentication, so anonymous pulls never spawn helpers.
 * `source` says where they came from for messages; secrets never appear in
 * messages or logs.
 */
import { execFile } from 'node:child_process';
import { BulkheadError } from '../core/errors.js';
import { dockerConfigPath, dockerCredentialSource, loadDockerConfig } from './docker-config.js';
import type { RegistryOptions } from './options.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (Docker's `identitytoken`), exchanged at the token endpoint. */
  identityToken?: string;
  /** A ready bearer token (Docker's `registrytoken`). */
  registryToken?: string;
  /** Where they came from, for messages: `--username`, `env BULKHEAD_REGISTRY_USERNAME`, `docker-credential-pass`. */
  source: string;
}

/** `127.0.0.1:5000` → `127_0_0_1_5000`, for `BULKHEAD_REGISTRY_<HOST>_USERNAME`. */
export function hostEnvKey(registry: string): string {
  return registry.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export async function resolveCredentials(registry: string, options: RegistryOptions): Promise<Credentials | undefined> {
  if (options.anonymous) return undefined;
  if (options.username !== undefined || options.password !== undefined) {
    if (options.username === undefined || options.password === undefined) {
      throw new BulkheadError('USAGE', 'a registry user name needs a password and vice versa', {
        hint: 'pass both --username and --password-stdin',
      });
    }
    return { username: options.username, password: options.password, source: '--username/--password' };
  }
  const env = options.env ?? process.env;
  const perHost = `BULKHEAD_REGISTRY_${hostEnvKey(registry)}`;
  for (const prefix of [perHost, 'BULKHEAD_REGISTRY']) {
    const username = env[`${prefix}_USERNAME`];
    const password = env[`${prefix}_PASSWORD`];
    if (username !== undefined || password !== undefined) {
      if (!username || password === undefined) {
        throw new BulkheadError('USAGE', `${prefix}_USERNAME and ${prefix}_PASSWORD must be set together`, {
          hint: 'set both environment variables, or neither',
        });
      }
      return { username, password, source: `env ${prefix}_USERNAME` };
    }
  }
  const file = dockerConfigPath(options);
  const config = await loadDockerConfig(file);
  if (!config) return undefined;
  const found = dockerCredentialSource(config, registry);
  if (!found) return undefined;
  if (found.kind === 'entry') {
    const out: Credentials = { source: `docker config ${file}` };
    if (found.entry.username !== undefined) out.username = found.entry.username;
    if (found.entry.password !== undefined) out.password = found.entry.password;
    if (found.entry.identityToken) out.identityToken = found.entry.identityToken;
    if (found.entry.registryToken) out.registryToken = found.entry.registryToken;
    return out;
  }
  return runCredentialHelper(found.helper, found.serverUrl, env);
}

const HELPER_TIMEOUT_MS = 30_000;

/** `docker-credential-<helper> get`, server URL on stdin, JSON on stdout. No shell is involved. */
export function runCredentialHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      ['get'],
      { env, timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            reject(
              new BulkheadError('TOOL_MISSING', `the Docker config names credential helper ${program}, which is not installed`, {
                where: program,
                hint: `install ${program}, or remove it from credHelpers/credsStore in the Docker config`,
              }),
            );
            return;
          }
          const said = `${stdout}\n${stderr}`;
          // The helper protocol's "no such entry" answer: no credentials, not a failure.
          if (/credentials not found/i.test(said)) {
            resolve(undefined);
            return;
          }
          reject(
            new BulkheadError('REGISTRY_AUTH', `credential helper ${program} failed (${error.killed ? 'timed out' : `exit ${String((error as { code?: unknown }).code ?? '?')}`})`, {
              where: program,
              hint: `run \`echo ${serverUrl} | ${program} get\` to see why`,
            }),
          );
          return;
        }
        let answer: unknown;
        try {
          answer = JSON.parse(stdout);
        } catch {
          reject(new BulkheadError('REGISTRY_AUTH', `credential helper ${program} did not answer with JSON`, { where: program, hint: 'the helper is broken or not a Docker credential helper' }));
          return;
        }
        const a = answer as { Username?: unknown; Secret?: unknown };
        if (typeof a.Secret !== 'string' || (a.Username !== undefined && typeof a.Username !== 'string')) {
          reject(new BulkheadError('REGISTRY_AUTH', `credential helper ${program} answered without a Secret`, { where: program, hint: 'log in again with docker login' }));
          return;
        }
        const username = typeof a.Username === 'string' ? a.Username : '';
        const source = program;
        if (username === '<token>') resolve({ identityToken: a.Secret, source });
        else resolve({ username, password: a.Secret, source });
      },
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(serverUrl);
  });
}
