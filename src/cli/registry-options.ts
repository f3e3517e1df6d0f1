/** Registry flags (`--username`, `--password-stdin`, `--insecure-registry`, `--ca-file`) → the client's options. */
import path from 'node:path';
import { BulkheadError } from '../core/errors.js';
import { readStdinText } from '../core/stdin.js';
import { MAX_INPUT_BYTES } from '../misconfig/kubernetes/input/index.js';
import type { RegistryOptions } from '../registry/index.js';
import type { FlagValues } from './flags.js';

export async function registryOptionsFrom(flags: FlagValues, cwd: string, env: NodeJS.ProcessEnv, readStdin: () => Promise<string>): Promise<RegistryOptions> {
  const options: RegistryOptions = { env };
  if (typeof flags.username === 'string') options.username = flags.username;
  if (flags['password-stdin'] === true) {
    if (!options.username) throw new BulkheadError('USAGE', '--password-stdin needs --username', { hint: 'e.g. echo "$TOKEN" | bulkhead image --username ci --password-stdin registry.example/app:1.2' });
    const password = (await readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new BulkheadError('USAGE', '--password-stdin read an empty password', { hint: 'pipe the password in on stdin' });
    options.password = password;
  }
  if (Array.isArray(flags['insecure-registry'])) options.insecureRegistries = flags['insecure-registry'];
  if (typeof flags['ca-file'] === 'string') options.caFile = path.resolve(cwd, flags['ca-file']);
  return options;
}

/** stdin for `-` inputs and passwords: the same bound as any Kubernetes input file. */
export const readAllStdin = (): Promise<string> => readStdinText(MAX_INPUT_BYTES);

/** Repeatable options (`--key a --key b`) for commander. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Resolve on Ctrl-C or SIGTERM (long-running commands stop cleanly). */
export const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
