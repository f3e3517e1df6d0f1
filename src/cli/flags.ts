/**
 * The one typed flag registry. Each flag is a command-line option, a
 * `BULKHEAD_*` environment variable and a key of the config file
 * (`bulkhead.yaml`), and the CLI reference in docs/ is generated from it.
 * Precedence: command line, then environment, then config file, then default.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BulkheadError } from '../core/errors.js';

export type FlagType = 'string' | 'boolean' | 'number' | 'list';

export interface FlagSpec {
  /** Long option name without dashes; also the config key. */
  name: string;
  short?: string;
  type: FlagType;
  description: string;
  default?: string | boolean | number | string[];
  choices?: readonly string[];
  /** Placeholder in help output. */
  arg?: string;
  /** Flags shared by a group of commands. */
  group: 'global' | 'scan' | 'image' | 'report' | 'cache' | 'db' | 'dockerfile' | 'registry' | 'k8s' | 'submit' | 'attest';
}

export const FORMATS = ['table', 'json', 'cyclonedx', 'spdx-json', 'sarif', 'junit', 'markdown'] as const;

export const FLAGS: readonly FlagSpec[] = [
  { name: 'config', type: 'string', arg: 'file', group: 'global', description: 'config file with flag values as keys', default: 'bulkhead.yaml' },
  { name: 'quiet', short: 'q', type: 'boolean', group: 'global', description: 'no progress display and no notices on stderr', default: false },
  { name: 'debug', type: 'boolean', group: 'global', description: 'print stack traces and internal details of errors', default: false },
  { name: 'no-color', type: 'boolean', group: 'global', description: 'plain text without ANSI colours (also NO_COLOR)', default: false },
  { name: 'timeout', type: 'number', arg: 'seconds', group: 'global', description: 'give up after this many seconds (0: never)', default: 0 },
  { name: 'format', short: 'f', type: 'string', arg: 'format', group: 'report', choices: FORMATS, description: 'output format', default: 'table' },
  { name: 'output', short: 'o', type: 'string', arg: 'file', group: 'report', description: 'write the report to a file (written whole, or not at all) instead of stdout' },
  {
    name: 'scanners',
    type: 'list',
    arg: 'list',
    group: 'scan',
    choices: ['vuln', 'secret', 'misconfig', 'license'],
    description: 'what to look for, comma-separated; the inventory is always taken',
    default: ['vuln', 'secret', 'misconfig'],
  },
  { name: 'fail-on', type: 'string', arg: 'severity', group: 'report', choices: ['critical', 'high', 'medium', 'low', 'info', 'unknown'], description: 'exit with code 1 when a finding is at or above this severity' },
  { name: 'secret-rules', type: 'string', arg: 'file', group: 'scan', description: 'YAML file of custom secret rules (`rules:` list of id, regex, keywords, entropy, allowlist), run after the built-in ones' },
  { name: 'severity', type: 'string', arg: 'list', group: 'report', description: 'show only findings of these severities, comma-separated (e.g. HIGH,CRITICAL)' },
  { name: 'ignore-unfixed', type: 'boolean', group: 'report', description: 'hide vulnerabilities that have no fixed version', default: false },
  { name: 'ignore-status', type: 'string', arg: 'list', group: 'report', description: 'hide findings with these statuses, comma-separated (e.g. will-not-fix,end-of-life)' },
  { name: 'ignorefile', type: 'string', arg: 'file', group: 'report', description: 'ignore file (id, package or purl, path, reason, expires); default .bulkheadignore.yaml in the working directory when it exists' },
  { name: 'vex', type: 'list', arg: 'files', group: 'report', description: 'OpenVEX or CycloneDX VEX documents, comma-separated: not_affected/fixed statements suppress the matching vulnerabilities (kept, marked)' },
  { name: 'show-suppressed', type: 'boolean', group: 'report', description: 'also show suppressed findings (ignore file, inline), marked as such', default: false },
  { name: 'exit-code', type: 'number', arg: 'code', group: 'report', description: 'exit code when a finding is at or above --fail-on', default: 1 },
  { name: 'allow-empty', type: 'boolean', group: 'scan', description: 'accept a target in which no package was found (e.g. a scratch image) instead of failing', default: false },
  { name: 'cache-dir', type: 'string', arg: 'dir', group: 'cache', description: 'where the layer cache lives (default: $XDG_CACHE_HOME/bulkhead)' },
  { name: 'no-cache', type: 'boolean', group: 'cache', description: 'neither read nor write the layer cache', default: false },
  { name: 'db-dir', type: 'string', arg: 'dir', group: 'db', description: 'where the vulnerability database lives (default: <cache dir>/db)' },
  { name: 'db-repository', type: 'string', arg: 'url', group: 'db', description: 'OSV bucket or a mirror with the same layout (<url>/<Ecosystem>/all.zip)' },
  { name: 'offline', type: 'boolean', group: 'db', description: 'never touch the network; a missing database is an error', default: false },
  {
    name: 'ecosystems',
    type: 'list',
    arg: 'list',
    group: 'db',
    description: 'OSV ecosystems to download, comma-separated (default: the distributions and language ecosystems Bulkhead matches)',
  },
  { name: 'allowed-registries', type: 'list', arg: 'list', group: 'dockerfile', description: 'registries base images may come from (e.g. docker.io,registry.example); others are BH-DF-004 findings' },
  { name: 'platform', type: 'string', arg: 'os/arch[/variant]', group: 'image', description: 'platform to pick from a multi-platform image', default: 'linux/amd64' },
  { name: 'username', type: 'string', arg: 'user', group: 'registry', description: 'registry user name (else BULKHEAD_REGISTRY_USERNAME, per-host variables, or ~/.docker/config.json and its credential helpers)' },
  { name: 'password-stdin', type: 'boolean', group: 'registry', description: 'read the registry password from stdin (never from a flag)', default: false },
  { name: 'insecure-registry', type: 'list', arg: 'hosts', group: 'registry', description: 'host:port list allowed over plain HTTP (nothing falls back to HTTP silently)' },
  { name: 'ca-file', type: 'string', arg: 'pem', group: 'registry', description: 'extra CA certificates (PEM) trusted for registries, beside the system ones' },
  {
    name: 'server',
    type: 'string',
    arg: 'url',
    group: 'submit',
    description:
      'run the scan on a Bulkhead server (it pulls the image with its own DB and credentials, and keeps the result); this command waits and reports it like a local scan; token from BULKHEAD_SERVER_TOKEN',
  },
  {
    name: 'attest',
    type: 'list',
    arg: 'sbom,vuln',
    group: 'attest',
    description:
      'after scanning a registry image, push signed in-toto attestations of the result to it (cosign layout, .att tag): sbom = the CycloneDX inventory, vuln = the reported vulnerabilities; needs --attest-key',
  },
  { name: 'attest-key', type: 'string', arg: 'file', group: 'attest', description: 'private key for --attest (cosign/sigstore encrypted or PEM); password from BULKHEAD_KEY_PASSWORD or COSIGN_PASSWORD' },
  { name: 'pss-level', type: 'string', arg: 'level', group: 'k8s', choices: ['privileged', 'baseline', 'restricted'], description: 'Pod Security Standards level for namespaces without enforce labels', default: 'restricted' },
  { name: 'pss-version', type: 'string', arg: 'v1.N|latest', group: 'k8s', description: 'Pod Security Standards version for namespaces without enforce-version labels', default: 'latest' },
  { name: 'k8s-version', type: 'string', arg: 'version', group: 'k8s', description: 'the cluster\'s Kubernetes version (else read from control-plane images or node objects)' },
  { name: 'policy', type: 'list', arg: 'files', group: 'k8s', description: 'ValidatingAdmissionPolicy files (with bindings and params) to evaluate against the manifests, comma-separated' },
  { name: 'compliance', type: 'string', arg: 'framework', group: 'k8s', choices: ['pss-baseline', 'pss-restricted', 'cis-k8s', 'nsa-k8s'], description: 'report only the checks and compliance of this framework' },
  { name: 'k8s-vulns', type: 'boolean', group: 'k8s', description: 'match the cluster\'s Kubernetes version against the vulnerability database (downloaded when missing)', default: false },
  { name: 'include-defaults', type: 'boolean', group: 'k8s', description: 'RBAC: also report the cluster\'s own default bindings (rbac-defaults)', default: false },
];

export function envName(flag: FlagSpec): string {
  return `BULKHEAD_${flag.name.replace(/-/g, '_').toUpperCase()}`;
}

/** Keys of the config file are flag names; `no-color: true` and `no-cache: true` read naturally. */
export function loadConfigFile(file: string, explicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (explicit) throw new BulkheadError('CONFIG_FILE_INVALID', `config file ${file} cannot be read`, { where: file, hint: 'check the --config path' });
    return {};
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new BulkheadError('CONFIG_FILE_INVALID', `config file is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { where: file });
  }
  if (doc == null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new BulkheadError('CONFIG_FILE_INVALID', 'config file must be a mapping of flag names to values', { where: file });
  }
  const known = new Set(FLAGS.map((f) => f.name));
  for (const key of Object.keys(doc)) {
    if (!known.has(key)) {
      throw new BulkheadError('CONFIG_FILE_INVALID', `unknown key "${key}" in config file`, {
        where: file,
        hint: `known keys: ${[...known].join(', ')}`,
      });
    }
  }
  return doc as Record<string, unknown>;
}

function coerce(flag: FlagSpec, value: unknown, where: string): string | boolean | number | string[] {
  const bad = (): never => {
    throw new BulkheadError('USAGE', `invalid value ${JSON.stringify(value)} for ${flag.name}`, {
      where,
      hint: flag.choices ? `one of: ${flag.choices.join(', ')}` : `expected a ${flag.type}`,
    });
  };
  let out: string | boolean | number | string[];
  switch (flag.type) {
    case 'boolean':
      if (typeof value === 'boolean') out = value;
      else if (value === 'true' || value === '1') out = true;
      else if (value === 'false' || value === '0' || value === '') out = false;
      else return bad();
      break;
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n) || n < 0) return bad();
      out = n;
      break;
    }
    case 'list':
      out = Array.isArray(value) ? value.map(String) : String(value).split(',').map((s) => s.trim()).filter(Boolean);
      if (flag.choices) for (const v of out) if (!flag.choices.includes(v)) return bad();
      break;
    default:
      if (typeof value !== 'string' && typeof value !== 'number') return bad();
      out = String(value);
      if (flag.choices && !flag.choices.includes(out)) return bad();
  }
  return out;
}

export type FlagValues = Record<string, string | boolean | number | string[] | undefined>;

/**
 * Resolve every flag of the given groups. `cli` holds what commander parsed
 * (only options the user actually gave), keyed by flag name.
 */
export function resolveFlags(
  groups: ReadonlyArray<FlagSpec['group']>,
  cli: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): FlagValues {
  const configFlag = FLAGS.find((f) => f.name === 'config')!;
  const configPath = (cli.config as string | undefined) ?? env[envName(configFlag)];
  const config = loadConfigFile(configPath ?? (configFlag.default as string), configPath !== undefined);
  const out: FlagValues = {};
  for (const flag of FLAGS) {
    if (!groups.includes(flag.group)) continue;
    let value: unknown;
    let where = '';
    if (cli[flag.name] !== undefined) [value, where] = [cli[flag.name], `--${flag.name}`];
    else if (env[envName(flag)] !== undefined) [value, where] = [env[envName(flag)], envName(flag)];
    else if (config[flag.name] !== undefined) [value, where] = [config[flag.name], `config key ${flag.name}`];
    out[flag.name] = value === undefined ? flag.default : coerce(flag, value, where);
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') out['no-color'] = true;
  return out;
}

/** Markdown reference of every flag, for docs/cli.md. */
export function flagsMarkdown(): string {
  const rows = FLAGS.map((f) => {
    const opt = `${f.short ? `\`-${f.short}\`, ` : ''}\`--${f.name}${f.type === 'boolean' ? '' : ` <${f.arg ?? f.type}>`}\``;
    const def = f.default === undefined ? '' : `\`${Array.isArray(f.default) ? f.default.join(',') : String(f.default)}\``;
    const choices = f.choices ? ` One of: ${f.choices.map((c) => `\`${c}\``).join(', ')}.` : '';
    return `| ${opt} | \`${envName(f)}\` | \`${f.name}\` | ${f.group} | ${f.description}.${choices} | ${def} |`;
  });
  return ['| option | environment | config key | applies to | meaning | default |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
