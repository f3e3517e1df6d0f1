/**
 * Speed checks for hostile input without a wall-clock budget: a hostile input
 * is compared with a benign one measured on the same machine in the same test,
 * each as the best of three runs. Only a blow-up of many times the benign cost
 * fails; a slow or busy machine slows both sides alike. The floor keeps a
 * sub-millisecond baseline from turning timer noise into failures. Hangs are
 * left to the vitest timeout.
 *
 * Used only where the code under test has no work counter and no limit whose
 * outcome a test can assert instead.
 */
import { expect } from 'vitest';

/** How many times the benign cost a hostile input may take. */
export const SLOWDOWN_ALLOWED = 20;
/** Baselines below this count as this much. */
export const BASELINE_FLOOR_MS = 50;

function once(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

async function onceAsync(run: () => unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** The fastest of three runs, in milliseconds. */
export function bestOf3(run: () => unknown): number {
  return Math.min(once(run), once(run), once(run));
}

export async function bestOf3Async(run: () => unknown): Promise<number> {
  return Math.min(await onceAsync(run), await onceAsync(run), await onceAsync(run));
}

/** The most a hostile input may take, given the benign baseline. */
export function allowedMs(benignMs: number): number {
  return SLOWDOWN_ALLOWED * Math.max(benignMs, BASELINE_FLOOR_MS);
}

function check(hostileMs: number, benignMs: number, label: string): void {
  const limit = allowedMs(benignMs);
  expect(
    hostileMs <= limit,
    `${label}: best of 3 took ${hostileMs.toFixed(1)} ms, more than ${SLOWDOWN_ALLOWED} x the benign ${benignMs.toFixed(1)} ms (floor ${BASELINE_FLOOR_MS} ms)`,
  ).toBe(true);
}

/** Hostile against benign, both measured here as the best of three. */
export function expectComparableCost(hostile: () => unknown, benign: () => unknown, label = 'hostile input'): void {
  const benignMs = bestOf3(benign);
  check(bestOf3(hostile), benignMs, label);
}

/**
 * For fuzz properties: run each case once, and only a case over the limit is
 * timed twice more, so the check costs almost nothing while inputs are cheap.
 */
export function withinBaseline(benignMs: number, run: () => unknown, label = 'fuzz case'): void {
  const limit = allowedMs(benignMs);
  let best = once(run);
  for (let i = 0; i < 2 && best > limit; i++) best = Math.min(best, once(run));
  check(best, benignMs, label);
}

export async function withinBaselineAsync(benignMs: number, run: () => unknown, label = 'fuzz case'): Promise<void> {
  const limit = allowedMs(benignMs);
  let best = await onceAsync(run);
  for (let i = 0; i < 2 && best > limit; i++) best = Math.min(best, await onceAsync(run));
  check(best, benignMs, label);
}
