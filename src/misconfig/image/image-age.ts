/**
 * BH-IMG-012: the image's `created` time is more than `maxImageAgeDays`
 * before `now`. Reproducible builds set `created` to the Unix epoch (or leave
 * it out) on purpose, and a date in the future says nothing, so neither is
 * reported.
 */
import { findingFor } from '../../core/check.js';
import type { Finding } from '../../core/types.js';
import { imageAgeCheck } from './checks.js';
import type { ImageCheckContext } from './context.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Earlier than this is a zeroed timestamp, not a build date. */
const PLAUSIBLE_SINCE = Date.parse('2000-01-01T00:00:00Z');

/** Whole days between a `created` timestamp and `now`, or undefined when it is not a real build date. */
export function imageAgeDays(created: string | undefined, now: Date): number | undefined {
  if (typeof created !== 'string' || created.length > 64) return undefined;
  const t = Date.parse(created);
  if (Number.isNaN(t) || t < PLAUSIBLE_SINCE || t > now.getTime()) return undefined;
  return Math.floor((now.getTime() - t) / DAY_MS);
}

export function checkImageAge(ctx: ImageCheckContext): Finding[] {
  const created = ctx.result.image?.created;
  const age = imageAgeDays(created, ctx.now);
  if (age === undefined || age <= ctx.maxImageAgeDays) return [];
  const day = new Date(Date.parse(created!)).toISOString().slice(0, 10);
  return [
    findingFor(imageAgeCheck, {}, {
      title: `Image was built ${age} days ago (${day})`,
      evidence: `created ${created}; the limit is ${ctx.maxImageAgeDays} days`,
    }),
  ];
}
