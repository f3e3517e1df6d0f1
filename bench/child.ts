/**
 * One measured scan in a fresh process, so peak RSS belongs to this scan only.
 * argv: <reference> <cache-dir|-> ; prints {ms, maxRssKiB, packages, layersRead}.
 */
import { LayerCache } from '../src/cache/layer-cache.js';
import { scanImage } from '../src/pipeline/scan.js';

const [reference, cacheDir] = process.argv.slice(2) as [string, string];
const cache = cacheDir === '-' ? null : LayerCache.open(cacheDir);
const started = process.hrtime.bigint();
const result = await scanImage(reference, { cache, requirePackages: false });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
cache?.close();
process.stdout.write(
  JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS, packages: result.packages.length, layersRead: result.stats.layersRead }),
);
