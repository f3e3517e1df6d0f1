/**
 * Where a key password comes from: an explicit option, then
 * BULKHEAD_KEY_PASSWORD, then COSIGN_PASSWORD (what cosign users already
 * set). The value is never logged or put in an error message. An empty
 * string is a real password (cosign encrypts with it); undefined means none.
 */
export function resolveKeyPassword(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option !== undefined) return option;
  if (env.BULKHEAD_KEY_PASSWORD !== undefined) return env.BULKHEAD_KEY_PASSWORD;
  if (env.COSIGN_PASSWORD !== undefined) return env.COSIGN_PASSWORD;
  return undefined;
}
