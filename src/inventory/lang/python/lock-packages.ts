/** Python's lock-file package set: distributions compared by their PEP 503 name. */
import { LockPackages } from '../lock-packages.js';
import { normalizeName } from './name.js';

export function pythonLockPackages(): LockPackages {
  return new LockPackages({ nameKey: normalizeName });
}
