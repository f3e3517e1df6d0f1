/**
 * Runs the analyzers over one file: decides whether a file is wanted (and
 * how many bytes to buffer for it), then collects each analyzer's result. An
 * analyzer that throws on a hostile file costs a warning, not the scan.
 */
import type { AnalysisResult, Analyzer, AnalyzerContext, FileInfo } from '../inventory/analyzer.js';
import { DEFAULT_MAX_BYTES } from '../inventory/analyzer.js';

export interface FileResult {
  analyzer: string;
  result: AnalysisResult;
}

export class FileAnalysisRunner {
  constructor(
    private readonly analyzers: readonly Analyzer[],
    private readonly ctx: AnalyzerContext,
  ) {}

  /** Bytes to buffer for this file: the largest limit among analyzers that want it, 0 when none does. */
  limitFor(info: FileInfo): number {
    let limit = 0;
    for (const a of this.analyzers) {
      if (a.wants(info.path, info)) limit = Math.max(limit, a.maxBytes ?? DEFAULT_MAX_BYTES);
    }
    return limit;
  }

  /** True when some analyzer wants the file but it is larger than every such analyzer accepts. */
  tooLarge(info: FileInfo, limit: number): boolean {
    return limit > 0 && info.size > limit;
  }

  async run(info: FileInfo, content: Buffer, warnings: string[]): Promise<FileResult[]> {
    const out: FileResult[] = [];
    for (const a of this.analyzers) {
      if (!a.wants(info.path, info)) continue;
      if (content.length > (a.maxBytes ?? DEFAULT_MAX_BYTES)) continue;
      try {
        const result = await a.analyze({ path: info.path, info, content }, this.ctx);
        if (!result) continue;
        if (result.warnings) warnings.push(...result.warnings.map((w) => `${info.path}: ${w}`));
        const { warnings: _w, ...kept } = result;
        if (kept.os || kept.packages?.length || kept.ownership?.length || kept.findings?.length) out.push({ analyzer: a.id, result: kept });
      } catch (e) {
        warnings.push(`${info.path}: ${a.id} could not read it (${(e as Error).message})`);
      }
    }
    return out;
  }
}
