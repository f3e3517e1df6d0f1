import { describe, expect, it } from 'vitest';
import { judgeCiphers } from './ciphers.js';
import { parseBool, parseFlags, shellWords } from './flags.js';
import { goDurationSeconds, isLoopback } from './rule.js';
import { expectComparableCost } from '../../../../test/helpers/relative-time.js';

const words = (...ws: string[]) => ws.map((text, i) => ({ text, path: ['command', i] }));

describe('parseFlags', () => {
  it('reads --a=b, --a b, bare booleans, one-dash flags and a lone - as a value', () => {
    const f = parseFlags(words('kube-apiserver', '--a=b=c', '--bare', '--x', 'y', '-v=2', '--audit-log-path', '-', 'positional'));
    expect(f.last('a')).toMatchObject({ value: 'b=c', raw: '--a=b=c', path: ['command', 1] });
    expect(f.bool('bare')?.value).toBe(true);
    expect(f.last('x')).toMatchObject({ value: 'y', raw: '--x y', path: ['command', 3] });
    expect(f.last('v')?.value).toBe('2');
    expect(f.last('audit-log-path')?.value).toBe('-');
    expect(f.has('positional')).toBe(false);
  });

  it('normalises underscores, keeps the last scalar value and accumulates lists', () => {
    const f = parseFlags(words('--use_service_account_credentials=false', '--profiling=true', '--profiling=false', '--m=A,B', '--m=C', '--feature-gates=X=true,Y=false', '--feature-gates=X=false'));
    expect(f.bool('use-service-account-credentials')?.value).toBe(false);
    expect(f.bool('profiling')?.value).toBe(false);
    expect(f.items('m').map((i) => i.item)).toEqual(['A', 'B', 'C']);
    expect(f.featureGate('X')?.value).toBe(false);
    expect(f.featureGate('Y')?.value).toBe(false);
    expect(f.featureGate('Z')).toBeUndefined();
  });

  it('parses booleans the way Go does', () => {
    expect(['1', 't', 'TRUE', 'True'].map(parseBool)).toEqual([true, true, true, true]);
    expect(['0', 'F', 'false'].map(parseBool)).toEqual([false, false, false]);
    expect(parseBool('yes')).toBeUndefined();
  });
});

describe('shellWords', () => {
  it('splits scripts with quotes, continuations and comments', () => {
    expect(shellWords(`exec kube-apiserver --a="x y" --b='z' \\\n  --c=1 # trailing comment`)).toEqual(['exec', 'kube-apiserver', '--a=x y', '--b=z', '--c=1']);
  });

  it('stays bounded on hostile input: no worse than 25 times a command line of the same size', () => {
    const commandLine = (size: number) => 'kube-apiserver --flag=value '.repeat(Math.ceil(size / 28)).slice(0, size);
    for (const hostile of [`"${'\\'.repeat(200_000)}`, `${'a'.repeat(500_000)} ${'"'.repeat(100_000)}`, `"${'a'.repeat(8000)}\\`.repeat(100)]) {
      expectComparableCost(() => shellWords(hostile), () => shellWords(commandLine(hostile.length)), hostile.slice(0, 20));
    }
  });
});

describe('helpers', () => {
  it('reads Go durations', () => {
    expect(goDurationSeconds('4h0m0s')).toBe(14400);
    expect(goDurationSeconds('1m30s')).toBe(90);
    expect(goDurationSeconds('0')).toBe(0);
    expect(goDurationSeconds('300')).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.0.1.1', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::'].some(isLoopback)).toBe(false);
  });

  it('judges cipher suites: AEAD with forward secrecy is strong, RC4 and 3DES are broken', () => {
    expect(judgeCiphers(['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'])).toEqual({ weak: [], broken: false });
    expect(judgeCiphers(['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'])).toEqual({ weak: ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'], broken: false });
    expect(judgeCiphers(['TLS_ECDHE_RSA_WITH_RC4_128_SHA']).broken).toBe(true);
  });
});
