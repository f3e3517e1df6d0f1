import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, FileInfo } from '../../analyzer.js';
import { javaArchiveAnalyzer, parseArchiveFileName, parseManifest, parseProperties } from './archive.js';
import { ZipArchive } from '../../../core/zip.js';
import { deflateBomb, writeZip } from './testdata/zip-writer.js';
import { bestOf3Async, withinBaselineAsync } from '../../../../test/helpers/relative-time.js';

/** Built by testdata/make-jars.sh with the JDK's jar tool from real Maven Central metadata. */
const archive = (name: string) => readFileSync(new URL(`./testdata/archives/${name}`, import.meta.url));
const info = (path: string, size: number): FileInfo => ({ path, size, mode: 0o100644, uid: 0, gid: 0 });
async function analyze(path: string, content: Buffer): Promise<AnalysisResult | null> {
  return javaArchiveAnalyzer.analyze({ path, info: info(path, content.length), content }, { targetKind: 'image' });
}
const coords = (r: AnalysisResult | null) =>
  r?.packages?.map((p) => `${p.namespace ?? '?'}:${p.name}:${p.version} ${p.properties?.['java.identified-by']}${p.locations ? ` @ ${p.locations.join(',')}` : ''}`);

const COMMONS_TEXT = {
  type: 'maven',
  namespace: 'org.apache.commons',
  name: 'commons-text',
  version: '1.10.0',
  licenses: ['https://www.apache.org/licenses/LICENSE-2.0.txt'],
  properties: { 'java.identified-by': 'pom.properties' },
};

describe('java-archive analyzer', () => {
  it('identifies a jar by its pom.properties and takes its license from the manifest', async () => {
    expect(await analyze('/opt/app/lib/commons-text-1.10.0.jar', archive('commons-text-1.10.0.jar'))).toEqual({ packages: [COMMONS_TEXT] });
    const jackson = await analyze('/opt/app/lib/jackson-databind-2.20.1.jar', archive('jackson-databind-2.20.1.jar'));
    expect(jackson?.packages).toEqual([
      {
        type: 'maven',
        namespace: 'com.fasterxml.jackson.core',
        name: 'jackson-databind',
        version: '2.20.1',
        licenses: ['https://www.apache.org/licenses/LICENSE-2.0.txt'],
        properties: { 'java.identified-by': 'pom.properties' },
      },
    ]);
  });

  it('falls back to the manifest, then to the file name', async () => {
    // asm-tree: Bundle-SymbolicName org.objectweb.asm.tree does not name the Maven group (org.ow2.asm): none is guessed.
    expect((await analyze('/lib/asm-tree-9.6.jar', archive('asm-tree-9.6.jar')))?.packages).toEqual([
      { type: 'maven', name: 'asm-tree', version: '9.6', licenses: ['BSD-3-Clause;link=https://asm.ow2.io/LICENSE.txt'], properties: { 'java.identified-by': 'manifest' } },
    ]);
    // opentest4j: Bundle-SymbolicName org.opentest4j would leave the group "org", too short to trust.
    expect(coords(await analyze('/lib/opentest4j-1.3.0.jar', archive('opentest4j-1.3.0.jar')))).toEqual(['?:opentest4j:1.3.0 manifest']);
    // javax.inject 1 has no META-INF at all.
    expect(coords(await analyze('/lib/javax.inject-1.jar', archive('javax.inject-1.jar')))).toEqual(['?:javax.inject:1 filename']);
  });

  it('reads the libraries of a war with their locations inside it', async () => {
    // The order of nested archives is the archive's (the jar tool's directory listing): compare sorted.
    expect(coords(await analyze('/usr/local/tomcat/webapps/shop.war', archive('shop.war')))?.sort()).toEqual([
      '?:asm-tree:9.6 manifest @ /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/asm-tree-9.6.jar',
      '?:javax.inject:1 filename @ /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/javax.inject-1.jar',
      'com.example:shop:2.3.1 pom.properties',
      'org.apache.commons:commons-text:1.10.0 pom.properties @ /usr/local/tomcat/webapps/shop.war!/WEB-INF/lib/commons-text-1.10.0.jar',
    ]);
  });

  it('reads an ear two levels deep', async () => {
    expect(coords(await analyze('/srv/shop.ear', archive('shop.ear')))?.sort()).toEqual([
      '?:asm-tree:9.6 manifest @ /srv/shop.ear!/shop.war!/WEB-INF/lib/asm-tree-9.6.jar',
      '?:javax.inject:1 filename @ /srv/shop.ear!/shop.war!/WEB-INF/lib/javax.inject-1.jar',
      '?:opentest4j:1.3.0 manifest @ /srv/shop.ear!/lib/opentest4j-1.3.0.jar',
      'com.example:shop:2.3.1 pom.properties @ /srv/shop.ear!/shop.war',
      'org.apache.commons:commons-text:1.10.0 pom.properties @ /srv/shop.ear!/shop.war!/WEB-INF/lib/commons-text-1.10.0.jar',
    ]);
  });

  it('reads a Spring Boot fat jar, also with a launch script prepended', async () => {
    const expected = (path: string) => [
      'com.example:bulkhead-demo:1.0.0 pom.properties',
      `com.fasterxml.jackson.core:jackson-databind:2.20.1 pom.properties @ ${path}!/BOOT-INF/lib/jackson-databind-2.20.1.jar`,
      `org.apache.commons:commons-text:1.10.0 pom.properties @ ${path}!/BOOT-INF/lib/commons-text-1.10.0.jar`,
    ];
    expect(coords(await analyze('/app/app.jar', archive('bulkhead-demo-1.0.0.jar')))?.sort()).toEqual(expected('/app/app.jar'));
    const exec = archive('bulkhead-demo-1.0.0-exec.jar');
    expect(exec.subarray(0, 11).toString()).toBe('#!/bin/bash');
    expect(coords(await analyze('/app/app', exec))?.sort()).toEqual(expected('/app/app'));
  });

  it('reads zip64 archives', async () => {
    const zip = ZipArchive.fromBuffer(archive('commons-text-1.10.0-zip64.jar'));
    expect(zip.entries.map((e) => e.name)).toContain('META-INF/maven/org.apache.commons/commons-text/pom.properties');
    expect(await analyze('/lib/commons-text-1.10.0.jar', archive('commons-text-1.10.0-zip64.jar'))).toEqual({ packages: [COMMONS_TEXT] });
  });

  it('keeps several pom.properties of a shaded jar, and adds the jar itself from its manifest', async () => {
    const shaded = writeZip([
      { name: 'META-INF/MANIFEST.MF', data: Buffer.from('Manifest-Version: 1.0\r\nImplementation-Title: report-tool\r\nImplementation-Version: 4.2.0\r\nImplementation-Vendor-Id: com.example.tools\r\n\r\n') },
      { name: 'META-INF/maven/org.apache.commons/commons-text/pom.properties', data: Buffer.from('artifactId=commons-text\ngroupId=org.apache.commons\nversion=1.10.0\n') },
      { name: 'META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties', data: Buffer.from('artifactId=jackson-databind\ngroupId=com.fasterxml.jackson.core\nversion=2.20.1\n') },
      { name: 'META-INF/maven/com.example/broken/pom.properties', data: Buffer.from('artifactId=broken\nversion=${project.version}\n') },
    ]);
    const r = await analyze('/opt/report-tool-all.jar', shaded);
    expect(coords(r)).toEqual([
      'org.apache.commons:commons-text:1.10.0 pom.properties',
      'com.fasterxml.jackson.core:jackson-databind:2.20.1 pom.properties',
      'com.example.tools:report-tool:4.2.0 manifest',
    ]);
    expect(r?.warnings).toEqual(['META-INF/maven/com.example/broken/pom.properties lacks a valid groupId, artifactId or version']);
  });

  it('stops at zip bombs and deep nesting with warnings', async () => {
    const bombed = writeZip([
      { name: 'META-INF/maven/com.example/app/pom.properties', data: Buffer.from('groupId=com.example\nartifactId=app\nversion=1.0\n') },
      { name: 'WEB-INF/lib/huge.jar', data: Buffer.alloc(0), raw: deflateBomb(140), declaredSize: 1000 },
      { name: 'META-INF/maven/com.example/x/pom.properties', data: Buffer.alloc(0), raw: deflateBomb(2), declaredSize: 100 },
      // Lying, but a size 2 kB of deflate data could hold: stopped while inflating.
      { name: 'META-INF/maven/com.example/y/pom.properties', data: Buffer.alloc(0), raw: deflateBomb(2), declaredSize: 2000 },
      // Declaring more than a nested archive may have: refused before inflating.
      { name: 'WEB-INF/lib/claims-huge.jar', data: Buffer.alloc(0), raw: deflateBomb(1), declaredSize: 200 * 1024 * 1024 },
    ]);
    expect(bombed.length).toBeLessThan(200_000);
    const r = await analyze('/app.war', bombed);
    expect(coords(r)).toEqual(['com.example:app:1.0 pom.properties']);
    expect(r?.warnings).toEqual([
      // The deflate data's exact length is zlib's business: match any.
      expect.stringMatching(/^META-INF\/maven\/com\.example\/x\/pom\.properties unreadable \(META-INF\/maven\/com\.example\/x\/pom\.properties: \d+ compressed bytes for 100 inflated: not deflate data\)$/),
      'META-INF/maven/com.example/y/pom.properties unreadable (META-INF/maven/com.example/y/pom.properties: inflates past its declared 2000 bytes)',
      expect.stringMatching(/^\/app\.war!\/WEB-INF\/lib\/huge\.jar: not read \(WEB-INF\/lib\/huge\.jar: \d+ compressed bytes for 1000 inflated: not deflate data\)$/),
      '/app.war!/WEB-INF/lib/claims-huge.jar: not read (WEB-INF/lib/claims-huge.jar: 209715200 bytes, more than the 134217728 allowed)',
    ]);

    let nested = writeZip([{ name: 'META-INF/maven/g.example/deep/pom.properties', data: Buffer.from('groupId=g.example\nartifactId=deep\nversion=6\n') }]);
    for (let level = 5; level >= 1; level--) {
      nested = writeZip([
        { name: `META-INF/maven/g.example/level${level}/pom.properties`, data: Buffer.from(`groupId=g.example\nartifactId=level${level}\nversion=${level}\n`) },
        { name: `lib/level${level + 1}.jar`, data: nested },
      ]);
    }
    const deep = await analyze('/deep.jar', nested);
    expect(coords(deep)?.map((c) => c.split(' ')[0])).toEqual(['g.example:level1:1', 'g.example:level2:2', 'g.example:level3:3', 'g.example:level4:4', 'g.example:level5:5']);
    expect(deep?.warnings).toEqual(['/deep.jar!/lib/level2.jar!/lib/level3.jar!/lib/level4.jar!/lib/level5.jar!/lib/level6.jar: archive nested deeper than 4 levels, not read']);
  });

  it('warns about files that are not zip archives and about too many entries', async () => {
    expect(await analyze('/x.jar', Buffer.from('PK\x03\x04 a local header and nothing else'))).toEqual({
      warnings: ['not a readable zip archive (no end of central directory record: not a zip archive)'],
    });
    const many = writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
    expect(() => ZipArchive.fromBuffer(many, { maxEntries: 4 })).toThrow('5 entries, more than the 4 allowed');
    expect(inflateRawSync(deflateBomb(1)).length).toBe(1024 * 1024);
  });

  it('parses properties, manifests and file names as Maven writes them', () => {
    expect([...parseProperties('#c\n! c\nkey = value\nlong=a\\\n   b\nu=\\u0041\ncolon:x\n').entries()]).toEqual([
      ['key', 'value'],
      ['long', 'ab'],
      ['u', 'A'],
      ['colon', 'x'],
    ]);
    const m = parseManifest('Manifest-Version: 1.0\r\nImplementation-Title: Tree API of ASM, a very small and fast Java byteco\r\n de manipulation framework\r\n\r\nName: x\r\nA: b\r\n');
    expect(m.get('implementation-title')).toBe('Tree API of ASM, a very small and fast Java bytecode manipulation framework');
    expect(m.has('a')).toBe(false);
    expect(parseArchiveFileName('log4j-1.2-api-2.14.1.jar')).toEqual({ artifactId: 'log4j-1.2-api', version: '2.14.1' });
    expect(parseArchiveFileName('guava-31.1-jre.jar')).toEqual({ artifactId: 'guava', version: '31.1-jre' });
    expect(parseArchiveFileName('jackson-databind-2.13.0-rc1.jar')).toEqual({ artifactId: 'jackson-databind', version: '2.13.0-rc1' });
    expect(parseArchiveFileName('spring-core-5.3.9.RELEASE.jar')).toEqual({ artifactId: 'spring-core', version: '5.3.9.RELEASE' });
    expect(parseArchiveFileName('app.jar')).toBeNull();
  });

  it('wants Java archives by extension only', () => {
    for (const p of ['/a/b.jar', '/a/b.WAR', '/a/b.ear', '/a/b.jpi', '/a/b.hpi', '/a/b.par', '/a/b.sar', '/a/b.nar']) {
      expect(javaArchiveAnalyzer.wants(p, info(p, 10)), p).toBe(true);
    }
    expect(javaArchiveAnalyzer.wants('/a/b.jar.sha1', info('/x', 10))).toBe(false);
    expect(javaArchiveAnalyzer.wants('/a/b.zip', info('/x', 10))).toBe(false);
  });

  it('never throws on random or mutated archives', async () => {
    const war = archive('shop.war');
    const stored = archive('bulkhead-demo-1.0.0.jar');
    const mutate = (base: Buffer) =>
      fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 16 }).map((edits) => {
        const b = Buffer.from(base);
        for (const [at, v] of edits) b[at] = v;
        return b;
      });
    // Benign baseline: the undamaged archives the mutations start from.
    const benignMs = await bestOf3Async(async () => {
      await analyze('/x.war', war);
      await analyze('/x.war', stored);
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 1024 }).map((b) => Buffer.from(b)), mutate(war), mutate(stored)), async (content) => {
        await withinBaselineAsync(benignMs, () => analyze('/x.war', content));
      }),
      { numRuns: 300 },
    );
  });
});
