/**
 * Image configuration and contents checks (BH-IMG-…): `imageChecks` is the
 * registry list, `checkImage` runs them on a ScanResult.
 */
export { imageChecks } from './checks.js';
export { checkImage } from './check-image.js';
export type { ImageCheckOptions } from './context.js';
export { redactImageMetadata } from './redact-metadata.js';
