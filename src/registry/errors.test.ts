import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../core/errors.js';
import { classifyNetworkError, codeForStatus, registryErrorText, safeUrl, statusError } from './errors.js';

const url = new URL('https://reg.example/v2/app/manifests/1.0');

describe('registry errors', () => {
  it('gives every status class its own code, all external (exit 3)', () => {
    const codes = [401, 403, 404, 429, 500, 502, 503, 400, 405].map(codeForStatus);
    expect(codes).toEqual([
      'REGISTRY_AUTH',
      'REGISTRY_FORBIDDEN',
      'REGISTRY_NOT_FOUND',
      'REGISTRY_RATE_LIMITED',
      'REGISTRY_UNAVAILABLE',
      'REGISTRY_UNAVAILABLE',
      'REGISTRY_UNAVAILABLE',
      'REGISTRY_PROTOCOL',
      'REGISTRY_UNSUPPORTED',
    ]);
    for (const c of codes) expect(exitCodeFor(c)).toBe(3);
  });

  it('never calls a rate limit "not found", and says when to come back', () => {
    const body = Buffer.from(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] }));
    const e = statusError({ what: 'manifest app:1.0', url, status: 429, body, registry: 'reg.example', retryAfterMs: 21_600_000 });
    expect(e.code).toBe('REGISTRY_RATE_LIMITED');
    expect(e.message).not.toMatch(/not found/i);
    expect(e.message).toContain('TOOMANYREQUESTS');
    expect(e.hint).toContain('21600 s');
  });

  it('tells anonymous users how to log in, and credentialed users whose credentials failed', () => {
    const anon = statusError({ what: 'm', url, status: 401, registry: 'reg.example' });
    expect(anon.hint).toMatch(/docker login reg\.example.*--password-stdin.*BULKHEAD_REGISTRY_USERNAME/);
    const bad = statusError({ what: 'm', url, status: 401, registry: 'reg.example', credentialSource: 'env BULKHEAD_REGISTRY_USERNAME' });
    expect(bad.message).toContain('refused the credentials');
    expect(bad.hint).toContain('env BULKHEAD_REGISTRY_USERNAME');
    const scope = statusError({ what: 'm', url, status: 401, registry: 'reg.example', credentialSource: 'x', insufficientScope: true });
    expect(scope.code).toBe('REGISTRY_FORBIDDEN');
  });

  it('keeps credentials and upload state out of `where`', () => {
    expect(safeUrl('https://user:pw@reg.example/v2/a/blobs/uploads/u?_state=SECRET&digest=sha256:ab')).toBe(
      'https://reg.example/v2/a/blobs/uploads/u?digest=sha256%3Aab',
    );
    const e = statusError({ what: 'x', url: new URL('https://u:p@reg.example/v2/?_state=s'), status: 500, registry: 'reg.example' });
    expect(e.where).toBe('https://reg.example/v2/');
  });

  it('cleans registry error bodies for the terminal', () => {
    expect(registryErrorText(Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'))).toBe('MANIFEST_UNKNOWN: manifest unknown');
    expect(registryErrorText(Buffer.from('404 page not found\n\u001b[31m'))).toBe('404 page not found [31m');
    expect(registryErrorText(Buffer.from('x'.repeat(1000)))!.length).toBeLessThan(210);
    expect(registryErrorText(undefined)).toBeUndefined();
  });

  it('classifies network failures', () => {
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).kind).toBe('tls-cert');
    expect(classifyNetworkError(Object.assign(new Error('ssl3_get_record:wrong version number'), { code: 'EPROTO' })).kind).toBe('plain-http');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).kind).toBe('transient');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' })).kind).toBe('dns');
  });
});
