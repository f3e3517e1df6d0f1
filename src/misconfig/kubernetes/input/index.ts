export * from './object.js';
export * from './pod.js';
export { loadK8sObjects, loadAll, objectsOfText, MAX_INPUT_BYTES, type LoadOptions, type LoadProblem } from './load.js';
