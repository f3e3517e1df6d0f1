import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../analyzer.js';
import { gemfileLockAnalyzer } from './gemfile-lock.js';
import { gemspecAnalyzer, parseGemspec } from './gemspec.js';
import { bestOf3Async, withinBaselineAsync } from '../../../../test/helpers/relative-time.js';

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const info = (path: string, size = 100): FileInfo => ({ path, size, mode: 0o100644, uid: 0, gid: 0 });
const gemspec = (path: string, content: Buffer) => gemspecAnalyzer.analyze({ path, info: info(path, content.length), content }, { targetKind: 'image' });
const lock = (content: Buffer) => gemfileLockAnalyzer.analyze({ path: '/app/Gemfile.lock', info: info('/app/Gemfile.lock', content.length), content }, { targetKind: 'fs' });

describe('gemspec analyzer', () => {
  it('reads name, version and licenses of generated specifications without evaluating them', async () => {
    const dir = '/usr/local/bundle/specifications';
    expect(await gemspec(`${dir}/rack-2.2.8.gemspec`, testdata('specifications/rack-2.2.8.gemspec'))).toEqual({
      packages: [{ type: 'gem', name: 'rack', version: '2.2.8', licenses: ['MIT'] }],
    });
    expect(await gemspec(`${dir}/nokogiri-1.16.7-x86_64-linux.gemspec`, testdata('specifications/nokogiri-1.16.7-x86_64-linux.gemspec'))).toEqual({
      packages: [{ type: 'gem', name: 'nokogiri', version: '1.16.7', licenses: ['MIT'], properties: { 'gem.platform': 'x86_64-linux' } }],
    });
    expect(await gemspec(`${dir}/json-1.8.6.gemspec`, testdata('specifications/json-1.8.6.gemspec'))).toEqual({
      packages: [{ type: 'gem', name: 'json', version: '1.8.6', licenses: ['Ruby'] }],
    });
  });

  it('marks the default gems shipped with Ruby', async () => {
    const path = '/usr/local/lib/ruby/gems/3.2.0/specifications/default/json-1.8.6.gemspec';
    expect((await gemspec(path, testdata('specifications/json-1.8.6.gemspec')))?.packages?.[0]?.properties).toEqual({ 'gem.default': 'true' });
  });

  it('falls back to the stub line, and warns when values are computed', () => {
    expect(parseGemspec('# stub: puma 6.4.2 ruby lib\nGem::Specification.new do |s|\n  s.name = NAME\nend\n').package).toEqual({ type: 'gem', name: 'puma', version: '6.4.2' });
    expect(parseGemspec("Gem::Specification.new do |spec|\n  spec.name = 'tool'\n  spec.version = Tool::VERSION\nend\n")).toEqual({ warning: 'tool: no literal gem version found' });
    expect(parseGemspec("Gem::Specification.new do |spec|\n  spec.name = 'tool'\n  spec.version = Gem::Version.new('0.9.1')\nend\n").package?.version).toBe('0.9.1');
    expect(parseGemspec('system("rm -rf /")\n')).toEqual({ warning: 'no literal gem name found' });
  });

  it('wants gemspecs directly under a specifications directory', () => {
    expect(gemspecAnalyzer.wants('/usr/lib/ruby/gems/3.2.0/specifications/rack-2.2.8.gemspec', info('/x'))).toBe(true);
    expect(gemspecAnalyzer.wants('/usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec', info('/x'))).toBe(true);
    expect(gemspecAnalyzer.wants('/usr/lib/ruby/gems/3.2.0/gems/rack-2.2.8/rack.gemspec', info('/x'))).toBe(false);
    expect(gemspecAnalyzer.wants('/usr/lib/ruby/gems/3.2.0/specifications/default/json-2.6.3.gemspec', info('/x'))).toBe(true);
    expect(gemspecAnalyzer.wants('/usr/lib/ruby/gems/3.2.0/specifications/old/x.gemspec', info('/x'))).toBe(false);
  });

  it('never throws on random or mutated specifications', async () => {
    const text = testdata('specifications/rack-2.2.8.gemspec').toString();
    // Benign baseline: the real specification the mutations start from.
    const benignMs = await bestOf3Async(() => gemspec('/s/specifications/x.gemspec', Buffer.from(text)));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.array(fc.tuple(fc.nat(text.length), fc.string({ maxLength: 4 })), { maxLength: 20 }).map((edits) => {
            let t = text;
            for (const [at, s] of edits) t = t.slice(0, at) + s + t.slice(at + 1);
            return t;
          }),
        ),
        async (t) => {
          await withinBaselineAsync(benignMs, () => gemspec('/s/specifications/x.gemspec', Buffer.from(t)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('gemfile-lock analyzer', () => {
  it('reads GEM, GIT and PATH specs, folding platform variants and marking indirect gems', async () => {
    const r = await lock(testdata('Gemfile.lock'));
    expect(r?.warnings).toBeUndefined();
    expect(r?.packages).toEqual([
      { type: 'gem', name: 'audit-log', version: '0.4.0', properties: { 'gem.source': 'git', 'gem.remote': 'https://github.com/example/audit-log.git' } },
      { type: 'gem', name: 'billing', version: '0.1.0', properties: { 'gem.source': 'path', 'gem.remote': 'engines/billing' } },
      { type: 'gem', name: 'actionpack', version: '7.0.8.4', indirect: true },
      { type: 'gem', name: 'actionview', version: '7.0.8.4', indirect: true },
      { type: 'gem', name: 'activesupport', version: '7.0.8.4', indirect: true },
      { type: 'gem', name: 'builder', version: '3.3.0', indirect: true },
      { type: 'gem', name: 'concurrent-ruby', version: '1.3.4', indirect: true },
      { type: 'gem', name: 'i18n', version: '1.14.5', indirect: true },
      { type: 'gem', name: 'minitest', version: '5.24.1', indirect: true },
      { type: 'gem', name: 'nio4r', version: '2.7.3', indirect: true },
      { type: 'gem', name: 'nokogiri', version: '1.16.7', properties: { 'gem.platform': 'aarch64-linux,x86_64-linux' } },
      { type: 'gem', name: 'puma', version: '6.4.2' },
      { type: 'gem', name: 'racc', version: '1.8.1', indirect: true },
      { type: 'gem', name: 'rack', version: '2.2.9', indirect: true },
      { type: 'gem', name: 'rack-test', version: '2.1.0', indirect: true },
      { type: 'gem', name: 'rails', version: '7.0.8.4' },
      { type: 'gem', name: 'tzinfo', version: '2.0.6', indirect: true },
    ]);
  });

  it('warns about unreadable spec lines and handles CRLF', async () => {
    const r = await lock(Buffer.from('GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rake (13.2.1)\r\n    broken line\r\n    bad (x.y)\r\n'));
    expect(r).toEqual({
      packages: [{ type: 'gem', name: 'rake', version: '13.2.1' }],
      warnings: ['line 5: unreadable spec line', 'line 6: bad has an invalid version "x.y"'],
    });
    expect(gemfileLockAnalyzer.wants('/app/Gemfile.lock', info('/x'))).toBe(true);
    expect(gemfileLockAnalyzer.wants('/app/gems.locked', info('/x'))).toBe(true);
    expect(gemfileLockAnalyzer.wants('/app/Gemfile', info('/x'))).toBe(false);
    expect(gemfileLockAnalyzer.targets).toEqual(['fs']);
  });

  it('never throws on random or mutated lock files', async () => {
    const text = testdata('Gemfile.lock').toString();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.array(fc.tuple(fc.nat(text.length), fc.string({ maxLength: 4 })), { maxLength: 20 }).map((edits) => {
            let t = text;
            for (const [at, s] of edits) t = t.slice(0, at) + s + t.slice(at + 1);
            return t;
          }),
        ),
        async (t) => {
          await lock(Buffer.from(t));
        },
      ),
      { numRuns: 300 },
    );
  });
});
