/**
 * The `bulkhead` command line. `run()` takes argv and an IO object and returns
 * the exit code, so tests drive the real CLI in-process.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseCustomRules } from '../secrets/index.js';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import { parsePlatform } from '../artifact/image/source.js';
import { CACHE_SCHEMA_VERSION, defaultCacheDir, LayerCache } from '../cache/layer-cache.js';
import { BulkheadError, ExitCode, isBulkheadError } from '../core/errors.js';
import { formatBytes, silentProgress, terminalProgress } from '../core/progress.js';
import { SEVERITIES, type ScanResult, type Severity } from '../core/types.js';
import { toolVersion } from '../core/version.js';
import { DEFAULT_SCANNERS, scanDirectory, scanImage, type ScanOptions, type Scanner } from '../pipeline/scan.js';
import { scanSbom } from '../pipeline/scan-sbom.js';
import { scanDockerfileTarget } from '../pipeline/scan-dockerfile.js';
import { checksMarkdown, checksOfKind } from '../misconfig/registry.js';
import type { CheckKind } from '../core/check.js';
import { rendererFor } from '../report/registry.js';
import { applyFilters, parseSeverityList, parseStatusList, type FilterOptions } from '../report/filter.js';
import { IGNORE_FILE_NAME, readIgnoreFile } from '../vuln/ignore/index.js';
import { applyVex, readVex, writeOpenVex } from '../vuln/vex/index.js';
import { FLAGS, resolveFlags, type FlagSpec, type FlagValues } from './flags.js';
import { generateDocs } from './docs.js';
import { dbStatus, defaultDbDir, ensureDb, importDb, updateDb, VulnDb, DB_SCHEMA_VERSION } from '../vuln/db/index.js';
import { createMatcher } from '../vuln/match/index.js';
import { readAllStdin, registryOptionsFrom } from './registry-options.js';
import { registerKubernetes } from './k8s.js';
import { registerShip } from './ship.js';
import { registerRuntime } from './runtime.js';
import { registerPlatform } from './platform.js';
import { serverBase, submitScan, type SubmitRequest } from './submit.js';
import { planAttestation, pushAttestations, type AttestContext } from './attest-scan.js';
import { registryTarget } from '../server/targets.js';
import { MAX_CONTENT as MAX_SUBMITTED_DOCUMENT } from '../server/routes/scans.js';
import { stat } from 'node:fs/promises';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  cwd: string;
  /** All of stdin (`-` inputs, --password-stdin); default process.stdin. */
  readStdin?: () => Promise<string>;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    isTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
  };
}

export function addFlags(cmd: Command, groups: ReadonlyArray<FlagSpec['group']>): Command {
  for (const f of FLAGS) {
    if (!groups.includes(f.group)) continue;
    const spec = `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.type === 'boolean' ? '' : ` <${f.arg ?? f.type}>`}`;
    const opt = new Option(spec, f.description);
    if (f.choices && f.type !== 'list') opt.choices(f.choices as string[]);
    // `--no-x` flags are plain booleans here (commander would otherwise invert them).
    if (f.name.startsWith('no-')) opt.attributeName = () => f.name;
    cmd.addOption(opt);
  }
  return cmd;
}

/** commander's parsed options, keyed by our flag names, only those the user gave. */
export function given(cmd: Command): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FLAGS) {
    const negated = f.name.startsWith('no-');
    const key = negated ? f.name : f.name.replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase());
    if (cmd.getOptionValueSource(key) !== 'cli') continue;
    // commander stores `--no-x` as false; our flag `no-x` is simply true when given.
    out[f.name] = negated ? true : cmd.opts()[key];
  }
  return out;
}

/** Subcommands made with `new Command` do not inherit these settings; apply them to the whole tree. */
function applyToTree(cmd: Command, io: CliIO): void {
  cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }).showSuggestionAfterError(true);
  for (const sub of cmd.commands) applyToTree(sub, io);
}

export function writeAtomically(file: string, content: string): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BulkheadError('IO', `cannot write ${file}: ${(e as Error).message}`, { where: file });
  }
}

function withTimeout<T>(work: Promise<T>, seconds: number): Promise<T> {
  if (!seconds) return work;
  let timer: NodeJS.Timeout;
  const limit = new Promise<never>((_r, reject) => {
    timer = setTimeout(
      () => reject(new BulkheadError('LIMIT_EXCEEDED', `the scan did not finish within ${seconds}s`, { hint: 'raise --timeout' })),
      seconds * 1000,
    );
    timer.unref();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);

function loadSecretRules(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BulkheadError('CONFIG_FILE_INVALID', `secret rules file ${file} cannot be read`, { where: file, hint: 'check the --secret-rules path' });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new BulkheadError('CONFIG_FILE_INVALID', `secret rules file is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { where: file });
  }
  return parseCustomRules(doc, `${file}: rules`);
}

function formatAge(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(1)} hours` : `${(h / 24).toFixed(1)} days`;
}

export async function runScan(
  io: CliIO,
  flags: FlagValues,
  scan: (options: ScanOptions) => Promise<ScanResult>,
  needsDb = true,
  /** Runs on the reported result before --fail-on decides (image --attest). */
  after?: (result: ScanResult, ctx: AttestContext) => Promise<void>,
): Promise<number> {
  const quiet = flags.quiet === true;
  const color = flags['no-color'] !== true && io.isTTY && !flags.output;
  const cache = flags['no-cache'] === true ? null : LayerCache.open((flags['cache-dir'] as string | undefined) ?? defaultCacheDir());
  let db: VulnDb | undefined;
  try {
    const wanted = (flags.scanners as Scanner[] | undefined) ?? DEFAULT_SCANNERS;
    if (wanted.includes('vuln') && needsDb) {
      // A missing database is downloaded (or, offline, a clear error): never a silent "no vulnerabilities".
      const file = await ensureDb({
        dir: (flags['db-dir'] as string | undefined) ?? defaultDbDir(),
        repository: flags['db-repository'] as string | undefined,
        offline: flags.offline === true,
        log: quiet ? undefined : (m) => io.stderr(`${m}\n`),
      });
      db = VulnDb.open(file);
      const status = db.status();
      if (status.stale && !quiet) io.stderr(`warning: the vulnerability database is ${formatAge(status.ageMs ?? 0)} old: run bulkhead db update\n`);
    }
    const options: ScanOptions = {
      scanners: (flags.scanners as Scanner[] | undefined) ?? DEFAULT_SCANNERS,
      cache,
      progress: quiet || !io.isTTY ? silentProgress : terminalProgress(),
      requirePackages: flags['allow-empty'] !== true,
    };
    if (db) options.matcher = createMatcher(db);
    if (flags['password-stdin'] !== undefined || flags.username !== undefined || flags['insecure-registry'] !== undefined || flags['ca-file'] !== undefined) {
      options.registry = await registryOptionsFrom(flags, io.cwd, io.env, io.readStdin ?? readAllStdin);
    }
    if (typeof flags.platform === 'string') options.platform = parsePlatform(flags.platform);
    if (typeof flags['secret-rules'] === 'string') options.secretRules = loadSecretRules(path.resolve(io.cwd, flags['secret-rules']));
    const filters: FilterOptions = {
      ignoreUnfixed: flags['ignore-unfixed'] === true,
      showSuppressed: flags['show-suppressed'] === true,
    };
    if (typeof flags.severity === 'string') filters.severities = parseSeverityList(flags.severity);
    if (typeof flags['ignore-status'] === 'string') filters.ignoreStatuses = parseStatusList(flags['ignore-status']);
    const ignorePath = typeof flags.ignorefile === 'string' ? path.resolve(io.cwd, flags.ignorefile) : path.join(io.cwd, IGNORE_FILE_NAME);
    if (typeof flags.ignorefile === 'string' || existsSync(ignorePath)) filters.ignore = await readIgnoreFile(ignorePath);
    const vex = [];
    for (const f of (flags.vex as string[] | undefined) ?? []) vex.push(...(await readVex(path.resolve(io.cwd, f))));
    const scanned = await withTimeout(scan(options), Number(flags.timeout ?? 0));
    if (vex.length) {
      const applied = applyVex(scanned.findings, vex);
      scanned.findings = applied.findings;
      for (const s of applied.unused) scanned.notices.push({ level: 'info', message: `VEX statement for ${s.ids[0]} matched no finding`, where: s.where });
    }
    const filtered = applyFilters(scanned, filters);
    const result = filtered.result;
    result.notices.push(...filtered.notices);
    const text = rendererFor(String(flags.format ?? 'table')).render(result, { color });
    if (flags.output) writeAtomically(path.resolve(io.cwd, String(flags.output)), text);
    else io.stdout(text);
    if (!quiet) {
      const warnings = result.notices.filter((n) => n.level !== 'info').length;
      const s = result.stats;
      io.stderr(
        result.kubernetes
          ? `scanned ${result.target.name}: ${result.kubernetes.objects} objects, ${result.findings.length} findings in ${(s.durationMs / 1000).toFixed(2)}s${warnings ? `, ${warnings} notices` : ''}\n`
          : `scanned ${result.target.name}: ${result.packages.length} packages, ${s.layersRead} layers read, ${s.layersFromCache} from cache, ${formatBytes(s.bytesRead)} in ${(s.durationMs / 1000).toFixed(2)}s${warnings ? `, ${warnings} notices` : ''}\n`,
      );
    }
    if (after) {
      const status = db?.status();
      await after(result, {
        ...(options.registry ? { registry: options.registry } : {}),
        ...(status ? { db: { uri: status.source ?? 'osv', version: status.updatedAt ?? 'unknown' } } : {}),
      });
    }
    const failOn = flags['fail-on'] as Severity | undefined;
    if (failOn && result.findings.some((f) => !f.suppressedBy && severityRank(f.severity) <= severityRank(failOn))) {
      return Number(flags['exit-code'] ?? ExitCode.findings);
    }
    return ExitCode.ok;
  } finally {
    cache?.close();
    db?.close();
  }
}

/** `image --server` sends a registry reference (the server pulls it); `sbom --server` sends the document. */
async function submitRequestFor(command: string, target: string, server: string, io: CliIO): Promise<SubmitRequest> {
  const base = { server: serverBase(server).toString(), token: io.env.BULKHEAD_SERVER_TOKEN, timeoutMs: 0, log: (line: string) => io.stderr(`${line}\n`) };
  if (command === 'image') {
    if (!registryTarget(target)) {
      throw new BulkheadError('USAGE', `--server scans registry images; ${target} is not a registry reference`, {
        where: target,
        hint: 'push the image first, or scan it here and send the SBOM: bulkhead image X -f cyclonedx -o sbom.json && bulkhead sbom sbom.json --server URL',
      });
    }
    return { ...base, kind: 'image', target };
  }
  const file = path.resolve(io.cwd, target);
  const { size } = await stat(file).catch(() => {
    throw new BulkheadError('TARGET_NOT_FOUND', `cannot read ${target}`, { where: target });
  });
  if (size > MAX_SUBMITTED_DOCUMENT) throw new BulkheadError('LIMIT_EXCEEDED', `${target} is ${formatBytes(size)}, more than the server accepts (${formatBytes(MAX_SUBMITTED_DOCUMENT)})`, { where: target });
  return { ...base, kind: 'sbom', target: path.basename(file), content: readFileSync(file, 'utf8') };
}

export function buildProgram(io: CliIO, setCode: (code: number) => void): Command {
  const program = new Command('bulkhead')
    .description('Container security across the whole lifecycle: inventory, SBOMs, vulnerabilities, hardening.')
    .version(`bulkhead ${toolVersion()}`, '--version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true);
  addFlags(program, ['global']);
  program.enablePositionalOptions(false);

  const scanCommand = (
    name: string,
    argName: string,
    summary: string,
    groups: Array<FlagSpec['group']>,
    scan: (target: string, o: ScanOptions, flags: FlagValues) => Promise<ScanResult>,
  ) => {
    const cmd = new Command(name).description(summary).argument(`<${argName}>`);
    addFlags(cmd, ['global', 'scan', 'report', 'cache', 'db', ...groups]);
    cmd.action(async (target: string, _o: unknown, self: Command) => {
      const flags = resolveFlags(['global', 'scan', 'report', 'cache', 'db', ...groups], { ...given(program), ...given(self) }, io.env);
      const plan = name === 'image' ? await planAttestation(target, flags, io.cwd, io.env) : undefined;
      const after = plan
        ? async (result: ScanResult, ctx: AttestContext) => {
            for (const line of await pushAttestations(plan, result, ctx)) if (flags.quiet !== true) io.stderr(`${line}\n`);
          }
        : undefined;
      if (typeof flags.server === 'string') {
        const request = await submitRequestFor(name, target, flags.server, io);
        setCode(await runScan(io, flags, () => submitScan(request), false, after));
        return;
      }
      setCode(await runScan(io, flags, (o) => scan(target, o, flags), name !== 'dockerfile' && name !== 'secrets', after));
    });
    program.addCommand(cmd);
  };

  scanCommand(
    'image',
    'ref',
    'scan a container image: docker-archive (plain or gzip), oci-archive, oci:<dir>[:tag], or a registry reference',
    ['image', 'registry', 'submit', 'attest'],
    (t, o) => scanImage(t, o),
  );
  scanCommand('fs', 'dir', 'scan a project checkout: lock files, manifests and installed packages', [], (t, o) => scanDirectory(t, 'fs', o));
  scanCommand('rootfs', 'dir', 'scan an unpacked root filesystem as an image would be scanned', [], (t, o) => scanDirectory(t, 'rootfs', o));
  scanCommand('sbom', 'file', 'use a CycloneDX or SPDX JSON document as the inventory', ['submit'], (t, o) => scanSbom(t, o));
  scanCommand('dockerfile', 'file', 'check a Dockerfile against the BH-DF checks (exact line ranges, inline suppressions)', ['dockerfile'], (t, o, f) =>
    scanDockerfileTarget(t, { ...o, ...(f['allowed-registries'] ? { allowedRegistries: f['allowed-registries'] as string[] } : {}) }),
  );

  scanCommand(
    'secrets',
    'target',
    'look for leaked credentials only: in a directory, or in every layer of an image (deleted ones included)',
    ['image', 'registry'],
    async (t, o) => {
      const options: ScanOptions = { ...o, scanners: ['secret'], requirePackages: false };
      const { stat } = await import('node:fs/promises');
      const isDir = await stat(t).then((s) => s.isDirectory() && !existsSync(path.join(t, 'oci-layout')), () => false);
      return isDir ? scanDirectory(t, 'fs', options) : scanImage(t, options);
    },
  );

  program
    .command('vex')
    .description('write the ignore file\'s vulnerability decisions as an OpenVEX document (not_affected, with the reason)')
    .option('--ignorefile <file>', 'ignore file to read', IGNORE_FILE_NAME)
    .option('-o, --output <file>', 'write the document to a file instead of stdout')
    .option('--author <name>', 'author named in the document', 'bulkhead')
    .action(async (o: { ignorefile: string; output?: string; author: string }) => {
      const ignore = await readIgnoreFile(path.resolve(io.cwd, o.ignorefile));
      const r = writeOpenVex(ignore, { author: o.author });
      for (const s of r.skipped) io.stderr(`skipped ${s.where}: ${s.why}\n`);
      if (o.output) writeAtomically(path.resolve(io.cwd, o.output), r.document);
      else io.stdout(r.document);
    });

  program
    .command('checks')
    .description('list every check with its severity and references (to other tools and standards)')
    .addOption(new Option('--kind <kind>', 'only checks of this kind').choices(['dockerfile', 'image', 'secret', 'kubernetes', 'runtime', 'registry']))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'md']).default('table'))
    .action((o: { kind?: CheckKind; format: string }) => {
      const list = checksOfKind(o.kind);
      if (o.format === 'json') io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      else if (o.format === 'md') io.stdout(checksMarkdown(list));
      else for (const c of list) io.stdout(`${c.id.padEnd(11)} ${c.severity.padEnd(8)} ${c.title}\n`);
    });

  const cacheCmd = new Command('cache').description('manage the layer cache');
  const cacheFlags = (self: Command) => resolveFlags(['global', 'cache'], { ...given(program), ...given(self) }, io.env);
  for (const sub of [
    addFlags(new Command('clean').description('delete every cached layer analysis'), ['cache']).action((_o: unknown, self: Command) => {
      const cache = LayerCache.open((cacheFlags(self)['cache-dir'] as string | undefined) ?? defaultCacheDir());
      try {
        io.stdout(`removed ${cache.clear()} cached layers from ${cache.file}\n`);
      } finally {
        cache.close();
      }
    }),
    addFlags(new Command('status').description('show where the cache is and how much it holds'), ['cache']).action((_o: unknown, self: Command) => {
      const cache = LayerCache.open((cacheFlags(self)['cache-dir'] as string | undefined) ?? defaultCacheDir());
      try {
        const s = cache.stats();
        io.stdout(`${s.file}: ${s.entries} cached layers, ${formatBytes(s.bytes)}\n`);
      } finally {
        cache.close();
      }
    }),
  ]) {
    cacheCmd.addCommand(sub);
  }
  program.addCommand(cacheCmd);

  program
    .command('version')
    .description('print the tool version, the result, cache and database schema versions, and the database age')
    .action(() => {
      const flags = resolveFlags(['global', 'db'], given(program), io.env);
      const status = dbStatus((flags['db-dir'] as string | undefined) ?? defaultDbDir());
      const db = status.present
        ? `vulnerability database: schema ${status.schemaVersion}, ${status.records} records, updated ${status.updatedAt ?? 'unknown'}${status.ageMs !== undefined ? ` (${formatAge(status.ageMs)} ago)` : ''}${status.stale ? ', STALE: run bulkhead db update' : ''}`
        : `vulnerability database: schema ${DB_SCHEMA_VERSION}, not installed (bulkhead db update)`;
      io.stdout(`bulkhead ${toolVersion()}\nscan result schema 1\nlayer cache schema ${CACHE_SCHEMA_VERSION}\n${db}\n`);
    });

  const dbCmd = new Command('db').description('manage the OSV vulnerability database');
  const dbFlags = (self: Command) => resolveFlags(['global', 'db'], { ...given(program), ...given(self) }, io.env);
  const dbDir = (flags: FlagValues) => (flags['db-dir'] as string | undefined) ?? defaultDbDir();
  dbCmd.addCommand(
    addFlags(new Command('update').description('download the OSV data (all.zip per ecosystem), then only what changed'), ['global', 'db']).action(
      async (_o: unknown, self: Command) => {
        const flags = dbFlags(self);
        const log = flags.quiet === true ? undefined : (m: string) => io.stderr(`${m}\n`);
        const r = await updateDb({
          dir: dbDir(flags),
          repository: flags['db-repository'] as string | undefined,
          ecosystems: flags.ecosystems as string[] | undefined,
          offline: flags.offline === true,
          log,
        });
        for (const w of r.warnings.slice(0, 20)) io.stderr(`warning: ${w}\n`);
        if (r.warningTotal > 20) io.stderr(`… ${r.warningTotal - 20} more warnings\n`);
        io.stdout(`${r.updated ? 'updated' : 'kept'} ${r.file} (${r.requests} requests, ${(r.elapsedMs / 1000).toFixed(1)}s)\n`);
      },
    ),
  );
  dbCmd.addCommand(
    addFlags(new Command('import').description('build the database from an OSV all.zip or a folder of OSV JSON files (air-gapped sites)'), ['global', 'db'])
      .argument('<source>')
      .action(async (source: string, _o: unknown, self: Command) => {
        const flags = dbFlags(self);
        const r = await importDb({ dir: dbDir(flags), source: path.resolve(io.cwd, source) });
        const c = r.counts;
        io.stdout(`imported ${c.read} records into ${r.file}: ${c.added} added, ${c.replaced} replaced, ${c.unchanged} unchanged, ${c.skipped} skipped\n`);
      }),
  );
  dbCmd.addCommand(
    addFlags(new Command('status').description('show the database source, age and records per ecosystem'), ['global', 'db']).action((_o: unknown, self: Command) => {
      const flags = dbFlags(self);
      const s = dbStatus(dbDir(flags));
      if (!s.present) {
        io.stdout(`no vulnerability database at ${s.file}: run bulkhead db update (or db import <zip|dir>)\n`);
        return;
      }
      io.stdout(`${s.file}\n  source   ${s.source ?? 'unknown'}\n  updated  ${s.updatedAt ?? 'unknown'}${s.ageMs !== undefined ? ` (${formatAge(s.ageMs)} ago)` : ''}${s.stale ? '  STALE' : ''}\n  records  ${s.records} (${s.withdrawn} withdrawn), ${formatBytes(s.sizeBytes)}\n`);
      for (const e of s.ecosystems) io.stdout(`  ${e.name.padEnd(14)} ${e.count}\n`);
    }),
  );
  program.addCommand(dbCmd);

  const colors = (cmd: Command) => pc.createColors(given(cmd)['no-color'] !== true && io.isTTY);
  const context = { program, io, setCode, given, addFlags, writeAtomically, colors };
  registerKubernetes(context);
  registerShip(context);
  registerRuntime(context);
  registerPlatform(context);

  program
    .command('docs')
    .description('write the generated reference (CLI flags and commands) into a folder')
    .argument('[dir]', 'target folder', 'docs')
    .action(async (dir: string) => {
      const files = generateDocs(program);
      for (const [name, text] of Object.entries(files)) writeAtomically(path.join(path.resolve(io.cwd, dir), name), text);
      const { openApiDocument } = await import('../server/index.js');
      writeAtomically(path.join(path.resolve(io.cwd, dir), 'api', 'openapi.json'), `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
      io.stdout(`wrote ${Object.keys(files).join(', ')} to ${dir}\n`);
    });
  applyToTree(program, io);
  return program;
}

export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = ExitCode.ok;
  const debug = argv.includes('--debug');
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
      return ExitCode.input;
    }
    if (isBulkheadError(e)) {
      io.stderr(`bulkhead: error: ${e.describe()}\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return e.exitCode;
    }
    io.stderr(`bulkhead: internal error: ${(e as Error).message ?? String(e)}\n`);
    io.stderr(debug && (e as Error).stack ? `${(e as Error).stack}\n` : 'run again with --debug for details, and report it\n');
    return ExitCode.external;
  }
}
