/** Every rule function, in the order they run. A rule reads the context and reports findings. */
import type { RuleContext } from '../context.js';
import { checkCommands } from './commands.js';
import { checkAdd, checkCopiedFiles } from './files.js';
import { checkBaseImages, checkFromReferences } from './images.js';
import { checkPackages } from './packages.js';
import { checkSecretsInEnv } from './secrets.js';
import {
  checkEntrypointForm,
  checkExpose,
  checkHealthcheck,
  checkHeavyBase,
  checkMaintainer,
  checkOverridden,
  checkStageNames,
  checkSyntax,
  checkUser,
  checkWorkdir,
} from './stages.js';

export type Rule = (ctx: RuleContext) => void;

export const dockerfileRules: ReadonlyArray<{ name: string; run: Rule }> = [
  { name: 'syntax', run: checkSyntax },
  { name: 'base images', run: checkBaseImages },
  { name: 'from references', run: checkFromReferences },
  { name: 'user', run: checkUser },
  { name: 'heavy base', run: checkHeavyBase },
  { name: 'healthcheck', run: checkHealthcheck },
  { name: 'entrypoint form', run: checkEntrypointForm },
  { name: 'overridden', run: checkOverridden },
  { name: 'stage names', run: checkStageNames },
  { name: 'maintainer', run: checkMaintainer },
  { name: 'expose', run: checkExpose },
  { name: 'workdir', run: checkWorkdir },
  { name: 'add', run: checkAdd },
  { name: 'copied files', run: checkCopiedFiles },
  { name: 'secrets', run: checkSecretsInEnv },
  { name: 'commands', run: checkCommands },
  { name: 'packages', run: checkPackages },
];
