/** The one list of output formats: name → pure renderer of a ScanResult. */
import type { ScanResult } from '../core/types.js';
import { renderCycloneDx } from '../sbom/cyclonedx.js';
import { renderSpdxJson } from '../sbom/spdx.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';

export interface RenderOptions {
  color: boolean;
}

export interface Renderer {
  name: string;
  description: string;
  render(result: ScanResult, options: RenderOptions): string;
}

export const renderers: readonly Renderer[] = [
  { name: 'table', description: 'human-readable summary and inventory', render: (r, o) => renderTable(r, { color: o.color }) },
  { name: 'json', description: 'Bulkhead ScanResult JSON (versioned, see docs/json-format.md)', render: (r) => renderJson(r) },
  { name: 'cyclonedx', description: 'CycloneDX 1.6 JSON SBOM', render: (r) => renderCycloneDx(r) },
  { name: 'spdx-json', description: 'SPDX 2.3 JSON SBOM', render: (r) => renderSpdxJson(r) },
];

export function rendererFor(name: string): Renderer {
  const r = renderers.find((x) => x.name === name);
  if (!r) throw new Error(`unknown format ${name}`);
  return r;
}
