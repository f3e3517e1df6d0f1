/**
 * For tests that must know whether, and with which parameters, a key was
 * derived: `vi.mock('node:crypto', (orig) => spyingCrypto(orig))` replaces
 * scrypt by one that records its parameters in `scryptCalls` and runs the
 * real one. (This module must not import node:crypto itself.)
 */
type Crypto = typeof import('node:crypto');

export const scryptCalls: { N: number; r: number; p: number }[] = [];

export async function spyingCrypto(importOriginal: () => Promise<unknown>): Promise<Crypto> {
  const real = (await importOriginal()) as Crypto;
  const scrypt = ((...args: Parameters<Crypto['scrypt']>) => {
    const opts = args[3] as { N: number; r: number; p: number };
    scryptCalls.push({ N: opts.N, r: opts.r, p: opts.p });
    return (real.scrypt as (...a: unknown[]) => void)(...args);
  }) as Crypto['scrypt'];
  return { ...real, default: { ...real, scrypt }, scrypt } as Crypto;
}
