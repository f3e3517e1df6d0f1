/**
 * BH-IMG-005: no HEALTHCHECK, or one disabled with `HEALTHCHECK NONE`.
 * Trivy and dockle flag every image; so do we, but a base image whose only
 * command is an interactive shell (`CMD ["bash"]`, or no command at all) is
 * meant to be built on, so it is reported at info rather than low severity.
 */
import { findingFor } from '../../core/check.js';
import type { Finding, ImageConfigSummary } from '../../core/types.js';
import { healthcheckCheck } from './checks.js';
import type { ImageCheckContext } from './context.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);

/** True for images that start a bare shell (or nothing): base images rather than services. */
export function isBaseImageCommand(config: ImageConfigSummary): boolean {
  const argv = [...(config.entrypoint ?? []), ...(config.cmd ?? [])].filter((a) => typeof a === 'string');
  if (argv.length === 0) return true;
  if (argv.length > 1) return false;
  const exe = argv[0]!.trim().split('/').pop() ?? '';
  return SHELLS.has(exe);
}

export function checkHealthcheck(ctx: ImageCheckContext): Finding[] {
  const image = ctx.result.image;
  if (!image) return [];
  const config = image.config;
  const base = isBaseImageCommand(config);
  const severity = base ? 'info' : healthcheckCheck.severity;
  const test = config.healthcheck?.test;
  if (config.healthcheck && Array.isArray(test) && test[0] === 'NONE') {
    return [
      findingFor(healthcheckCheck, {}, {
        title: 'HEALTHCHECK disabled in the image (HEALTHCHECK NONE)',
        severity: 'info',
        evidence: 'Healthcheck.Test is ["NONE"]',
      }),
    ];
  }
  if (config.healthcheck && Array.isArray(test) && test.length > 0) return [];
  const command = [...(config.entrypoint ?? []), ...(config.cmd ?? [])].join(' ').slice(0, 120);
  return [
    findingFor(healthcheckCheck, {}, {
      severity,
      evidence: base ? `no Healthcheck; the command is ${command ? `"${command}"` : 'empty'} (a base image)` : 'no Healthcheck in the image config',
    }),
  ];
}
