/**
 * The loader keeps a compact line index instead of the parsed YAML document.
 * These tests hold it to the direct walk over the document (written out here
 * as the reference): for every field path of real manifests, and of random
 * ones, plus paths that leave the tree, both give the same lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, stringify, type Document, type Node as YamlNode } from 'yaml';
import { objectsOfText } from './load.js';
import type { FieldPath, LineRange } from './object.js';

/** The reference: walk the parsed document itself. */
function referenceLocate(doc: Document.Parsed, lines: LineCounter, path: FieldPath): LineRange {
  const lineOf = (offset: number) => lines.linePos(Math.max(0, offset)).line;
  const top = doc.contents as YamlNode;
  let node: unknown = top;
  let start = top.range?.[0] ?? 0;
  let end = top.range?.[1] ?? start;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const k = pair.key as YamlNode;
      const v = pair.value as YamlNode | null;
      start = k.range?.[0] ?? start;
      end = v?.range?.[1] ?? k.range?.[1] ?? end;
      node = v;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as YamlNode | undefined;
      if (!item?.range) break;
      start = item.range[0];
      end = item.range[1];
      node = item;
    } else break;
  }
  const startLine = lineOf(start);
  return { startLine, endLine: Math.max(startLine, lineOf(end > start ? end - 1 : end)) };
}

/** Every path into a value, and for each a few that step off it (missing keys, bad indexes). */
function pathsOf(value: unknown, prefix: FieldPath = [], out: FieldPath[] = []): FieldPath[] {
  out.push(prefix, [...prefix, 'no-such-key'], [...prefix, 0], [...prefix, -1], [...prefix, 99]);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** Compares every object of one text (single-object documents only) with the reference; returns how many paths were checked. */
function compare(text: string): number {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  if (!Array.isArray(docs)) return 0;
  const kept = docs.filter((d) => {
    const js = d.errors.length ? undefined : (d.toJS() as Record<string, unknown> | null);
    return js && typeof js === 'object' && !Array.isArray(js) && typeof js.apiVersion === 'string' && typeof js.kind === 'string';
  });
  const objects = [...objectsOfText(text, 'x.yaml')];
  expect(objects.length).toBe(kept.length);
  let checked = 0;
  objects.forEach((o, i) => {
    const doc = kept[i]!;
    for (const p of pathsOf(o.data)) {
      expect(o.locate(p), JSON.stringify(p)).toEqual(referenceLocate(doc, lines, p));
      checked++;
    }
  });
  return checked;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

describe('line index', () => {
  it('gives the same lines as walking the document, for every field of the test corpus', () => {
    let checked = 0;
    for (const f of yamlFiles(join(import.meta.dirname, '../../../../test/k8s/corpus'))) {
      const text = readFileSync(f, 'utf8');
      if (/^kind: \w*List$/m.test(text)) continue;
      checked += compare(text);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('handles flow style, aliases, complex keys, null values and numeric keys like the document walk', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: a, labels: {x: "1", 2: two}}
data:
  empty:
  anchored: &v
    deep: [1, {k: v}, [a, b]]
  alias: *v
  ? [complex, key]
  : value
  list:
  - a
  -
  - {b: c}
---
apiVersion: v1
kind: Pod
metadata:
  name: b
spec: {containers: [{name: c, image: i,
    ports: [{containerPort: 80}]}]}
`;
    expect(compare(text)).toBeGreaterThan(50);
  });

  it('gives the same lines for random objects in block and flow style', () => {
    const obj = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Thing'), spec: fc.jsonValue({ maxDepth: 4 }) });
    fc.assert(
      fc.property(fc.array(obj, { minLength: 1, maxLength: 3 }), fc.boolean(), (objs, flow) => {
        const text = objs.map((o) => stringify(o, flow ? { collectionStyle: 'flow' } : {})).join('---\n');
        compare(text);
      }),
      { numRuns: 150 },
    );
  });
});
