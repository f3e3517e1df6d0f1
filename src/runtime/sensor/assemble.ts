/**
 * Joins the records of one probe run (string chunks, path components, walk
 * summaries, then the main record) into a RawEvent. Records are keyed by
 * (tid, key): a probe prints all of its records in one run on one CPU, so its
 * pieces precede its main record in the output; pieces whose main record
 * never comes (lost in a full perf buffer) are evicted and counted.
 */
import { bpftraceStringBytes } from './bytes.js';
import { CONTEXT_FIELDS, CONTEXT_LENGTH, MAIN, PIECE, READY, TRUNCATED_CHUNK, WALK, isMainCode, type MainCode, type MainKind } from './protocol.js';

export interface RawString {
  bytes: Buffer;
  /** The string went on past the chunks read. */
  truncated: boolean;
  /** A chunk is missing (lost records): the value is not trustworthy. */
  incomplete: boolean;
}

export interface RawPath {
  /** Absolute path bytes as the kernel resolved it, when the walk completed. */
  bytes?: Buffer;
  status: number;
  /** Why `bytes` is absent. */
  problem?: 'depth-limit' | 'other-mount' | 'missing-components';
}

export interface RawContext {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  cgroup: number;
  pidns: number;
  comm: Buffer;
}

export interface RawEvent {
  code: MainCode;
  kind: MainKind;
  tid: number;
  /** bpf_ktime_get_ns() at the start of the probe (CLOCK_MONOTONIC). */
  key: number;
  ctx: RawContext;
  values: Record<string, number>;
  /** field → sub → string. */
  strings: Map<number, Map<number, RawString>>;
  /** field → kernel-resolved path. */
  paths: Map<number, RawPath>;
}

export type AssembleResult =
  | { type: 'event'; event: RawEvent }
  | { type: 'ready'; nsecs: number }
  | { type: 'piece' }
  | { type: 'malformed'; reason: string }
  | { type: 'unknown'; code: string };

interface Pending {
  chunks: Map<string, Map<number, Buffer>>; // `${field}:${sub}` → chunk → bytes
  components: Map<number, Map<number, Map<number, Buffer>>>; // field → depth → chunk → bytes
  walks: Map<number, { depth: number; status: number }>;
}

export interface AssemblerOptions {
  /** Bytes per string chunk (BPFTRACE_STRLEN - 1). */
  chunk: number;
  /** Pending probe runs kept before the oldest is evicted. */
  maxPending?: number;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export class RecordAssembler {
  private readonly pending = new Map<string, Pending>();
  /** Pieces evicted without a main record (lost or garbled records). */
  orphaned = 0;
  private readonly maxPending: number;

  constructor(private readonly options: AssemblerOptions) {
    this.maxPending = options.maxPending ?? 4096;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  add(values: ReadonlyArray<string | number>): AssembleResult {
    const code = values[0];
    if (typeof code !== 'string') return { type: 'malformed', reason: 'record without a code' };
    if (code === READY) return isInt(values[1]) && values.length === 2 ? { type: 'ready', nsecs: values[1] } : { type: 'malformed', reason: 'bad ready record' };
    const tid = values[1];
    const key = values[2];
    if (!isInt(tid) || !isInt(key)) return isMainCode(code) || isPiece(code) ? { type: 'malformed', reason: `record ${code} without tid and key` } : { type: 'unknown', code };
    const id = `${tid}:${key}`;
    switch (code) {
      case PIECE.string: {
        const [, , , field, sub, chunk, text] = values;
        if (values.length !== 7 || !isInt(field) || !isInt(sub) || !isInt(chunk) || typeof text !== 'string') return { type: 'malformed', reason: 'bad string chunk record' };
        const slot = `${field}:${sub}`;
        const p = this.slot(id);
        let m = p.chunks.get(slot);
        if (!m) p.chunks.set(slot, (m = new Map()));
        m.set(chunk, bpftraceStringBytes(text));
        return { type: 'piece' };
      }
      case PIECE.component: {
        const [, , , field, depth, chunk, text] = values;
        if (values.length !== 7 || !isInt(field) || !isInt(depth) || !isInt(chunk) || typeof text !== 'string') return { type: 'malformed', reason: 'bad path component record' };
        const p = this.slot(id);
        let byDepth = p.components.get(field);
        if (!byDepth) p.components.set(field, (byDepth = new Map()));
        let byChunk = byDepth.get(depth);
        if (!byChunk) byDepth.set(depth, (byChunk = new Map()));
        byChunk.set(chunk, bpftraceStringBytes(text));
        return { type: 'piece' };
      }
      case PIECE.walk: {
        const [, , , field, depth, status] = values;
        if (values.length !== 6 || !isInt(field) || !isInt(depth) || !isInt(status)) return { type: 'malformed', reason: 'bad walk record' };
        this.slot(id).walks.set(field, { depth, status });
        return { type: 'piece' };
      }
    }
    if (!isMainCode(code)) return { type: 'unknown', code };
    const spec = MAIN[code];
    if (values.length !== CONTEXT_LENGTH + spec.fields.length) return { type: 'malformed', reason: `record ${code} has ${values.length} fields, expected ${CONTEXT_LENGTH + spec.fields.length}` };
    const ctxValues = values.slice(3, CONTEXT_LENGTH);
    const commIndex = CONTEXT_FIELDS.findIndex((f) => f.name === 'comm');
    const ctx: Record<string, unknown> = {};
    for (let i = 0; i < CONTEXT_FIELDS.length; i++) {
      const v = ctxValues[i];
      if (i === commIndex) {
        if (typeof v !== 'string') return { type: 'malformed', reason: `record ${code}: comm is not a string` };
        ctx.comm = bpftraceStringBytes(v);
      } else {
        if (!isInt(v)) return { type: 'malformed', reason: `record ${code}: ${CONTEXT_FIELDS[i]!.name} is not an integer` };
        ctx[CONTEXT_FIELDS[i]!.name] = v;
      }
    }
    const fieldValues: Record<string, number> = {};
    for (let i = 0; i < spec.fields.length; i++) {
      const v = values[CONTEXT_LENGTH + i];
      if (!isInt(v)) return { type: 'malformed', reason: `record ${code}: ${spec.fields[i]} is not an integer` };
      fieldValues[spec.fields[i]!] = v;
    }
    const p = this.pending.get(id);
    this.pending.delete(id);
    const event: RawEvent = {
      code,
      kind: spec.kind,
      tid,
      key,
      ctx: ctx as unknown as RawContext,
      values: fieldValues,
      strings: p ? this.strings(p) : new Map(),
      paths: p ? this.paths(p) : new Map(),
    };
    return { type: 'event', event };
  }

  private slot(id: string): Pending {
    let p = this.pending.get(id);
    if (!p) {
      if (this.pending.size >= this.maxPending) {
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
        this.orphaned++;
      }
      p = { chunks: new Map(), components: new Map(), walks: new Map() };
      this.pending.set(id, p);
    }
    return p;
  }

  private strings(p: Pending): Map<number, Map<number, RawString>> {
    const out = new Map<number, Map<number, RawString>>();
    for (const [slot, chunks] of p.chunks) {
      const [field, sub] = slot.split(':').map(Number) as [number, number];
      let m = out.get(field);
      if (!m) out.set(field, (m = new Map()));
      m.set(sub, this.joinChunks(chunks));
    }
    return out;
  }

  /**
   * Chunk k+1 continues chunk k only when chunk k was full; a garbage chunk
   * after a short one is dropped. A gap before the highest chunk seen means
   * records were lost.
   */
  private joinChunks(chunks: Map<number, Buffer>): RawString {
    const truncated = chunks.has(TRUNCATED_CHUNK);
    let highest = -1;
    for (const k of chunks.keys()) if (k !== TRUNCATED_CHUNK && k > highest) highest = k;
    const parts: Buffer[] = [];
    let incomplete = false;
    for (let k = 0; ; k++) {
      const part = chunks.get(k);
      if (!part) {
        if (k === 0 || k <= highest) incomplete = true;
        break;
      }
      parts.push(part);
      if (part.length < this.options.chunk) break;
    }
    return { bytes: Buffer.concat(parts), truncated, incomplete };
  }

  private paths(p: Pending): Map<number, RawPath> {
    const out = new Map<number, RawPath>();
    for (const [field, w] of p.walks) {
      const byDepth = p.components.get(field) ?? new Map<number, Map<number, Buffer>>();
      if (w.status === WALK.depthLimit) {
        out.set(field, { status: w.status, problem: 'depth-limit' });
        continue;
      }
      if (w.status === WALK.otherMount) {
        out.set(field, { status: w.status, problem: 'other-mount' });
        continue;
      }
      const names: Buffer[] = [];
      let missing = byDepth.size !== w.depth;
      for (let d = w.depth - 1; d >= 0 && !missing; d--) {
        const chunks = byDepth.get(d);
        if (!chunks) {
          missing = true;
          break;
        }
        const joined = this.joinChunks(chunks);
        if (joined.incomplete) missing = true;
        names.push(joined.bytes);
      }
      if (missing) {
        out.set(field, { status: w.status, problem: 'missing-components' });
        continue;
      }
      const slash = Buffer.from('/');
      const bytes = names.length === 0 ? slash : Buffer.concat(names.flatMap((n) => [slash, n]));
      out.set(field, { status: w.status, bytes });
    }
    return out;
  }
}

function isPiece(code: string): boolean {
  return code === PIECE.string || code === PIECE.component || code === PIECE.walk;
}
