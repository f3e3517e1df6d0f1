/**
 * pid → {name, exe, ppid, args, cwd}: seeded from /proc when the sensor
 * starts, then kept by exec and exit events, so that every event can carry
 * its process's ancestry (`proc.aname[n]`, `proc.apid[n]`) without reading
 * /proc on the hot path. Exited processes stay a few seconds: a child's
 * events can arrive after its parent's exit.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  name: string;
  exe?: string;
  args?: string[];
  argv0?: string;
  cwd?: string;
  /** Monotonic ms of the exit, when the process is gone. */
  exitedAt?: number;
}

export interface Ancestry {
  names: string[];
  exes: Array<string | undefined>;
  pids: number[];
}

export interface ProcessTableOptions {
  /** How long an exited process stays (ms). */
  graceMs?: number;
  /** Ancestors followed per event. */
  maxDepth?: number;
  /** Entries kept at most; the oldest exited ones go first. */
  maxEntries?: number;
}

export class ProcessTable {
  private readonly entries = new Map<number, ProcessEntry>();
  private readonly exits: Array<{ pid: number; at: number }> = [];
  private readonly graceMs: number;
  private readonly maxDepth: number;
  private readonly maxEntries: number;

  constructor(options: ProcessTableOptions = {}) {
    this.graceMs = options.graceMs ?? 5000;
    this.maxDepth = options.maxDepth ?? 16;
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Read every process under `procRoot`. Processes that vanish meanwhile are skipped. */
  seedFromProc(procRoot = '/proc'): number {
    let names: string[];
    try {
      names = readdirSync(procRoot);
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) {
      if (!/^[0-9]+$/.test(name)) continue;
      const entry = readProcEntry(procRoot, Number(name));
      if (entry) {
        this.entries.set(entry.pid, entry);
        n++;
      }
    }
    return n;
  }

  get(pid: number): ProcessEntry | undefined {
    return this.entries.get(pid);
  }

  onExec(entry: Omit<ProcessEntry, 'exitedAt'>): void {
    this.entries.set(entry.pid, { ...entry });
    this.prune();
  }

  /** A process seen in an event other than exec (forked, or started before the sensor and missed by the seed). */
  touch(pid: number, ppid: number, name: string): ProcessEntry {
    let e = this.entries.get(pid);
    if (!e || e.exitedAt !== undefined) {
      // A fork without exec runs its parent's image.
      const parent = this.entries.get(ppid);
      e = { pid, ppid, name, exe: parent?.exe, args: parent?.args, argv0: parent?.argv0, cwd: parent?.cwd };
      this.entries.set(pid, e);
    } else {
      e.ppid = ppid;
      e.name = name;
    }
    return e;
  }

  onExit(pid: number, now = performance.now()): void {
    const e = this.entries.get(pid);
    if (e) {
      e.exitedAt = now;
      this.exits.push({ pid, at: now });
    }
    this.prune(now);
  }

  /** Ancestors of `ppid` (itself first), nearest first, stopping at pid 0/1 loops and unknown pids. */
  ancestry(ppid: number): Ancestry {
    const out: Ancestry = { names: [], exes: [], pids: [] };
    const seen = new Set<number>();
    let pid = ppid;
    while (pid > 0 && out.pids.length < this.maxDepth && !seen.has(pid)) {
      seen.add(pid);
      const e = this.entries.get(pid);
      if (!e) break;
      out.names.push(e.name);
      out.exes.push(e.exe);
      out.pids.push(pid);
      pid = e.ppid;
    }
    return out;
  }

  private prune(now = performance.now()): void {
    while (this.exits.length > 0 && (now - this.exits[0]!.at > this.graceMs || this.entries.size > this.maxEntries)) {
      const { pid, at } = this.exits.shift()!;
      const e = this.entries.get(pid);
      if (e && e.exitedAt === at) this.entries.delete(pid);
    }
  }
}

/** One /proc/<pid> entry; undefined when the process is gone or unreadable. */
export function readProcEntry(procRoot: string, pid: number): ProcessEntry | undefined {
  const dir = join(procRoot, String(pid));
  let stat: string;
  try {
    stat = readFileSync(join(dir, 'stat'), 'latin1');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: it runs from the first "(" to the last ")".
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = stat.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  if (!Number.isInteger(ppid)) return undefined;
  const name = Buffer.from(stat.slice(open + 1, close), 'latin1').toString('utf8');
  const entry: ProcessEntry = { pid, ppid, name };
  try {
    entry.exe = readlinkSync(join(dir, 'exe'));
  } catch {
    // kernel threads have no exe
  }
  try {
    const argv = readFileSync(join(dir, 'cmdline')).toString('utf8').split('\0');
    if (argv.length > 0 && argv[argv.length - 1] === '') argv.pop();
    if (argv.length > 0) {
      entry.argv0 = argv[0];
      entry.args = argv.slice(1);
    }
  } catch {
    // gone
  }
  try {
    entry.cwd = readlinkSync(join(dir, 'cwd'));
  } catch {
    // not ours to read, or gone
  }
  return entry;
}
