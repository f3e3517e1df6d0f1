/**
 * `bulkhead k8s`: Kubernetes posture from manifests, cluster dumps and node
 * files. The default action is the full scan (one ScanResult, every report
 * format); `node`, `rbac`, `who-can` and `netpol` are focused views.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { BulkheadError, ExitCode } from '../core/errors.js';
import { loadAll, type LoadOptions } from '../misconfig/kubernetes/input/index.js';
import { parsePssLevel, parsePssVersion } from '../misconfig/kubernetes/pss/index.js';
import { analyzeRbac, renderWhoCanText, whoCanJson, whoCanReport, buildRbac } from '../misconfig/kubernetes/rbac/index.js';
import { buildNetworkModel, computeConnectivity, explain, netpolNotices, renderConnectivityChunks, renderExplanation } from '../misconfig/kubernetes/netpol/index.js';
import { nodeConfigFindings, nodeScan } from '../misconfig/kubernetes/node/index.js';
import { parseFramework } from '../misconfig/kubernetes/compliance.js';
import { draft, finish } from '../pipeline/scan.js';
import { scanKubernetes, type KubernetesScanOptions } from '../pipeline/scan-k8s.js';
import { resolveFlags, type FlagValues } from './flags.js';
import { runScan } from './main.js';
import { readAllStdin } from './registry-options.js';
import type { CliContext } from './context.js';

const GROUPS = ['global', 'report', 'cache', 'db', 'k8s'] as const;

export function registerKubernetes(ctx: CliContext): void {
  const { program, io, setCode, given, addFlags } = ctx;
  const stdin = () => (io.readStdin ?? readAllStdin)();
  const flagsOf = (self: Command, groups: ReadonlyArray<(typeof GROUPS)[number]> = GROUPS) =>
    resolveFlags(groups, { ...given(program), ...given(self.parent ?? self), ...given(self) }, io.env);
  const loadToStderr: LoadOptions = { readStdin: stdin, onProblem: (p) => io.stderr(`warning: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`) };
  const resolveInputs = (inputs: string[]) => inputs.map((i) => (i === '-' ? i : path.resolve(io.cwd, i)));

  const k8s = new Command('k8s')
    .description('check Kubernetes manifests, Helm output (-), kustomizations and cluster dumps: Pod Security Standards, workload hardening, CIS control plane, RBAC, NetworkPolicy, version support, VAP policies')
    .argument('[inputs...]', 'YAML/JSON files or directories, or - for stdin');
  addFlags(k8s, [...GROUPS]);
  k8s.action(async (inputs: string[], _o: unknown, self: Command) => {
    if (!inputs.length) {
      self.help({ error: true });
      return;
    }
    const flags = flagsOf(self);
    const options = (o: object): KubernetesScanOptions => ({ ...o, ...k8sOptions(flags, io.cwd), readStdin: stdin });
    setCode(await runScan(io, flags, (o) => scanKubernetes(resolveInputs(inputs), options(o)), flags['k8s-vulns'] === true));
  });

  k8s.addCommand(
    addFlags(new Command('node').description('CIS file permission and ownership checks, and the control-plane and kubelet checks, on a node\'s /etc/kubernetes and /var/lib/kubelet').argument('<root>', 'the node\'s root directory (/ on the node itself)'), ['global', 'report']).action(
      async (root: string, _o: unknown, self: Command) => {
        const flags = flagsOf(self, ['global', 'report']);
        setCode(
          await runScan(io, flags, async (o) => {
            const dir = path.resolve(io.cwd, root);
            const d = draft('kubernetes', `node ${dir}`);
            const files = await nodeScan(dir);
            const configs = await nodeConfigFindings(dir);
            for (const p of [...files.problems, ...configs.problems]) d.notices.push({ level: 'warning', message: p.message, where: p.path });
            d.stats.filesAnalyzed = files.checked.length;
            return finish(d, { packages: [], findings: [...files.findings, ...configs.findings] }, { ...o, requirePackages: false });
          }, false),
        );
      },
    ),
  );

  k8s.addCommand(
    addFlags(new Command('rbac').description('RBAC risk only: risky permissions of every subject, with the binding→role chains, and the workloads that inherit them').argument('<inputs...>'), ['global', 'report', 'k8s']).action(
      async (inputs: string[], _o: unknown, self: Command) => {
        const flags = flagsOf(self, ['global', 'report', 'k8s']);
        setCode(
          await runScan(io, flags, async (o) => {
            const d = draft('kubernetes', inputs.join(' '));
            const objects = await loadAll(resolveInputs(inputs), { readStdin: stdin, onProblem: (p) => d.notices.push({ level: 'warning', message: p.message, where: p.line ? `${p.file}:${p.line}` : p.file }) });
            const r = analyzeRbac(objects, { includeDefaults: flags['include-defaults'] === true });
            for (const p of r.problems) d.notices.push({ level: 'warning', message: p.message, where: p.where });
            return finish(d, { packages: [], findings: r.findings }, { ...o, requirePackages: false });
          }, false),
        );
      },
    ),
  );

  k8s.addCommand(
    new Command('who-can')
      .description('which subjects may do VERB on RESOURCE, through which binding and role')
      .argument('<verb>', 'get, list, create, delete, escalate, impersonate, … or *')
      .argument('<resource>', 'pods, pods/exec, deployments.apps, secrets, or a non-resource URL like /metrics')
      .argument('<inputs...>', 'RBAC objects: files, directories, or - for stdin')
      .option('-n, --namespace <ns>', 'the namespace the question is about (default: cluster-wide)')
      .option('--subresource <s>', 'subresource (exec, log, token, …)')
      .option('--name <name>', 'a single object name (resourceNames)')
      .option('--api-group <group>', 'API group ("" for core)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (verb: string, resource: string, inputs: string[], o: { namespace?: string; subresource?: string; name?: string; apiGroup?: string; format: string }, self: Command) => {
        // `k8s` itself has a report -f; commander may hand `-f json` to the parent.
        const format = formatOf(self, o.format, ['text', 'json']);
        const objects = await loadAll(resolveInputs(inputs), loadToStderr);
        const report = whoCanReport(buildRbac(objects), {
          verb,
          resource,
          ...(o.namespace ? { namespace: o.namespace } : {}),
          ...(o.subresource ? { subresource: o.subresource } : {}),
          ...(o.name ? { name: o.name } : {}),
          ...(o.apiGroup !== undefined ? { apiGroup: o.apiGroup } : {}),
        });
        if (format === 'json') {
          io.stdout(`${whoCanJson(report.answers)}\n`);
          for (const n of report.notes) io.stderr(`note: ${n}\n`);
        } else io.stdout(renderWhoCanText(report));
        setCode(ExitCode.ok);
      }),
  );

  k8s.addCommand(
    new Command('netpol')
      .description('allowed connectivity between workloads and external ranges (NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy); with --from/--to, whether one connection is allowed and which rules decide it')
      .argument('<inputs...>', 'files, directories, or - for stdin')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'dot', 'mermaid']).default('text'))
      .option('--from <workload>', 'ns/name (any kind), ns/name/Kind, or an IP address')
      .option('--to <workload>', 'ns/name (any kind), ns/name/Kind, or an IP address')
      .option('--port <n>', 'destination port')
      .addOption(new Option('--protocol <p>', 'protocol').choices(['TCP', 'UDP', 'SCTP']))
      .option('--ipv6', 'also model IPv6 external ranges')
      .action(async (inputs: string[], o: { format: string; from?: string; to?: string; port?: string; protocol?: 'TCP' | 'UDP' | 'SCTP'; ipv6?: boolean }, self: Command) => {
        const format = formatOf(self, o.format, ['text', 'json', 'dot', 'mermaid']);
        const objects = await loadAll(resolveInputs(inputs), loadToStderr);
        const model = buildNetworkModel(objects, o.ipv6 ? { ipv6: true } : {});
        for (const n of netpolNotices(model)) io.stderr(`warning: ${n.where ? `${n.where}: ` : ''}${n.message}\n`);
        if (o.from || o.to) {
          if (!o.from || !o.to) throw usage('--from and --to go together');
          const port = o.port === undefined ? undefined : Number(o.port);
          if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw usage(`--port ${o.port} is not a port number`);
          const e = explain(model, { from: o.from, to: o.to, ...(port ? { port } : {}), ...(o.protocol ? { protocol: o.protocol } : {}) });
          io.stdout(format === 'json' ? `${JSON.stringify(e, null, 2)}\n` : renderExplanation(e));
          setCode(e.allowed ? ExitCode.ok : ExitCode.findings);
          return;
        }
        for (const chunk of renderConnectivityChunks(computeConnectivity(model), format as 'text' | 'json' | 'dot' | 'mermaid')) io.stdout(chunk);
        setCode(ExitCode.ok);
      }),
  );
  program.addCommand(k8s);
}

/** The subcommand's -f, or the parent's when commander gave it to `k8s`. */
function formatOf(self: Command, own: string, allowed: readonly string[]): string {
  const fromParent = self.parent?.getOptionValueSource('format') === 'cli' ? String(self.parent.opts()['format']) : undefined;
  const f = fromParent ?? own;
  if (!allowed.includes(f)) throw new BulkheadError('USAGE', `-f ${f} is not a format of this command`, { hint: `use one of ${allowed.join(', ')}` });
  return f;
}

function usage(message: string): BulkheadError {
  return new BulkheadError('USAGE', message, { hint: 'e.g. bulkhead k8s netpol --from shop/web --to shop/db --port 5432 manifests/' });
}

function k8sOptions(flags: FlagValues, cwd: string): Partial<KubernetesScanOptions> {
  const o: Partial<KubernetesScanOptions> = {
    pssLevel: parsePssLevel(String(flags['pss-level'] ?? 'restricted'), '--pss-level'),
    pssVersion: parsePssVersion(String(flags['pss-version'] ?? 'latest'), '--pss-version'),
    includeDefaults: flags['include-defaults'] === true,
  };
  if (typeof flags['k8s-version'] === 'string') o.k8sVersion = flags['k8s-version'];
  if (Array.isArray(flags.policy)) o.policyFiles = flags.policy.map((f) => path.resolve(cwd, f));
  if (typeof flags.compliance === 'string') o.compliance = parseFramework(flags.compliance);
  return o;
}
