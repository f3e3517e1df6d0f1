/**
 * Drift detection: was an executed file part of the container's image?
 * `buildImageFileIndex` once per image (cache it with serializeDriftIndex),
 * `checkExec` per exec event with a reader for the container's files.
 */
export { buildImageFileIndex, serializeDriftIndex, parseDriftIndex, lookupInIndex } from './image-index.js';
export type { DriftIndex, IndexedFile, BuildIndexOptions } from './image-index.js';
export { checkExec, markDrift } from './check-exec.js';
export type { DriftVerdict, DriftReason, DriftCheckOptions } from './check-exec.js';
export { rootfsReader, procRootReader, firstReadable, HashCache } from './readers.js';
export type { ExecFileReader, FileHash } from './readers.js';
