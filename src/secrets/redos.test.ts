/**
 * Every rule against 100 KB adversarial lines built from its own keywords and
 * sample: long runs of token characters after a prefix (greedy then fail),
 * the prefix repeated without a break (many start positions), a near-complete
 * sample repeated. Linear-time patterns take milliseconds; a backtracking one
 * would take seconds or never finish. No wall-clock limit: each adversarial line
 * is compared with a benign line of the same size scanned by the same rule set
 * (fastest of three runs each), and may cost at most RATIO times as much, with
 * a floor under the baseline so timer noise cannot fail it.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_SECRET_RULES } from './rules/index.js';
import { SecretRuleSet } from './scanner.js';
import { ruleSamples } from './testdata/samples.js';
import { allowedMs, bestOf3, SLOWDOWN_ALLOWED } from '../../test/helpers/relative-time.js';

const SIZE = 100 * 1024;
const fill = (unit: string): string => (unit ? unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE) : '');

function adversarialLines(keywords: readonly string[], positive: string, secret: string): string[] {
  const line = positive.trim().split('\n').find((l) => l.includes(secret.slice(0, 8))) ?? positive.trim();
  const first = positive.split('\n')[0]!;
  const out = [
    fill(line.slice(0, -1)),
    fill(`${line.slice(0, -1)} `),
    fill(line.slice(0, Math.ceil(line.length / 2))),
    // The opening line many times, then the whole sample once (many starts sharing one end).
    fill(`${first}\n`) + positive,
  ];
  const body = secret.length > 8 ? secret.slice(4) : 'Aa0_-';
  for (const k of keywords.slice(0, 3)) {
    out.push(k + fill(body), fill(k), fill(`${k}=`), fill(`${k}: "`), k + fill('a'), k + fill('0'), k + fill('-'), k + fill('A/+'));
  }
  return out;
}

const samples = new Map(ruleSamples().map((s) => [s.rule, s]));

/** Ordinary prose of SIZE characters: no keyword of any rule, so it is what any line costs to read. */
const benign = fill('the quick brown fox jumps over the lazy dog and then some ');

describe('secret rule regexes run in linear time', () => {
  for (const rule of BUILTIN_SECRET_RULES) {
    it(`${rule.id} on 100 KB adversarial lines`, () => {
      const sample = samples.get(rule.id)!;
      const set = new SecretRuleSet([rule]);
      const path = sample.path ?? '/app/config.env';
      const limit = allowedMs(bestOf3(() => set.scanText(path, benign)));
      const slow: string[] = [];
      for (const text of adversarialLines(rule.keywords, sample.positive, sample.secret)) {
        // One run first; only a line over the limit is measured again (fastest of three), so noise cannot fail it.
        const t = performance.now();
        set.scanText(path, text);
        if (performance.now() - t > limit && bestOf3(() => set.scanText(path, text)) > limit) slow.push(JSON.stringify(text.slice(0, 40)));
      }
      expect(slow, `lines costing more than ${SLOWDOWN_ALLOWED}× a benign line of the same size`).toEqual([]);
    });
  }
});
