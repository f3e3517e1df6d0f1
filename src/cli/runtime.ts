/**
 * `bulkhead runtime`: the eBPF sensor with the Falco-compatible rule engine
 * (`watch`), recorded events through the rules (`replay`), Kubernetes audit
 * events from kube-apiserver's webhook backend (`audit-webhook`), rule files
 * checked (`rules check`), and least-privilege checks of how containers are
 * run (`config`).
 */
import { createReadStream, readFileSync, type ReadStream } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { BulkheadError, ExitCode, isBulkheadError } from '../core/errors.js';
import { defaultRuleFile, listFields, loadRules, parsePriority, replay, replayInputVerdict, type Alert, type RuleFile } from '../runtime/rules/index.js';
import { AlertOutput, fileSink, jsonLinesSink, textSink, webhookSink, type AlertSink } from '../runtime/outputs/index.js';
import { checkRuntimeConfig } from '../runtime/config/index.js';
import { buildImageFileIndex } from '../runtime/drift/index.js';
import { startWatch } from '../runtime/watch.js';
import { AUDIT_WEBHOOK_PATH, MAX_AUDIT_BODY_BYTES, startAuditWebhook } from '../runtime/audit-webhook/index.js';
import { DEFAULT_RECORD_MAX_BYTES, EventRecorder, parseByteSize, type RecordingStats } from '../runtime/recorder.js';
import { formatBytes } from '../core/progress.js';
import { draft, finish } from '../pipeline/scan.js';
import { resolveFlags } from './flags.js';
import { runScan } from './main.js';
import { collect, untilSignal } from './registry-options.js';
import type { CliContext } from './context.js';

interface RuleFlags {
  rules?: string[];
  defaultRules: boolean;
  minPriority?: string;
}

function ruleFiles(o: RuleFlags, cwd: string): RuleFile[] {
  const files: RuleFile[] = o.defaultRules ? [defaultRuleFile()] : [];
  for (const f of o.rules ?? []) {
    const file = path.resolve(cwd, f);
    try {
      files.push({ path: f, text: readFileSync(file, 'utf8') });
    } catch {
      throw new BulkheadError('RULES_INVALID', `cannot read the rules file ${f}`, { where: f, hint: 'check the --rules path' });
    }
  }
  if (!files.length) throw new BulkheadError('USAGE', 'no rules: --no-default-rules needs at least one --rules file');
  return files;
}

const ruleOptions = (cmd: Command) =>
  cmd
    .option('--rules <file>', 'Falco rules file, after the defaults (repeatable)', collect)
    .option('--no-default-rules', 'do not load Bulkhead\'s default container ruleset')
    .option('--min-priority <p>', 'ignore rules below this priority (emergency … debug)');

async function outputFor(o: { output?: string; format: string; dedupWindow?: string; rateLimit?: string }, io: CliContext['io'], cwd: string): Promise<AlertOutput> {
  const sinks: AlertSink[] = [];
  const stdout = { write: (chunk: string, cb?: () => void) => (io.stdout(chunk), cb?.(), true) } as unknown as NodeJS.WritableStream;
  if (!o.output || o.output === '-') sinks.push(o.format === 'json' ? jsonLinesSink(stdout as never) : textSink(stdout as never));
  else if (/^https?:\/\//.test(o.output)) sinks.push(webhookSink(o.output, { onError: (e) => io.stderr(`warning: webhook: ${e.message}\n`) }));
  else sinks.push(await fileSink(path.resolve(cwd, o.output), { format: o.format === 'json' ? 'json' : 'text' }));
  const num = (v: string | undefined, flag: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new BulkheadError('USAGE', `${flag} ${v} is not a positive number`);
    return n;
  };
  const windowMs = num(o.dedupWindow, '--dedup-window');
  const rate = num(o.rateLimit, '--rate-limit');
  return new AlertOutput({ sinks, ...(windowMs ? { dedup: { windowMs } } : {}), ...(rate ? { rateLimit: { ratePerSecond: rate, burst: Math.max(1, Math.ceil(rate)) } } : {}) });
}

const outputOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('-f, --format <format>', 'alert format').choices(['text', 'json']).default('text'))
    .option('-o, --output <dest>', 'where alerts go: - (stdout), a file (appended), or an http(s):// webhook (POST JSON)')
    .option('--dedup-window <ms>', 'drop repeats of the same alert within this window')
    .option('--rate-limit <n>', 'at most n alerts per second (the rest are counted, not sent)');

function recordLimit(o: { record?: string; recordMaxBytes?: string }): number {
  if (o.recordMaxBytes === undefined) return DEFAULT_RECORD_MAX_BYTES;
  if (!o.record) throw new BulkheadError('USAGE', '--record-max-bytes needs --record FILE');
  const n = parseByteSize(o.recordMaxBytes);
  if (n === undefined) throw new BulkheadError('USAGE', `--record-max-bytes ${o.recordMaxBytes} is not a size`, { hint: 'give bytes, or a number with KiB, MiB or GiB (512MiB)' });
  return n;
}

function recordingSummary(r: RecordingStats, name: string): string {
  const why = r.stopped === 'limit' ? ', stopped at --record-max-bytes' : r.stopped === 'error' ? ', stopped by a write error' : '';
  return `recorded ${r.events} events (${formatBytes(r.bytes)}) to ${name}${why}${r.skipped ? `, ${r.skipped} not recorded` : ''}`;
}

/** A file's text for a flag, as a usage error naming the flag when it cannot be read. */
function flagFile(file: string, flag: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new BulkheadError('TARGET_NOT_FOUND', `cannot read ${flag} ${file}: ${(e as Error).message}`, { where: file, hint: `check the ${flag} path` });
  }
}

/** The events file opened now, so that a missing file is an input error before anything runs. */
async function openEvents(file: string, name: string): Promise<ReadStream> {
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(new BulkheadError('TARGET_NOT_FOUND', `cannot read ${name}: ${e.message}`, { where: name, hint: 'check the path' })));
  });
  return stream;
}

export function registerRuntime(ctx: CliContext): void {
  const { program, io, setCode, given, addFlags } = ctx;
  const runtime = new Command('runtime').description('runtime detection: eBPF sensor, Falco-compatible rules, drift, container settings');

  runtime.addCommand(
    outputOptions(
      ruleOptions(
        new Command('watch')
          .description('trace processes, files and network with eBPF (bpftrace) and raise alerts from the rules; needs root, bpftrace and BTF')
          .option('--container <id>', 'only these containers (id prefix, repeatable)', collect)
          .option('--image <ref>', 'the containers\' image (oci:dir:tag, archive, registry ref): executions of files not in it are drift')
          .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)')
          .option('--record <file>', 'also write every event the rules evaluate to this new file (mode 0600), as JSON lines for `runtime replay`')
          .option('--record-max-bytes <size>', 'stop recording (not watching) before the file passes this size: bytes, or with KiB/MiB/GiB (default 1GiB)'),
      ),
    )
      .addHelpText(
        'after',
        `
Recording (--record FILE):
  Every event the rules evaluate is written to FILE, one JSON object per
  line: after the --container filter, attributed to its container and marked
  for drift (--image). That is the format \`bulkhead runtime replay\` reads,
  so replaying the file raises the same alerts without the containers or the
  image. FILE must not exist (a recording never writes over a file and never
  follows a symbolic link); it is created with mode 0600, since events carry
  command lines. Lines are written in blocks, at least every second, and the
  rest when the watch stops (--duration, Ctrl-C, SIGTERM). At
  --record-max-bytes recording stops, once said on stderr and in the final
  metrics; the watch goes on.`,
      )
      .action(async (o: RuleFlags & { container?: string[]; image?: string; duration?: string; output?: string; format: string; dedupWindow?: string; rateLimit?: string; record?: string; recordMaxBytes?: string }) => {
        const rules = loadRules(ruleFiles(o, io.cwd), o.minPriority ? { minPriority: parsePriority(o.minPriority) } : {});
        for (const d of rules.disabled) io.stderr(`rule disabled: ${d.rule}: ${d.reason}\n`);
        const maxBytes = recordLimit(o);
        // Created before anything slow starts, so a refused --record file fails at once.
        const recorder = o.record
          ? EventRecorder.create(path.resolve(io.cwd, o.record), {
              maxBytes,
              onLimit: (r) => io.stderr(`recording stopped: ${o.record} reached --record-max-bytes (${formatBytes(r.bytes)}); still watching\n`),
              onError: (e) => io.stderr(`warning: ${e.message}\n`),
            })
          : undefined;
        let watch: Awaited<ReturnType<typeof startWatch>>;
        let out: AlertOutput;
        try {
          out = await outputFor(o, io, io.cwd);
          const drift = o.image ? await buildImageFileIndex(o.image) : undefined;
          watch = await startWatch({
            rules,
            onAlert: (a: Alert) => out.emit(a).then(() => undefined),
            ...(drift ? { drift } : {}),
            ...(o.container ? { containers: o.container } : {}),
            ...(recorder ? { recorder } : {}),
            onError: (e) => io.stderr(`warning: ${e.message}\n`),
          });
          io.stderr(`watching (${rules.rules.length} rules${drift ? ', drift on' : ''}${recorder ? `, recording to ${o.record}` : ''}); Ctrl-C to stop\n`);
        } catch (e) {
          recorder?.discard();
          throw e;
        }
        const seconds = o.duration ? Number(o.duration) : 0;
        await (seconds > 0 ? Promise.race([untilSignal(), new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000).unref())]) : untilSignal());
        // What is recorded so far is on disk before the (slower) stop: a second Ctrl-C then loses little.
        recorder?.flush();
        const s = await watch.stop();
        await out.close();
        const recording = recorder ? `, ${recordingSummary(recorder.close(), o.record!)}` : '';
        io.stderr(`events ${s.events}, alerts ${s.alerts}, lost ${s.sensor.lost}, malformed ${s.sensor.malformed}, unknown ${s.sensor.unknown}, drift unknown ${s.driftUnknown}${recording}, output ${JSON.stringify(out.stats())}\n`);
        setCode(s.alerts ? ExitCode.findings : ExitCode.ok);
      }),
  );

  runtime.addCommand(
    outputOptions(
      ruleOptions(
        new Command('replay')
          .description('run recorded events (JSON lines from watch --record, or Kubernetes audit logs) through the rules')
          .argument('<events>', 'a JSON-lines file, or - for stdin')
          .option('--strict', 'an invalid line is an error (exit 2) after the replay, not only a warning'),
      ),
    )
      .addHelpText(
        'after',
        `
Input: one JSON value per line: a runtime event as \`runtime watch --record\`
writes it, or a Kubernetes audit Event or EventList (the audit log backend's
lines). Blank lines are ignored.
  - no valid event at all (an empty file, or every line invalid): exit 2,
    naming the first bad line as FILE:LINE and why;
  - some invalid lines: they are skipped, their count and the first one
    (FILE:LINE) are printed on stderr, and the replay goes on; with --strict
    the exit code is then 2.
Otherwise the exit code is 1 when an alert was raised, 0 when none.`,
      )
      .action(async (file: string, o: RuleFlags & { output?: string; format: string; dedupWindow?: string; rateLimit?: string; strict?: boolean }) => {
        const rules = loadRules(ruleFiles(o, io.cwd), o.minPriority ? { minPriority: parsePriority(o.minPriority) } : {});
        const name = file === '-' ? '<stdin>' : file;
        const stream = file === '-' ? process.stdin : await openEvents(path.resolve(io.cwd, file), file);
        const out = await outputFor(o, io, io.cwd).catch((e: unknown) => {
          if (stream !== process.stdin) stream.destroy();
          throw e;
        });
        const r = await replay(stream, rules, { onAlert: (a) => void out.emit(a), maxProblems: 1 }).catch((e: unknown) => {
          if (isBulkheadError(e)) throw e;
          throw new BulkheadError('TARGET_NOT_FOUND', `cannot read ${name}: ${(e as Error).message}`, { where: name, cause: e });
        });
        await out.close();
        io.stderr(`${r.lines} lines, ${r.events} events, ${r.invalid} invalid, ${r.alertCount} alerts\n`);
        const verdict = replayInputVerdict(r, name, { strict: o.strict === true });
        if (verdict.warning) io.stderr(`warning: ${verdict.warning}\n`);
        if (verdict.error) throw verdict.error;
        setCode(r.alertCount ? ExitCode.findings : ExitCode.ok);
      }),
  );

  runtime.addCommand(
    outputOptions(
      ruleOptions(
        new Command('audit-webhook')
          .description('receive Kubernetes audit events as kube-apiserver\'s audit webhook backend (POST audit.k8s.io/v1 EventList) and raise alerts from the k8s_audit rules')
          .requiredOption('--listen <host:port>', 'address to listen on (port 0: any free port; the URL is printed on stderr)')
          .option('--tls-cert <file>', 'PEM serving certificate (chain): serve HTTPS (with --tls-key)')
          .option('--tls-key <file>', 'PEM private key of --tls-cert')
          .option('--token-file <file>', 'require Authorization: Bearer with the token in this file (the webhook kubeconfig user\'s token); others get 401'),
      ),
    )
      .addHelpText(
        'after',
        `
Endpoint: POST ${AUDIT_WEBHOOK_PATH} (Falco's k8saudit path), GET /healthz.
The body is an audit.k8s.io/v1 EventList (what kube-apiserver sends with
--audit-webhook-config-file) or a single Event. Each event is evaluated by
the rules with source k8s_audit (Falco's k8s_audit_rules.yaml loads with
--rules); at least one such rule must be loaded. Answers:
  200  the batch was read and evaluated (alerts go to the output after);
  400  not JSON, or not an audit.k8s.io/v1 EventList or Event;
  401  --token-file given and the bearer token is missing or wrong;
  413  a body over ${MAX_AUDIT_BODY_BYTES / 1024 / 1024} MiB;
  415  not application/json (or compressed).
Stops on Ctrl-C or SIGTERM and prints its counts on stderr. Exit code 1 when
an alert was raised, 0 when none. See deploy/audit-webhook/ for the
kube-apiserver flags, the webhook kubeconfig and an audit policy.`,
      )
      .action(async (o: RuleFlags & { listen: string; tlsCert?: string; tlsKey?: string; tokenFile?: string; output?: string; format: string; dedupWindow?: string; rateLimit?: string }) => {
        if (!o.tlsCert !== !o.tlsKey) throw new BulkheadError('USAGE', '--tls-cert and --tls-key go together', { hint: 'give both for HTTPS, or neither for plain HTTP' });
        const rules = loadRules(ruleFiles(o, io.cwd), o.minPriority ? { minPriority: parsePriority(o.minPriority) } : {});
        for (const d of rules.disabled) io.stderr(`rule disabled: ${d.rule}: ${d.reason}\n`);
        const k8sRules = rules.index().k8s_audit.length;
        if (!k8sRules) {
          throw new BulkheadError('RULES_INVALID', 'no rule with source k8s_audit is loaded: every audit event would pass without an alert', {
            where: '--rules',
            hint: 'give a k8s audit rules file, e.g. --rules k8s_audit_rules.yaml from falcosecurity/plugins (plugins/k8saudit/rules)',
          });
        }
        const tls = o.tlsCert && o.tlsKey ? { cert: flagFile(o.tlsCert, '--tls-cert', io.cwd), key: flagFile(o.tlsKey, '--tls-key', io.cwd) } : undefined;
        let token: string | undefined;
        if (o.tokenFile) {
          token = flagFile(o.tokenFile, '--token-file', io.cwd).trim();
          if (!token || /\s/.test(token)) throw new BulkheadError('USAGE', `--token-file ${o.tokenFile} must hold one token (no spaces)`, { where: o.tokenFile });
        }
        const out = await outputFor(o, io, io.cwd);
        let server: Awaited<ReturnType<typeof startAuditWebhook>>;
        try {
          server = await startAuditWebhook({
            listen: o.listen,
            rules,
            onAlert: (a: Alert) => out.emit(a),
            ...(tls ? { tls } : {}),
            ...(token ? { token } : {}),
            onError: (e) => io.stderr(`warning: ${e.message}\n`),
          });
        } catch (e) {
          await out.close();
          throw e;
        }
        io.stderr(`listening on ${server.url} (${k8sRules} k8s_audit rules${token ? ', bearer token required' : ''}); Ctrl-C to stop\n`);
        await untilSignal();
        await server.close();
        await out.close();
        const s = server.stats();
        io.stderr(
          `requests ${s.requests}, accepted ${s.accepted}, events ${s.events}, invalid ${s.invalid}, unauthorized ${s.unauthorized}, too large ${s.tooLarge}, unsupported type ${s.unsupportedType}, alerts ${s.alerts}, dropped ${s.dropped}, errors ${s.errors}, output ${JSON.stringify(out.stats())}\n`,
        );
        setCode(s.alerts ? ExitCode.findings : ExitCode.ok);
      }),
  );

  const rulesCmd = new Command('rules').description('Falco rule files');
  rulesCmd.addCommand(
    ruleOptions(new Command('check').description('load rule files and list which rules run and which are disabled, with the missing field')).action((o: RuleFlags) => {
      const rules = loadRules(ruleFiles(o, io.cwd));
      io.stdout(`${rules.rules.length} rules load and run\n`);
      for (const d of rules.disabled) io.stdout(`disabled: ${d.rule}: ${d.reason}${d.field ? ` (${d.field})` : ''}\n`);
      for (const n of rules.notes) io.stdout(`note: ${typeof n === 'string' ? n : JSON.stringify(n)}\n`);
      setCode(ExitCode.ok);
    }),
  );
  rulesCmd.addCommand(
    new Command('fields').description('the fields rule conditions can use, per source').action(() => {
      for (const source of ['syscall', 'k8s_audit'] as const) for (const f of listFields(source)) io.stdout(`${source}\t${typeof f === 'string' ? f : JSON.stringify(f)}\n`);
      setCode(ExitCode.ok);
    }),
  );
  runtime.addCommand(rulesCmd);

  runtime.addCommand(
    addFlags(
      new Command('config').description('least-privilege checks of how a container runs (CIS Docker 5.x): docker inspect JSON, OCI config.json, or Kubernetes pod specs').argument('<files...>'),
      ['global', 'report'],
    ).action(async (files: string[], _o: unknown, self: Command) => {
      const flags = resolveFlags(['global', 'report'], { ...given(program), ...given(self) }, io.env);
      setCode(
        await runScan(io, flags, async (o) => {
          const d = draft('container-config', files.join(' '));
          const findings = [];
          for (const f of files) {
            let text: string;
            try {
              text = readFileSync(path.resolve(io.cwd, f), 'utf8');
            } catch {
              throw new BulkheadError('TARGET_NOT_FOUND', `cannot read ${f}`, { where: f });
            }
            findings.push(...checkRuntimeConfig(text, f));
          }
          d.stats.filesAnalyzed = files.length;
          return finish(d, { packages: [], findings }, { ...o, requirePackages: false });
        }, false),
      );
    }),
  );
  program.addCommand(runtime);
}
