/**
 * `nodeScan(rootDir)`: the CIS 1.1.x and 4.1.x file checks on a node's
 * filesystem under `rootDir` (`/` on the node itself, or a mounted snapshot).
 *
 * Only lstat is used, component by component from the root: a symbolic link,
 * whether the file itself or a directory on the way to it, is never followed;
 * it is reported as a link (severity info: the target was not checked)
 * instead. Directory walks are bounded in depth and entries. A file that
 * does not exist is not a finding (worker nodes have no manifests); one that
 * cannot be read is a problem, reported beside the findings.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { findingFor } from '../../../core/check.js';
import { BulkheadError } from '../../../core/errors.js';
import type { Finding } from '../../../core/types.js';
import { nodeRules, type FileRule, type Owner } from './checks.js';
import { readNodeFile, safeLstat, type Entry } from './node-fs.js';

export interface NodeProblem {
  path: string;
  message: string;
}

export interface NodeScanResult {
  findings: Finding[];
  /** Node paths that were checked (each once, in order). */
  checked: string[];
  /** Paths that exist but could not be examined. */
  problems: NodeProblem[];
}

const MAX_DEPTH = 8;
const MAX_ENTRIES = 10_000;

interface Identities {
  users: Map<number, string>;
  groups: Map<number, string>;
  etcd?: { uid?: number; gid?: number };
}

function parseIds(text: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of (text ?? '').split('\n').slice(0, 100_000)) {
    const [name, , id] = line.split(':');
    const n = Number(id);
    if (name && Number.isInteger(n) && !out.has(n)) out.set(n, name);
  }
  return out;
}

async function identities(root: string): Promise<Identities> {
  const users = parseIds(await readNodeFile(root, '/etc/passwd'));
  const groups = parseIds(await readNodeFile(root, '/etc/group'));
  const find = (m: Map<number, string>) => [...m.entries()].find(([, n]) => n === 'etcd')?.[0];
  const uid = find(users);
  const gid = find(groups);
  return { users, groups, ...(uid !== undefined || gid !== undefined ? { etcd: { ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}) } } : {}) };
}

/** The etcd data directory: `--data-dir` of the etcd static pod, else /var/lib/etcd. */
async function etcdDataDir(root: string): Promise<string> {
  const manifest = await readNodeFile(root, '/etc/kubernetes/manifests/etcd.yaml');
  const m = manifest ? /--data-dir[=\s]+["']?(\/[^\s"']+)/.exec(manifest) : null;
  return m ? m[1]! : '/var/lib/etcd';
}

/** The kubelet's client CA: `authentication.x509.clientCAFile` of its config, else kubeadm's /etc/kubernetes/pki/ca.crt. */
async function kubeletClientCa(root: string): Promise<string> {
  const text = await readNodeFile(root, '/var/lib/kubelet/config.yaml');
  if (text) {
    try {
      const doc = parseYaml(text, { maxAliasCount: 100 }) as { authentication?: { x509?: { clientCAFile?: unknown } } } | null;
      const file = doc?.authentication?.x509?.clientCAFile;
      if (typeof file === 'string' && file.startsWith('/')) return file;
    } catch {
      // An unreadable kubelet config is reported by the kubelet checks; fall back to the default.
    }
  }
  return '/etc/kubernetes/pki/ca.crt';
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

class NodeScanner {
  private readonly findings: Finding[] = [];
  private readonly checked = new Set<string>();
  private readonly problems: NodeProblem[] = [];
  private readonly trees = new Map<string, Entry[]>();
  private readonly reportedLinks = new Set<string>();
  private ids!: Identities;
  private dynamic!: Record<'etcd-data-dir' | 'kubelet-client-ca', string>;

  constructor(private readonly root: string) {}

  async run(): Promise<NodeScanResult> {
    this.ids = await identities(this.root);
    this.dynamic = { 'etcd-data-dir': await etcdDataDir(this.root), 'kubelet-client-ca': await kubeletClientCa(this.root) };
    for (const rule of nodeRules) {
      for (const entry of await this.entriesOf(rule)) this.apply(rule, entry);
    }
    return { findings: this.findings, checked: [...this.checked], problems: this.problems };
  }

  private async entriesOf(rule: FileRule): Promise<Entry[]> {
    const t = rule.target;
    if (t.kind === 'path') return Promise.all(t.paths.map((p) => safeLstat(this.root, p)));
    if (t.kind === 'dynamic') return [await safeLstat(this.root, this.dynamic[t.name])];
    const all = await this.walk(t.dir);
    return all.filter((e) => {
      if (e.kind !== 'found') return e.kind !== 'missing' && (!t.match || t.match.test(e.path));
      if (e.path === t.dir) return !!t.includeDir;
      if (t.match) return e.stats.isFile() && t.match.test(e.path);
      return t.includeDir ? true : e.stats.isFile();
    });
  }

  /** The directory itself and everything under it, links reported rather than entered. */
  private async walk(dir: string): Promise<Entry[]> {
    const cached = this.trees.get(dir);
    if (cached) return cached;
    const out: Entry[] = [];
    const top = await safeLstat(this.root, dir);
    out.push(top);
    if (top.kind === 'found' && top.stats.isDirectory()) {
      const queue: Array<[string, number]> = [[top.path, 0]];
      while (queue.length && out.length < MAX_ENTRIES) {
        const [d, depth] = queue.shift()!;
        let names: string[];
        try {
          names = (await readdir(join(this.root, d))).sort();
        } catch (e) {
          out.push({ kind: 'problem', path: d, message: `cannot list: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
          continue;
        }
        for (const name of names) {
          if (out.length >= MAX_ENTRIES) {
            this.problems.push({ path: d, message: `more than ${MAX_ENTRIES} entries; the rest were not checked` });
            break;
          }
          const p = posix.join(d, name);
          let st: Stats;
          try {
            st = await lstat(join(this.root, p));
          } catch (e) {
            out.push({ kind: 'problem', path: p, message: `cannot examine: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
            continue;
          }
          if (st.isSymbolicLink()) {
            out.push({ kind: 'symlink', path: p, target: await readlink(join(this.root, p)).catch(() => '?') });
            continue;
          }
          out.push({ kind: 'found', path: p, stats: st });
          if (st.isDirectory() && depth + 1 < MAX_DEPTH) queue.push([p, depth + 1]);
        }
      }
    }
    this.trees.set(dir, out);
    return out;
  }

  private apply(rule: FileRule, entry: Entry): void {
    if (entry.kind === 'missing') return;
    if (entry.kind === 'problem') {
      if (!this.problems.some((p) => p.path === entry.path)) this.problems.push({ path: entry.path, message: entry.message });
      return;
    }
    if (entry.kind === 'symlink') {
      // One report per link and check kind (permissions, ownership).
      const key = `${rule.maxMode !== undefined ? 'mode' : 'owner'} ${entry.path}`;
      if (this.reportedLinks.has(key)) return;
      this.reportedLinks.add(key);
      this.findings.push(
        findingFor(rule.check, { path: entry.path }, {
          severity: 'info',
          title: `${entry.path} is a symbolic link (not followed)`,
          evidence: `CIS ${rule.cis}: ${entry.path} is a symbolic link to ${entry.target.slice(0, 256)}; links are not followed, so the file it points to was not checked`,
        }),
      );
      return;
    }
    this.checked.add(entry.path);
    const st = entry.stats;
    if (rule.maxMode !== undefined) {
      const bits = st.mode & 0o7777;
      if ((bits & ~rule.maxMode) === 0) return;
      const critical = (bits & 0o002) !== 0 || (rule.secret === true && !st.isDirectory() && (bits & 0o004) !== 0);
      this.findings.push(
        findingFor(rule.check, { path: entry.path }, {
          evidence: `CIS ${rule.cis}: ${entry.path} has mode ${octal(bits)}; at most ${octal(rule.maxMode)} allowed`,
          ...(critical ? { severity: 'critical' as const } : {}),
        }),
      );
      return;
    }
    if (rule.owner) {
      const problem = this.ownerProblem(rule.owner, st);
      if (problem) this.findings.push(findingFor(rule.check, { path: entry.path }, { evidence: `CIS ${rule.cis}: ${entry.path} ${problem}` }));
    }
  }

  private ownerProblem(owner: Owner, st: Stats): string | undefined {
    const name = (m: Map<number, string>, id: number) => `${id}${m.has(id) ? ` (${m.get(id)})` : ''}`;
    const has = `is owned by uid ${name(this.ids.users, st.uid)}, gid ${name(this.ids.groups, st.gid)}`;
    if (owner === 'root:root') return st.uid === 0 && st.gid === 0 ? undefined : `${has}; expected root:root`;
    const etcd = this.ids.etcd;
    if (etcd?.uid !== undefined && etcd.gid !== undefined) return st.uid === etcd.uid && st.gid === etcd.gid ? undefined : `${has}; expected etcd:etcd (${etcd.uid}:${etcd.gid})`;
    return `${has}; expected etcd:etcd, and the node's /etc/passwd and /etc/group define no etcd ${etcd?.uid === undefined ? 'user' : 'group'}`;
  }
}

export async function nodeScan(rootDir: string): Promise<NodeScanResult> {
  let st: Stats;
  try {
    st = await stat(rootDir);
  } catch {
    throw new BulkheadError('TARGET_NOT_FOUND', `cannot read the node root "${rootDir}"`, { where: rootDir, hint: 'give the node\'s root directory: / on the node, or where a snapshot of it is mounted' });
  }
  if (!st.isDirectory()) {
    throw new BulkheadError('TARGET_UNSUPPORTED', `"${rootDir}" is not a directory`, { where: rootDir, hint: 'give the node\'s root directory (the one that holds etc/kubernetes and var/lib/kubelet)' });
  }
  const k8s = await safeLstat(rootDir, '/etc/kubernetes');
  const kubelet = await safeLstat(rootDir, '/var/lib/kubelet');
  if (k8s.kind === 'missing' && kubelet.kind === 'missing') {
    throw new BulkheadError('NOTHING_FOUND', `no etc/kubernetes or var/lib/kubelet under "${rootDir}": this is not a Kubernetes node's root`, {
      where: rootDir,
      hint: 'give the root of a node (/ on the node, or a mounted snapshot), not /etc/kubernetes itself',
    });
  }
  return new NodeScanner(rootDir).run();
}

/** The findings of `nodeScan`; problems (unreadable paths) are only in `nodeScan`'s result. */
export async function nodeFindings(rootDir: string): Promise<Finding[]> {
  return (await nodeScan(rootDir)).findings;
}
