/** Loading the test fixtures of this folder through the real Kubernetes loader (so line numbers are real). */
import { fileURLToPath } from 'node:url';
import { loadAll } from '../../input/index.js';
import { computeConnectivity } from '../connectivity.js';
import { buildNetworkModel } from '../model.js';

export const realisticDir = fileURLToPath(new URL('./realistic/', import.meta.url));
export const semanticFixture = (name: string): string => fileURLToPath(new URL(`./semantics/${name}.yaml`, import.meta.url));

export async function analyzeFixture(paths: string[]) {
  const objects = await loadAll(paths);
  const model = buildNetworkModel(objects);
  return { objects, model, connectivity: computeConnectivity(model) };
}
