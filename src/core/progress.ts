/**
 * Progress of long scans on stderr: layers and bytes. Drawn only on a TTY and
 * never with --quiet; a non-TTY gets nothing, so logs stay clean.
 */
export interface ProgressReporter {
  start(totalLayers: number, totalBytes: number): void;
  layerDone(index: number, bytes: number, fromCache: boolean): void;
  finish(): void;
}

export const silentProgress: ProgressReporter = { start() {}, layerDone() {}, finish() {} };

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return silentProgress;
  let total = 0;
  let totalBytes = 0;
  let done = 0;
  let bytes = 0;
  let cached = 0;
  const draw = () => {
    const size = totalBytes ? ` ${formatBytes(bytes)}/${formatBytes(totalBytes)}` : ` ${formatBytes(bytes)}`;
    stream.write(`\r\x1b[2Kscanning layers ${done}/${total}${size}${cached ? ` (${cached} cached)` : ''}`);
  };
  return {
    start(t, tb) {
      total = t;
      totalBytes = tb;
      draw();
    },
    layerDone(_i, b, fromCache) {
      done++;
      bytes += b;
      if (fromCache) cached++;
      draw();
    },
    finish() {
      stream.write('\r\x1b[2K');
    },
  };
}
