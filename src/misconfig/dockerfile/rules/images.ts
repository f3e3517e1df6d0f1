/**
 * Images the build pulls: FROM, `COPY --from=<image>` and `RUN --mount=from=<image>`.
 * BH-DF-002 (no tag / latest), BH-DF-003 (no digest), BH-DF-004 (registry
 * not allowed), BH-DF-029 (`--from` naming no stage).
 */
import { COPY_FROM_UNKNOWN, NO_DIGEST, SYNTAX, UNPINNED_TAG, UNTRUSTED_REGISTRY } from '../checks.js';
import type { RuleContext } from '../context.js';
import { lookupFor, type Instr } from '../document.js';
import { displayName, isAllowedRegistry, parseImageRef, type ImageRef } from '../image-ref.js';
import { processWord } from '../variables.js';

function checkImage(ctx: RuleContext, ins: Instr, ref: ImageRef, via: string, fromDefault: boolean): void {
  const name = displayName(ref);
  const note = fromDefault ? ' (the default of a build argument)' : '';
  if (!ref.digest) {
    if (ref.tag === undefined) {
      ctx.report(UNPINNED_TAG, ins, { title: `${via} ${name} has no tag${note}: the build takes whatever ${name}:latest is today` });
    } else if (ref.tag === 'latest') {
      ctx.report(UNPINNED_TAG, ins, { title: `${via} ${name}:latest${note}: the build takes whatever latest is today` });
    } else {
      ctx.report(NO_DIGEST, ins, { title: `${via} ${name}:${ref.tag}${note} is not pinned by digest` });
    }
  }
  const allowed = ctx.options.allowedRegistries;
  if (allowed && allowed.length && !isAllowedRegistry(ref, allowed)) {
    ctx.report(UNTRUSTED_REGISTRY, ins, {
      title: `${via} ${name} comes from ${ref.registry}, which is not an allowed registry (${allowed.join(', ')})`,
    });
  }
}

export function checkBaseImages(ctx: RuleContext): void {
  for (const stage of ctx.doc.stages) {
    const ins = stage.from;
    const b = stage.base;
    if (b.kind === 'image') checkImage(ctx, ins, b.ref, 'FROM', b.viaVariable);
    else if (b.kind === 'missing') ctx.report(SYNTAX, ins, { title: 'FROM names no image' });
    else if (b.kind === 'invalid') ctx.report(SYNTAX, ins, { title: `FROM ${b.text}: not a valid image reference` });
  }
}

/** `COPY --from` / `ADD --from` / `RUN --mount=from=`: a stage name, a stage index or an image. */
export function checkFromReferences(ctx: RuleContext): void {
  const { doc } = ctx;
  for (const ins of doc.instructions) {
    const refs: Array<{ value: string; via: string }> = [];
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      for (const f of ins.flags) if (f.name === 'from' && f.value !== null) refs.push({ value: f.value, via: `${ins.keyword} --from=` });
    } else if (ins.keyword === 'RUN') {
      for (const f of ins.flags) {
        if (f.name !== 'mount' || !f.value) continue;
        const m = /(?:^|,)from=([^,]+)/.exec(f.value);
        if (m) refs.push({ value: m[1]!, via: 'RUN --mount=from=' });
      }
    }
    for (const r of refs) {
      const p = processWord(r.value, lookupFor(doc, ins), doc.escapeChar);
      if (!p.complete || !p.value) continue;
      const value = p.value;
      const current = ins.stage;
      if (/^\d+$/.test(value)) {
        const n = Number(value);
        if (current && n === current.index) ctx.report(COPY_FROM_UNKNOWN, ins, { title: `${r.via}${value} refers to the stage it is in: a stage cannot copy from itself` });
        else if (n >= doc.stages.length) ctx.report(COPY_FROM_UNKNOWN, ins, { title: `${r.via}${value}: the Dockerfile has no stage ${n}` });
        continue;
      }
      const stage = doc.stageByName.get(value.toLowerCase());
      if (stage) {
        if (stage === current) ctx.report(COPY_FROM_UNKNOWN, ins, { title: `${r.via}${value} refers to the stage it is in: a stage cannot copy from itself` });
        continue;
      }
      if (/[:/@]/.test(value)) {
        const ref = parseImageRef(value);
        if (ref) checkImage(ctx, ins, ref, r.via.replace(/=$/, ''), r.value.includes('$'));
        continue;
      }
      ctx.report(COPY_FROM_UNKNOWN, ins, {
        title: `${r.via}${value} names no stage of this Dockerfile: the build pulls the image ${value}:latest from Docker Hub instead`,
      });
    }
  }
}
