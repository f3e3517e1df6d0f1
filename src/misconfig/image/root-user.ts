/**
 * BH-IMG-001: the configured user is root. An empty User means the runtime's
 * default, which is root; `root`, `0`, `root:…` and `0:…` name UID 0 outright.
 * A named user other than root is not resolved against /etc/passwd here.
 */
import { findingFor } from '../../core/check.js';
import type { Finding } from '../../core/types.js';
import { rootUserCheck } from './checks.js';
import { historyEntries, instructionOf, type ImageCheckContext } from './context.js';

/** True when a config `User` value (`user[:group]`) runs processes as UID 0. */
export function isRootUser(user: string | undefined): boolean {
  const spec = (user ?? '').trim();
  if (!spec) return true;
  const name = spec.split(':')[0]!.trim();
  return name === 'root' || /^0+$/.test(name);
}

export function checkRootUser(ctx: ImageCheckContext): Finding[] {
  const image = ctx.result.image;
  if (!image) return [];
  const user = typeof image.config.user === 'string' ? image.config.user.trim() : '';
  if (!isRootUser(user)) return [];
  if (!user) {
    return [findingFor(rootUserCheck, {}, { title: 'Image runs as root (no USER set)', evidence: 'User is empty: the runtime default, root' })];
  }
  const step = lastUserStep(ctx);
  const evidence = `User is ${JSON.stringify(user.slice(0, 64))}${step === undefined ? '' : ` (set by history[${step}])`}`;
  return [findingFor(rootUserCheck, {}, { title: `Image runs as root (USER ${user.slice(0, 64)})`, evidence })];
}

/** The last history entry that is a USER instruction, if the history says. */
function lastUserStep(ctx: ImageCheckContext): number | undefined {
  let found: number | undefined;
  for (const { index, text } of historyEntries(ctx)) if (instructionOf(text) === 'USER') found = index;
  return found;
}
