import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { dockerCredentialSource, DOCKER_HUB_KEY, isValidHelperName, normalizeRegistryKey, parseDockerConfig } from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseDockerConfig', () => {
  it('decodes auths in every form Docker writes', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'reg.example:5000': { auth: b64('alice:s3cr:et') },
          'https://other.example/v1/': { username: 'bob', password: 'pw' },
          [DOCKER_HUB_KEY]: { identitytoken: 'refresh-me' },
          'tok.example': { registrytoken: 'bearer-me' },
          'empty.example': {},
          'null.example': null,
        },
      }),
      'config.json',
    );
    expect(config.auths.get('reg.example:5000')).toEqual({ username: 'alice', password: 's3cr:et' });
    expect(config.auths.get('other.example')).toEqual({ username: 'bob', password: 'pw' });
    expect(config.auths.get('docker.io')).toEqual({ identityToken: 'refresh-me' });
    expect(config.auths.get('tok.example')).toEqual({ registryToken: 'bearer-me' });
    expect(dockerCredentialSource(config, 'empty.example')).toBeUndefined();
    expect(dockerCredentialSource(config, 'registry-1.docker.io')).toEqual({ kind: 'entry', entry: { identityToken: 'refresh-me' } });
  });

  it('prefers credHelpers, then a filled auths entry, then credsStore, and asks helpers about Docker Hub by its v1 URL', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: { 'a.example': { auth: b64('u:p') }, 'b.example': {} },
        credHelpers: { 'a.example': 'ecr-login', 'docker.io': 'pass' },
        credsStore: 'desktop',
      }),
      'config.json',
    );
    expect(dockerCredentialSource(config, 'a.example')).toEqual({ kind: 'helper', helper: 'ecr-login', serverUrl: 'a.example' });
    expect(dockerCredentialSource(config, 'b.example')).toEqual({ kind: 'helper', helper: 'desktop', serverUrl: 'b.example' });
    expect(dockerCredentialSource(config, 'docker.io')).toEqual({ kind: 'helper', helper: 'pass', serverUrl: DOCKER_HUB_KEY });
  });

  it('refuses helper names that would leave the docker-credential- namespace', () => {
    for (const bad of ['../../bin/sh', '-rf', 'a b', 'x/y', '']) {
      expect(isValidHelperName(bad)).toBe(false);
    }
    expect(() => parseDockerConfig(JSON.stringify({ credsStore: '../evil' }), 'c.json')).toThrow(/credsStore/);
    expect(() => parseDockerConfig(JSON.stringify({ credHelpers: { x: 'a/b' } }), 'c.json')).toThrow(/credential helper/);
  });

  it('names the file and the problem when the config is malformed', () => {
    for (const text of ['{', '[]', '{"auths": 3}', `{"auths": {"x": {"auth": "${b64('nocolon')}"}}}`]) {
      try {
        parseDockerConfig(text, '/home/u/.docker/config.json');
        expect.unreachable(text);
      } catch (e) {
        expect(e).toBeInstanceOf(BulkheadError);
        expect((e as BulkheadError).code).toBe('CONFIG_FILE_INVALID');
        expect((e as BulkheadError).where).toContain('/home/u/.docker/config.json');
      }
    }
  });

  it('normalises registry keys', () => {
    expect(normalizeRegistryKey('https://Reg.Example:5000/v2/')).toBe('reg.example:5000');
    expect(normalizeRegistryKey('index.docker.io')).toBe('docker.io');
    expect(normalizeRegistryKey('http://registry-1.docker.io')).toBe('docker.io');
  });

  it('either parses or fails with CONFIG_FILE_INVALID, never anything else (fuzz)', () => {
    const entry = fc.record(
      {
        auth: fc.oneof(fc.string(), fc.string().map(b64)),
        username: fc.string(),
        password: fc.string(),
        identitytoken: fc.string(),
      },
      { requiredKeys: [] },
    );
    const config = fc.record(
      {
        auths: fc.dictionary(fc.string(), fc.oneof(entry, fc.constant(null), fc.integer())),
        credHelpers: fc.dictionary(fc.string(), fc.string()),
        credsStore: fc.string(),
      },
      { requiredKeys: [] },
    );
    const text = fc.oneof(config.map((c) => JSON.stringify(c)), fc.json(), fc.string());
    fc.assert(
      fc.property(text, fc.string(), (t, host) => {
        try {
          const parsed = parseDockerConfig(t, 'config.json');
          const source = dockerCredentialSource(parsed, host);
          if (source?.kind === 'helper') expect(isValidHelperName(source.helper)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
          expect((e as BulkheadError).code).toBe('CONFIG_FILE_INVALID');
        }
      }),
      { numRuns: 300 },
    );
  });
});
