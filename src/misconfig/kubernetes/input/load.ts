/**
 * Kubernetes inputs: files and directories of YAML or JSON (multi-document,
 * `List` kinds, cluster dumps from `kubectl get -A -o yaml`), kustomize
 * directories (rendered with `kubectl kustomize`), and stdin (`-`, e.g. Helm
 * output). Objects are produced one document at a time, so memory follows the
 * largest file, not the whole input.
 *
 * Inputs are hostile: YAML bombs (alias expansion is bounded), deep nesting,
 * huge files, symlinks (never followed out of a directory walk), Go-template
 * Helm sources (recognized and refused with a hint). Invalid YAML is an
 * error with file:line; a document that is valid YAML but not a Kubernetes
 * object is a problem reported beside the results, never a crash.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, type Document, type Node as YamlNode } from 'yaml';
import { BulkheadError } from '../../../core/errors.js';
import { readStdinText } from '../../../core/stdin.js';
import { asString, isObject, refOf, type FieldPath, type JsonObject, type K8sObject, type LineRange } from './object.js';

/** Largest single input file or stdin we read. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;
/** Alias expansions allowed per document (the YAML-bomb guard). */
const MAX_ALIAS_COUNT = 1000;

export interface LoadProblem {
  file: string;
  line?: number;
  message: string;
}

export interface LoadOptions {
  /** Text of stdin when an input is `-`; read lazily from process.stdin when absent. */
  readStdin?: () => Promise<string>;
  /** The kubectl binary for kustomize directories (default `kubectl` on PATH). */
  kubectl?: string;
  /** Called for every document that is not a Kubernetes object and every skipped file. */
  onProblem?: (problem: LoadProblem) => void;
}

const YAML_FILE = /\.(ya?ml|json)$/i;
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Every object of every input, in input order. */
export async function* loadK8sObjects(inputs: readonly string[], options: LoadOptions = {}): AsyncGenerator<K8sObject> {
  for (const input of inputs) {
    if (input === '-') {
      const text = options.readStdin ? await options.readStdin() : await readStdinText(MAX_INPUT_BYTES);
      yield* objectsOfText(text, '-', options);
      continue;
    }
    yield* objectsOfPath(input, options, true);
  }
}

/** Convenience for small inputs and tests. */
export async function loadAll(inputs: readonly string[], options: LoadOptions = {}): Promise<K8sObject[]> {
  const out: K8sObject[] = [];
  for await (const o of loadK8sObjects(inputs, options)) out.push(o);
  return out;
}

async function* objectsOfPath(path: string, options: LoadOptions, named: boolean): AsyncGenerator<K8sObject> {
  let st: Stats;
  try {
    st = await lstat(path);
  } catch {
    throw new BulkheadError('TARGET_NOT_FOUND', `cannot read "${path}"`, { hint: 'give YAML or JSON files, directories, or - for stdin' });
  }
  if (st.isSymbolicLink()) {
    // Named on the command line: the user chose it. Inside a walk: never leave the tree.
    if (!named) return options.onProblem?.({ file: path, message: 'symbolic link skipped (links are not followed inside directories)' });
    st = await stat(resolve(path));
  }
  if (st.isDirectory()) {
    const entries = (await readdir(path)).sort();
    const kustomization = entries.find((e) => KUSTOMIZATION.includes(e));
    if (kustomization) {
      yield* objectsOfText(await kustomize(path, options), `kustomize:${path}`, options);
      return;
    }
    if (entries.includes('Chart.yaml')) {
      options.onProblem?.({ file: join(path, 'Chart.yaml'), message: 'a Helm chart holds templates, not manifests; skipped. Render it and pipe it in: helm template NAME DIR | bulkhead k8s -' });
      return;
    }
    for (const e of entries) {
      if (e.startsWith('.')) continue;
      const child = join(path, e);
      const cst = await lstat(child);
      if (cst.isDirectory() || (cst.isFile() && YAML_FILE.test(e))) yield* objectsOfPath(child, options, false);
      else if (cst.isSymbolicLink() && YAML_FILE.test(e)) options.onProblem?.({ file: relative('.', child) || child, message: 'symbolic link skipped (links are not followed inside directories)' });
    }
    return;
  }
  if (!st.isFile()) throw new BulkheadError('TARGET_UNSUPPORTED', `"${path}" is not a regular file or directory`, { hint: 'give YAML or JSON files, directories, or - for stdin' });
  if (st.size > MAX_INPUT_BYTES) {
    throw new BulkheadError('LIMIT_EXCEEDED', `"${path}" is ${st.size} bytes; the limit is ${MAX_INPUT_BYTES}`, { where: path, hint: 'split the input into smaller files' });
  }
  yield* objectsOfText(await readFile(path, 'utf8'), path, options);
}

/** Every object in one text (a file, stdin, or rendered kustomize output). */
export function* objectsOfText(text: string, file: string, options: Pick<LoadOptions, 'onProblem'> = {}): Generator<K8sObject> {
  if (text.length > MAX_INPUT_BYTES) {
    throw new BulkheadError('LIMIT_EXCEEDED', `${file} is larger than ${MAX_INPUT_BYTES} bytes`, { where: file, hint: 'split the input into smaller files' });
  }
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ uniqueKeys: true, strict: true, prettyErrors: false });
  const lineOf = (offset: number) => lines.linePos(Math.max(0, offset)).line;
  let docs: Generator<Document.Parsed>;
  try {
    docs = composer.compose(parser.parse(text), true, text.length) as Generator<Document.Parsed>;
  } catch (e) {
    throw yamlError(file, undefined, e);
  }
  let index = 0;
  while (true) {
    let next: IteratorResult<Document.Parsed>;
    try {
      next = docs.next();
    } catch (e) {
      throw yamlError(file, undefined, e);
    }
    if (next.done) break;
    const doc = next.value;
    index++;
    const err = doc.errors[0];
    if (err) throw yamlError(file, lineOf(err.pos[0]), err);
    if (doc.contents === null) continue;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      throw yamlError(file, lineOf(doc.contents.range?.[0] ?? 0), e);
    }
    if (data === null || data === undefined) continue;
    const docLine = lineOf(doc.contents.range?.[0] ?? 0);
    if (!isObject(data)) {
      options.onProblem?.({ file, line: docLine, message: `document ${index} is not a mapping; skipped` });
      continue;
    }
    const locator = makeLocator(doc, lineOf);
    const kind = asString(data['kind']);
    const items = data['items'];
    if (kind && kind.endsWith('List') && Array.isArray(items)) {
      for (let i = 0; i < items.length; i++) {
        const obj = toObject(items[i], file, ['items', i], locator, options);
        if (obj) yield obj;
      }
      continue;
    }
    const obj = toObject(data, file, [], locator, options);
    if (obj) yield obj;
  }
}

type Locator = (path: FieldPath) => LineRange;

function toObject(data: unknown, file: string, prefix: FieldPath, locate: Locator, options: Pick<LoadOptions, 'onProblem'>): K8sObject | undefined {
  const range = locate(prefix);
  if (!isObject(data)) {
    options.onProblem?.({ file, line: range.startLine, message: 'list item is not a mapping; skipped' });
    return undefined;
  }
  const apiVersion = asString(data['apiVersion']);
  const kind = asString(data['kind']);
  if (!apiVersion || !kind) {
    options.onProblem?.({ file, line: range.startLine, message: `not a Kubernetes object (no ${!apiVersion ? 'apiVersion' : 'kind'}); skipped` });
    return undefined;
  }
  const metadata = isObject(data['metadata']) ? (data['metadata'] as JsonObject) : {};
  const name = asString(metadata['name']) ?? (asString(metadata['generateName']) ? `${metadata['generateName'] as string}*` : '<unnamed>');
  const namespace = asString(metadata['namespace']);
  return {
    apiVersion,
    kind,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    data,
    file,
    range,
    locate: prefix.length ? (path) => locate([...prefix, ...path]) : locate,
    ref: refOf(apiVersion, kind, name, namespace),
  };
}

/**
 * Line ranges of fields of one parsed document. The YAML node tree (every
 * scalar with its offsets) is several times the size of the data, so it is
 * not kept: the collections are copied into one flat table of line ranges
 * (`LineIndex`) and the document is dropped as soon as its objects are made.
 */
function makeLocator(doc: Document.Parsed, lineOf: (offset: number) => number): Locator {
  const index = lineIndex(doc.contents as YamlNode, lineOf);
  return (path) => index.locate(path);
}

/** The collections of a document, walked once: per map pair and sequence item, its key and line range. */
class LineIndex {
  /**
   * Per collection at offset o: `cells[o]` is MAP or SEQ, `cells[o + 1]` the
   * number of entries, `cells[o + 2]` where its keys start in `keys` (maps);
   * then per entry: start line, end line, and the offset of the entry's value
   * when that value is itself a collection (else -1). A sequence item without
   * a range has start line -1.
   */
  readonly cells: number[] = [];
  readonly keys: Array<string | undefined> = [];
  root = -1;
  startLine = 1;
  endLine = 1;

  locate(path: FieldPath): LineRange {
    const { cells, keys } = this;
    let node = this.root;
    let startLine = this.startLine;
    let endLine = this.endLine;
    for (const key of path) {
      if (node < 0) break;
      const n = cells[node + 1]!;
      let entry = -1;
      if (cells[node] === MAP) {
        const want = String(key);
        const base = cells[node + 2]!;
        for (let i = 0; i < n; i++) {
          if (keys[base + i] === want) {
            entry = i;
            break;
          }
        }
      } else if (typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < n && cells[node + 3 + key * 3]! >= 0) entry = key;
      if (entry < 0) break;
      const at = node + 3 + entry * 3;
      startLine = cells[at]!;
      endLine = cells[at + 1]!;
      node = cells[at + 2]!;
    }
    return { startLine, endLine };
  }
}

const MAP = 0;
const SEQ = 1;

function lineIndex(top: YamlNode, lineOf: (offset: number) => number): LineIndex {
  const index = new LineIndex();
  const { cells, keys } = index;
  const lines = (start: number, end: number): [number, number] => {
    const startLine = lineOf(start);
    // Ranges end just past the value; step back so a trailing newline does not count as a line.
    return [startLine, Math.max(startLine, lineOf(end > start ? end - 1 : end))];
  };
  const topStart = top.range?.[0] ?? 0;
  const topEnd = top.range?.[1] ?? topStart;
  [index.startLine, index.endLine] = lines(topStart, topEnd);
  // A stack, not recursion: the document may nest as deeply as the YAML reader allows.
  // `slot` is the cell that points at the node (-1: the root); `start`/`end` the offsets of the entry that holds it.
  const todo: Array<{ node: unknown; slot: number; start: number; end: number }> = [{ node: top, slot: -1, start: topStart, end: topEnd }];
  while (todo.length) {
    const { node, slot, start, end } = todo.pop()!;
    let o = -1;
    if (isMap(node)) {
      o = cells.length;
      const pairs = node.items;
      cells.push(MAP, pairs.length, keys.length);
      for (const p of pairs) keys.push(isScalar(p.key) ? String(p.key.value) : undefined);
      for (const p of pairs) {
        const k = p.key as YamlNode | null;
        const v = p.value as YamlNode | null;
        // A pair whose key is not a scalar is never found (its key is undefined).
        if (!isScalar(k)) {
          cells.push(-1, -1, -1);
          continue;
        }
        const from = k.range?.[0] ?? start;
        const to = v?.range?.[1] ?? k.range?.[1] ?? end;
        cells.push(...lines(from, to), -1);
        todo.push({ node: v, slot: cells.length - 1, start: from, end: to });
      }
    } else if (isSeq(node)) {
      o = cells.length;
      const items = node.items as unknown[];
      cells.push(SEQ, items.length, -1);
      for (const item of items) {
        const range = (item as YamlNode | null)?.range;
        if (!range) {
          cells.push(-1, -1, -1);
          continue;
        }
        cells.push(...lines(range[0], range[1]), -1);
        todo.push({ node: item, slot: cells.length - 1, start: range[0], end: range[1] });
      }
    }
    if (slot < 0) index.root = o;
    else cells[slot] = o;
  }
  return index;
}

function yamlError(file: string, line: number | undefined, e: unknown): BulkheadError {
  const raw = e instanceof Error ? e.message : String(e);
  const message = raw.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const stack = e instanceof RangeError;
  return new BulkheadError('K8S_INPUT_INVALID', stack ? 'the YAML nests too deeply to read' : `invalid YAML: ${message}`, {
    where: line ? `${file}:${line}` : file,
    hint: /alias/i.test(raw) ? 'the document expands too many aliases (a YAML bomb?); remove the anchors' : 'fix the YAML (kubectl apply --dry-run=client -f FILE shows the same error)',
    cause: e,
  });
}

async function kustomize(dir: string, options: LoadOptions): Promise<string> {
  const kubectl = options.kubectl ?? 'kubectl';
  return new Promise((resolvePromise, reject) => {
    execFile(kubectl, ['kustomize', dir], { maxBuffer: MAX_INPUT_BYTES, timeout: 120_000 }, (err, stdout, stderr) => {
      if (!err) return resolvePromise(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new BulkheadError('TOOL_MISSING', `${dir} is a kustomization, and rendering it needs kubectl, which is not installed`, {
          where: dir,
          hint: `install kubectl, or render it yourself and pipe it in: kustomize build ${dir} | bulkhead k8s -`,
        }));
      }
      reject(new BulkheadError('K8S_INPUT_INVALID', `kubectl kustomize failed: ${String(stderr).trim().split('\n')[0] ?? err.message}`, {
        where: dir,
        hint: 'fix the kustomization (run kubectl kustomize DIR to see the whole error)',
      }));
    });
  });
}
