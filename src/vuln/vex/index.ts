export { applyVex, parseOpenVex, readOpenVex, MAX_VEX_BYTES } from './openvex.js';
export type { VexStatement } from './openvex.js';
