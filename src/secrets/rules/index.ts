/**
 * The built-in secret rules, in priority order: when two rules report the
 * same secret on the same line, the earlier one is kept, so vendor formats
 * come before the generic `password=` / `secret:` rules.
 */
import type { SecretRule } from '../rule.js';
import { chatRules } from './chat.js';
import { cloudRules } from './cloud.js';
import { commerceRules } from './commerce.js';
import { genericRules } from './generic.js';
import { keyRules } from './keys.js';
import { kubernetesRules } from './kubernetes.js';
import { registryRules } from './registries.js';
import { serviceRules } from './services.js';
import { sourceHostingRules } from './source-hosting.js';

export const BUILTIN_SECRET_RULES: readonly SecretRule[] = [
  ...cloudRules,
  ...sourceHostingRules,
  ...chatRules,
  ...commerceRules,
  ...registryRules,
  ...keyRules,
  ...serviceRules,
  ...kubernetesRules,
  ...genericRules,
];
