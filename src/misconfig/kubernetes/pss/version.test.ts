import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../../core/errors.js';
import { effectiveMinor, formatLevelVersion, LATEST_PSS_MINOR, parsePssLevel, parsePssVersion } from './version.js';

describe('parsePssVersion', () => {
  it.each(['latest', 'v1.0', 'v1.8', 'v1.25', 'v1.37', 'v1.120'])('accepts %s', (v) => {
    expect(parsePssVersion(v)).toBe(v);
  });

  it.each(['', 'Latest', '1.25', 'v1', 'v1.', 'v1.025', 'v2.1', 'v1.25.0', 'v1.-1', ' v1.2', 'v1.99999999999999999999'])('rejects %j with a USAGE error naming the forms', (v) => {
    let err: unknown;
    try {
      parsePssVersion(v, '--pss-version');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).code).toBe('USAGE');
    expect((err as BulkheadError).where).toBe('--pss-version');
    expect((err as BulkheadError).hint).toMatch(/"latest" or "v1\.N"/);
  });

  it('maps latest and newer versions to the newest implementation', () => {
    expect(LATEST_PSS_MINOR).toBe(37);
    expect(effectiveMinor('latest')).toBe(37);
    expect(effectiveMinor('v1.99')).toBe(37);
    expect(effectiveMinor('v1.24')).toBe(24);
    expect(() => effectiveMinor('v9.1' as never)).toThrow(BulkheadError);
  });
});

describe('parsePssLevel', () => {
  it('accepts the three levels, exactly', () => {
    expect(parsePssLevel('baseline')).toBe('baseline');
    expect(parsePssLevel('restricted')).toBe('restricted');
    expect(parsePssLevel('privileged')).toBe('privileged');
    expect(() => parsePssLevel('Restricted')).toThrow(/invalid Pod Security Standards level "Restricted"/);
  });

  it('formats level and version as the API server does', () => {
    expect(formatLevelVersion('restricted', 'latest')).toBe('restricted:latest');
    expect(formatLevelVersion('baseline', 'v1.25')).toBe('baseline:v1.25');
  });
});
