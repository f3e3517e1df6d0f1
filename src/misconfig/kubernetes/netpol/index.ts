/**
 * NetworkPolicy reachability analysis (`bulkhead k8s netpol`): the network
 * model, allowed connectivity and its renderers, `explain` for one
 * connection, and the BH-NET-… checks.
 */
import type { Finding, Notice } from '../../../core/types.js';
import type { K8sObject } from '../input/index.js';
import { computeConnectivity, type Connectivity } from './connectivity.js';
import { netpolFindings } from './findings.js';
import { buildNetworkModel, type ModelOptions } from './model.js';
import type { NetworkModel } from './types.js';

export { buildNetworkModel, type ModelOptions } from './model.js';
export { computeConnectivity, connectionsOf, type Connection, type Connectivity, type ConnectivityStats, type Endpoint, type WorkloadEndpoint } from './connectivity.js';
export { renderConnectivity, renderConnectivityChunks, connectivityJson, connectionLine, endpointText, CONNECTIVITY_FORMATS, type ConnectivityFormat } from './render.js';
export { explain, renderExplanation, type ExplainQuery, type Explanation, type DirectionExplanation, type PolicyDecision } from './explain.js';
export { netpolFindings, type NetpolFindingOptions } from './findings.js';
export { netpolChecks } from './checks.js';
export { exposedWorkloads, secretsOf, type Exposure } from './exposure.js';
export type { ConnJson, PortRangeJson, Protocol } from './ports.js';
export type { ExternalBlock } from './cidr.js';
export type { NetworkModel, ModelProblem, Workload } from './types.js';
export { benchNetpol, type NetpolBenchResult } from './bench.js';

export interface NetpolAnalysis {
  model: NetworkModel;
  connectivity: Connectivity;
  findings: Finding[];
}

/** Everything `bulkhead k8s netpol` needs, in one call. */
export function analyzeNetpol(objects: readonly K8sObject[], options: ModelOptions & { riskyWorkloads?: ReadonlyMap<string, string[]> } = {}): NetpolAnalysis {
  const model = buildNetworkModel(objects, options);
  const connectivity = computeConnectivity(model);
  const findings = netpolFindings(model, { connectivity, ...(options.riskyWorkloads ? { riskyWorkloads: options.riskyWorkloads } : {}) });
  return { model, connectivity, findings };
}

/** Model problems (invalid policies, objects not modeled) as scan notices. */
export function netpolNotices(model: NetworkModel): Notice[] {
  return model.problems.map((p) => ({ level: 'warning', message: p.object ? `${p.object}: ${p.message}` : p.message, where: p.where }));
}
