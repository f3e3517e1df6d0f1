/**
 * The eBPF runtime sensor: bpftrace runs a generated program, its JSON lines
 * become SyscallEvents (src/runtime/events.ts) attributed to containers.
 * `Sensor.start({ onEvent })` for the whole thing; the pieces are exported
 * for replay, tests and the CLI's `--debug` output.
 */
export { Sensor } from './sensor.js';
export type { SensorOptions, SensorMetrics } from './sensor.js';
export { generateProgram } from './program.js';
export type { ProgramOptions, GeneratedProgram } from './program.js';
export { DEFAULT_SENSITIVE_READS, parseReadPattern, matchesReadPatterns } from './read-filter.js';
export { prepareSensorEnvironment, checkPrivileges } from './setup.js';
export type { SensorEnvironment, SetupOptions } from './setup.js';
export { ContainerResolver, DEFAULT_RUNC_ROOTS, DEFAULT_CRUN_ROOTS } from './containers.js';
export type { ContainerRecord, ContainerResolverOptions } from './containers.js';
export { ProcessTable } from './process-table.js';
export { bytesToText, textToBytes } from './bytes.js';
export { runSensorBench } from './bench.js';
export type { SensorBenchOptions, SensorBenchResult } from './bench.js';
