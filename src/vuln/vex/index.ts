export { applyVex, parseOpenVex, readOpenVex, MAX_VEX_BYTES } from './openvex.js';
export type { VexStatement } from './openvex.js';
export { writeOpenVex } from './write.js';
export type { VexWriteResult } from './write.js';
