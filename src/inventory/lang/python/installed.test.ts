import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../analyzer.js';
import { isInstalledMetadata, parseInstalledMetadata, pythonInstalledAnalyzer } from './installed.js';
import { declaredLicenses, parseHeaders } from './metadata.js';
import { mutationsOf, randomBytes } from '../npm/testdata/fuzz.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';
import { hasShared as hasSharedImages, layerDigests, layerFiles } from '../../../../test/helpers/shared-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.join(here, 'testdata/installed', name));

async function analyze(filePath: string, content: Buffer): Promise<AnalysisResult | null> {
  const info = { path: filePath, size: content.length, mode: 0o644, uid: 0, gid: 0 };
  return pythonInstalledAnalyzer.analyze({ path: filePath, info, content }, { targetKind: 'image' });
}

const site = '/usr/lib/python3/dist-packages';

describe('isInstalledMetadata', () => {
  it.each([
    `${site}/PyYAML-6.0.dist-info/METADATA`,
    `${site}/requests-2.28.1.egg-info/PKG-INFO`,
    `${site}/python_apt-2.6.0.egg-info`,
    '/usr/local/lib/python3.12/site-packages/setuptools/_vendor/packaging-24.2.dist-info/METADATA',
    '/opt/venv/lib/python3.8/site-packages/pytz-2019.3-py3.8.egg/EGG-INFO/PKG-INFO',
  ])('wants %s', (p) => {
    expect(isInstalledMetadata(p)).toBe(true);
  });

  it.each([
    `${site}/PyYAML-6.0.dist-info/RECORD`,
    `${site}/PyYAML-6.0.dist-info/LICENSE`,
    `${site}/requests-2.28.1.egg-info/top_level.txt`,
    '/src/PKG-INFO',
    '/wheels/requests-2.31.0-py3-none-any.whl',
    '/opt/venv/lib/python3.8/site-packages/pytz-2019.3-py3.8.egg',
  ])('does not want %s', (p) => {
    expect(isInstalledMetadata(p)).toBe(false);
  });
});

describe('core metadata headers', () => {
  it('stops at the end of the headers: a body line is not a header', () => {
    const { headers } = parseHeaders(fixture('license-expression.METADATA').toString('utf8'));
    expect(headers.get('name')).toEqual(['ledger_sync']);
    expect(headers.get('license-file')).toEqual(['LICENSE.APACHE', 'LICENSE.BSD']);
  });

  it('joins continuation lines and reads CRLF files', () => {
    const { headers } = parseHeaders(fixture('license-text-crlf.METADATA').toString('utf8'));
    expect(headers.get('license')?.[0]?.split('\n').slice(0, 2)).toEqual(['Copyright (c) 2005-2023, NumPy Developers.', 'All rights reserved.']);
    expect(headers.get('requires-python')).toEqual(['>=3.9']);
  });

  it('chooses License-Expression, then a short License, then classifiers', () => {
    const licenses = (text: string) => declaredLicenses(parseHeaders(text).headers);
    expect(licenses('License-Expression: MIT\nLicense: BSD\n')).toEqual(['MIT']);
    expect(licenses('License: BSD\nClassifier: License :: OSI Approved :: MIT License\n')).toEqual(['BSD']);
    expect(licenses('License: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n')).toEqual(['MIT License']);
    expect(licenses('Classifier: License :: OSI Approved\nClassifier: License :: Public Domain\n')).toEqual(['Public Domain']);
    expect(licenses('Classifier: Topic :: Software Development\n')).toEqual([]);
  });
});

describe('python-installed analyzer', () => {
  it('reads a real dist-info METADATA, keeping the name as written', async () => {
    expect(await analyze(`${site}/PyYAML-6.0.dist-info/METADATA`, fixture('PyYAML-6.0.METADATA'))).toEqual({
      packages: [{ type: 'pypi', name: 'PyYAML', version: '6.0', licenses: ['MIT'], properties: { 'python.normalizedName': 'pyyaml' } }],
    });
  });

  it('reads a real egg-info PKG-INFO', async () => {
    expect((await analyze(`${site}/requests-2.28.1.egg-info/PKG-INFO`, fixture('requests-2.28.1.PKG-INFO')))?.packages).toEqual([
      { type: 'pypi', name: 'requests', version: '2.28.1', licenses: ['Apache 2.0'] },
    ]);
  });

  it('reads a real METADATA with a long description body', async () => {
    const result = await analyze(`${site}/charset_normalizer-3.0.1.dist-info/METADATA`, fixture('charset_normalizer-3.0.1.METADATA'));
    expect(result?.packages).toEqual([{ type: 'pypi', name: 'charset-normalizer', version: '3.0.1', licenses: ['MIT'] }]);
  });

  it('reads an .egg-info that is a single file', async () => {
    expect((await analyze(`${site}/python_apt-2.6.0.egg-info`, fixture('python_apt-2.6.0.egg-info')))?.packages).toEqual([
      { type: 'pypi', name: 'python-apt', version: '2.6.0', licenses: ['GNU GPL'] },
    ]);
  });

  it('takes License-Expression (metadata 2.4) over classifiers', async () => {
    const result = await analyze('/venv/lib/python3.12/site-packages/ledger_sync-3.1.0rc2.dist-info/METADATA', fixture('license-expression.METADATA'));
    expect(result?.packages).toEqual([
      { type: 'pypi', name: 'ledger_sync', version: '3.1.0rc2', licenses: ['Apache-2.0 OR BSD-2-Clause'], properties: { 'python.normalizedName': 'ledger-sync' } },
    ]);
  });

  it('falls back to classifiers when License holds a whole license text', async () => {
    const result = await analyze('/venv/lib/python3.12/site-packages/numpy-1.26.4.dist-info/METADATA', fixture('license-text-crlf.METADATA'));
    expect(result?.packages).toEqual([{ type: 'pypi', name: 'numpy', version: '1.26.4', licenses: ['BSD License'] }]);
  });

  it('warns about files that are not metadata', async () => {
    expect(await analyze('/x.egg-info', Buffer.from('Version: 1.0\n'))).toEqual({ warnings: ['no Name header: not Python package metadata'] });
    expect(await analyze('/x.egg-info', Buffer.from('Name: x\n'))).toEqual({ warnings: ['no Version header: not Python package metadata'] });
    expect(await analyze('/x.egg-info', Buffer.from('Name: -bad name-\nVersion: 1\n'))).toEqual({ warnings: ['"-bad name-" is not a valid distribution name; skipped'] });
    expect(await analyze('/x.egg-info', Buffer.from('\x00\x01\x02'))).toEqual({ warnings: ['no Name header: not Python package metadata'] });
  });

  it('runs on images, root filesystems and checkouts', () => {
    expect(pythonInstalledAnalyzer.targets).toEqual(['image', 'rootfs', 'fs']);
  });

  it('never throws on random or damaged input', () => {
    const originals = [fixture('requests-2.28.1.PKG-INFO'), fixture('license-text-crlf.METADATA')];
    const benignMs = bestOf3(() => originals.forEach((o) => parseInstalledMetadata(o.toString('utf8'))));
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutationsOf(originals[0]!), mutationsOf(originals[1]!)), (bytes) => {
        withinBaseline(benignMs, () => {
          const { pkg, warnings } = parseInstalledMetadata(bytes.toString('utf8'));
          expect(pkg !== undefined || warnings.length === 1).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe.skipIf(!hasSharedImages)('python-installed on the shared app-python image', () => {
  it('finds the ten Debian-installed distributions of layer 2', async () => {
    const files = await layerFiles(layerDigests('app-python')[1]!, isInstalledMetadata);
    const found = new Map<string, { version: string; licenses?: string[] }>();
    for (const [p, content] of files) {
      const result = await analyze(p, content);
      expect(result?.warnings, p).toBeUndefined();
      for (const pkg of result?.packages ?? []) found.set(pkg.name, { version: pkg.version, licenses: pkg.licenses });
    }
    expect(Object.fromEntries([...found].map(([n, v]) => [n, v.version]))).toEqual({
      Jinja2: '3.1.2',
      MarkupSafe: '2.1.2',
      PyYAML: '6.0',
      certifi: '2022.9.24',
      chardet: '5.1.0',
      'charset-normalizer': '3.0.1',
      idna: '3.3',
      requests: '2.28.1',
      six: '1.16.0',
      urllib3: '1.26.12',
    });
    expect(found.get('Jinja2')?.licenses).toEqual(['BSD-3-Clause']);
    expect(found.get('certifi')?.licenses).toEqual(['MPL-2.0']);
    expect(found.get('chardet')?.licenses).toEqual(['LGPL']);
  });
});
