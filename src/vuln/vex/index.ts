export { applyVex, parseOpenVex, readVex, MAX_VEX_BYTES } from './openvex.js';
export { parseCycloneDxVex } from './cyclonedx-vex.js';
export type { VexStatement } from './openvex.js';
export { writeOpenVex } from './write.js';
export type { VexWriteResult } from './write.js';
