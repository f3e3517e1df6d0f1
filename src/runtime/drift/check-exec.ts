/**
 * Drift: an executed file that is not part of the container's image, or
 * whose content or mode differs from the image's. The exe path is the one
 * the kernel resolved (the sensor walks dentries), so symlinks, relative
 * paths and `..` cannot hide the real file; the content is read through the
 * container's root (/proc/<pid>/root while it lives, else the bundle rootfs).
 *
 * Verdicts, not alerts: the integrator maps `drift` to an alert (and may set
 * ProcessInfo.exeWritable). `unknown` says why the question could not be
 * answered (process gone and no rootfs, unreadable file), never "no drift".
 */
import type { SyscallEvent } from '../events.js';
import { lookupInIndex, type DriftIndex } from './image-index.js';
import type { ExecFileReader } from './readers.js';

export type DriftReason =
  | 'in-image'
  | 'not-in-image'
  | 'content-differs'
  | 'size-differs'
  | 'made-executable'
  | 'memfd'
  | 'deleted'
  | 'on-volume'
  | 'not-exec'
  | 'exe-unknown'
  | 'unreadable';

export interface DriftVerdict {
  status: 'ok' | 'drift' | 'unknown' | 'skipped';
  reason: DriftReason;
  path?: string;
  imageSha256?: string;
  actualSha256?: string;
  detail?: string;
}

export interface DriftCheckOptions {
  /** Container paths of volumes (bind mounts): execs below them are skipped unless checkVolumes. */
  volumes?: readonly string[];
  /** Check executables on volumes too: they are never in the image, so every one is drift. */
  checkVolumes?: boolean;
}

const under = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export async function checkExec(index: DriftIndex, event: SyscallEvent, reader: ExecFileReader, options: DriftCheckOptions = {}): Promise<DriftVerdict> {
  if (event.type !== 'execve') return { status: 'skipped', reason: 'not-exec' };
  const exe = event.proc.exe;
  if (exe === undefined) return { status: 'unknown', reason: 'exe-unknown', detail: 'the sensor could not resolve the executable path' };
  // Fileless execution: the kernel names a memfd "/memfd:<name> (deleted)".
  if (exe.startsWith('/memfd:')) return { status: 'drift', reason: 'memfd', path: exe };
  if (exe.endsWith(' (deleted)')) return { status: 'drift', reason: 'deleted', path: exe, detail: 'the executable was deleted while it ran' };
  const volume = (options.volumes ?? []).find((v) => under(exe, v));
  if (volume !== undefined && !options.checkVolumes) return { status: 'skipped', reason: 'on-volume', path: exe, detail: `below volume ${volume}` };
  const entry = index.files.get(exe) ?? lookupInIndex(index, exe)?.file;
  if (!entry || entry.type !== 'file') {
    return { status: 'drift', reason: 'not-in-image', path: exe, detail: entry ? `the image has a ${entry.type} there` : volume ? `on volume ${volume}` : undefined };
  }
  const actual = await reader.hash(exe);
  if (!actual) return { status: 'unknown', reason: 'unreadable', path: exe, detail: 'the file could not be read through the container root' };
  if ((entry.mode & 0o111) === 0 && (actual.mode & 0o111) !== 0) {
    return { status: 'drift', reason: 'made-executable', path: exe, detail: `image mode ${(entry.mode & 0o7777).toString(8)}, now ${(actual.mode & 0o7777).toString(8)}` };
  }
  if (entry.sha256 === undefined) {
    // Too large to hash at index time: the size is all there is to compare.
    return actual.size === entry.size ? { status: 'ok', reason: 'in-image', path: exe, detail: 'size compared only' } : { status: 'drift', reason: 'size-differs', path: exe };
  }
  if (actual.sha256 !== entry.sha256) return { status: 'drift', reason: 'content-differs', path: exe, imageSha256: entry.sha256, actualSha256: actual.sha256 };
  return { status: 'ok', reason: 'in-image', path: exe, imageSha256: entry.sha256, actualSha256: actual.sha256 };
}

/** Record a verdict on the event the rule engine sees (`proc.exeWritable` for drift). */
export function markDrift(event: SyscallEvent, verdict: DriftVerdict): SyscallEvent {
  if (verdict.status === 'drift') event.proc.exeWritable = true;
  else if (verdict.status === 'ok') event.proc.exeWritable = false;
  return event;
}
