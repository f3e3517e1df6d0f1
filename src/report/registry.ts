/** The one list of output formats: name → pure renderer of a ScanResult. */
import type { ScanResult } from '../core/types.js';
import { renderCycloneDx } from '../sbom/cyclonedx.js';
import { renderSpdxJson } from '../sbom/spdx.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';
import { renderSarif } from './sarif.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';

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
  { name: 'sarif', description: 'SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (validated against the official schema)', render: (r) => renderSarif(r) },
  { name: 'junit', description: 'JUnit XML: one test case per finding, failed unless suppressed', render: (r) => renderJUnit(r) },
  { name: 'markdown', description: 'Markdown summary for pull requests: counts by severity and a table per kind', render: (r) => renderMarkdown(r) },
];

export function rendererFor(name: string): Renderer {
  const r = renderers.find((x) => x.name === name);
  if (!r) throw new Error(`unknown format ${name}`);
  return r;
}
