/**
 * NuGet packages of a built .NET application, from the `<app>.deps.json`
 * the SDK writes beside it (images, root filesystems, build output in
 * checkouts). Each `libraries` entry of type `package` is one package, named
 * and versioned by its `Name/Version` key; `project` entries (the
 * application and its project references) and `reference` entries are not
 * packages and are skipped, as are `runtimepack` entries (the runtime of a
 * self-contained app, which is not a NuGet dependency).
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';

const MAX_LIBRARIES = 100_000;
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$/;
const VERSION = /^\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseDepsJson(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const out = { packages: [] as PackageRecord[], warnings: [] as string[] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.warnings.push('not valid JSON');
    return out;
  }
  const libraries = (doc as { libraries?: unknown } | null)?.libraries;
  if (typeof libraries !== 'object' || libraries === null || Array.isArray(libraries)) {
    out.warnings.push('no "libraries" object');
    return out;
  }
  const entries = Object.entries(libraries as Record<string, unknown>);
  let bad = 0;
  for (const [key, value] of entries.slice(0, MAX_LIBRARIES)) {
    if ((value as { type?: unknown } | null)?.type !== 'package') continue;
    const slash = key.indexOf('/');
    const name = key.slice(0, slash);
    const version = key.slice(slash + 1);
    if (slash <= 0 || !ID.test(name) || !VERSION.test(version)) {
      bad++;
      continue;
    }
    out.packages.push({ type: 'nuget', name, version });
  }
  if (bad) out.warnings.push(`${bad} package libraries without a valid "Name/Version" key skipped`);
  if (entries.length > MAX_LIBRARIES) out.warnings.push(`only the first ${MAX_LIBRARIES} of ${entries.length} libraries read`);
  return out;
}

export const dotnetDepsAnalyzer: Analyzer = {
  id: 'dotnet-deps',
  version: 1,
  description: 'NuGet packages of built .NET applications from *.deps.json',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => path.endsWith('.deps.json'),
  analyze({ content }) {
    const r = parseDepsJson(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
