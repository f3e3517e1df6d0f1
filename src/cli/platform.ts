/**
 * Platform commands: `admission` (the ValidatingAdmissionWebhook endpoint);
 * `server` and `worker` join them when the server lands.
 */
import path from 'node:path';
import { Command } from 'commander';
import { ExitCode } from '../core/errors.js';
import { loadAdmissionConfig, startAdmissionServer } from '../server/admission/index.js';
import { scanImage } from '../pipeline/scan.js';
import type { CliContext } from './context.js';

export function registerPlatform(ctx: CliContext): void {
  const { program, io, setCode } = ctx;
  program.addCommand(
    new Command('admission')
      .description('serve the Kubernetes ValidatingAdmissionWebhook (AdmissionReview v1 over HTTPS): Pod Security Standards, trust policy, vulnerability gate, VAP policies')
      .requiredOption('--config <file>', 'admission config YAML (see deploy/admission/configmap.yaml)')
      .requiredOption('--tls-cert <file>', 'serving certificate (PEM)')
      .requiredOption('--tls-key <file>', 'serving key (PEM)')
      .option('--listen <addr>', 'host:port, :port or a port', '0.0.0.0:8443')
      .action(async (o: { config: string; tlsCert: string; tlsKey: string; listen: string }) => {
        const config = loadAdmissionConfig(path.resolve(io.cwd, o.config));
        const server = await startAdmissionServer({
          listen: o.listen,
          tlsCert: path.resolve(io.cwd, o.tlsCert),
          tlsKey: path.resolve(io.cwd, o.tlsKey),
          config,
          dependencies: {
            // On-demand scans for the vulnerability gate: inventory and secrets, no DB download in the request path.
            scanner: (ref) => scanImage(ref, { scanners: ['secret', 'misconfig'], requirePackages: false }),
            log: (e) => io.stderr(`${JSON.stringify(e)}\n`),
          },
        });
        io.stderr(`admission webhook listening on ${server.url}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        await server.close();
        setCode(ExitCode.ok);
      }),
  );
}
