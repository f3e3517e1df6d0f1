/**
 * Image configuration and contents checks as one pure function of a
 * ScanResult: configuration rules need `result.image` (image scans), content
 * rules read `notableFiles`, `packages` and `os` (image and rootfs scans).
 * Findings come in the order of the rules below, which is check-id order.
 */
import type { Finding, ScanResult } from '../../core/types.js';
import { checkAttackSurface } from './attack-surface.js';
import { checkEnvSecrets, checkHistorySecrets, checkLabelSecrets } from './config-secrets.js';
import { resolveContext, type ImageCheckOptions, type ImageRule } from './context.js';
import { checkExposedPorts } from './exposed-ports.js';
import { checkSetuidFiles, checkWorldWritableFiles } from './file-modes.js';
import { checkHealthcheck } from './healthcheck.js';
import { checkImageAge } from './image-age.js';
import { checkOsEndOfLife } from './os-eol.js';
import { checkRemoteAdd } from './remote-add.js';
import { checkRootUser } from './root-user.js';

/** One rule per check (BH-IMG-001 … BH-IMG-012). */
export const IMAGE_RULES: readonly ImageRule[] = [
  checkRootUser,
  checkEnvSecrets,
  checkLabelSecrets,
  checkHistorySecrets,
  checkHealthcheck,
  checkExposedPorts,
  checkSetuidFiles,
  checkWorldWritableFiles,
  checkAttackSurface,
  checkRemoteAdd,
  checkOsEndOfLife,
  checkImageAge,
];

export function checkImage(result: ScanResult, options: ImageCheckOptions = {}): Finding[] {
  const ctx = resolveContext(result, options);
  return IMAGE_RULES.flatMap((rule) => rule(ctx));
}
