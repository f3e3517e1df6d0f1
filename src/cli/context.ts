import type { Command } from 'commander';
import type { CliIO } from './main.js';
import type { FlagSpec } from './flags.js';
import type pc from 'picocolors';

/** What command-group files (k8s, ship, runtime) get from the program builder. */
export interface CliContext {
  program: Command;
  io: CliIO;
  setCode: (code: number) => void;
  given: (cmd: Command) => Record<string, unknown>;
  addFlags: (cmd: Command, groups: ReadonlyArray<FlagSpec['group']>) => Command;
  writeAtomically: (file: string, content: string) => void;
  /** ANSI colours only on a terminal and without --no-color/NO_COLOR; never decided by the environment alone (CI=1 must not colour piped output). */
  colors: (cmd: Command) => ReturnType<typeof pc.createColors>;
}
