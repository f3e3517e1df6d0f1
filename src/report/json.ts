/** Bulkhead's own JSON format: the ScanResult as it is (documented in docs/json-format.md). */
import type { ScanResult } from '../core/types.js';

export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
