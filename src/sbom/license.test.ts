import { describe, expect, it } from 'vitest';
import { classifyLicense, conjunctionTerms, LicenseRefs, normalizeSpdxExpression, spdxDeclaredLicense } from './license.js';

describe('classifyLicense', () => {
  it.each([
    ['MIT', { kind: 'id', id: 'MIT' }],
    ['Apache-2.0', { kind: 'id', id: 'Apache-2.0' }],
    // SPDX ids match case-insensitively: Debian's DEP-5 spelling becomes the SPDX one.
    ['BSD-3-clause', { kind: 'id', id: 'BSD-3-Clause' }],
    ['mit', { kind: 'id', id: 'MIT' }],
    ['(MIT OR Apache-2.0)', { kind: 'expression', expression: 'MIT OR Apache-2.0' }],
    ['mit or apache-2.0', { kind: 'expression', expression: 'MIT OR Apache-2.0' }],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', { kind: 'expression', expression: '(MIT OR Apache-2.0) AND BSD-3-Clause' }],
    ['MIT AND (ISC)', { kind: 'expression', expression: 'MIT AND ISC' }],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', { kind: 'expression', expression: 'GPL-2.0-or-later WITH Classpath-exception-2.0' }],
    ['GPL-2.0+', { kind: 'expression', expression: 'GPL-2.0+' }],
    ['LicenseRef-acme', { kind: 'expression', expression: 'LicenseRef-acme' }],
    ['GPL-2+', { kind: 'text', text: 'GPL-2+' }],
    ['GPL-3+ or BSD-3-clause', { kind: 'text', text: 'GPL-3+ or BSD-3-clause' }],
    ['public-domain', { kind: 'text', text: 'public-domain' }],
    ['MIT OR', { kind: 'text', text: 'MIT OR' }],
    ['Classpath-exception-2.0', { kind: 'text', text: 'Classpath-exception-2.0' }],
    ['  Expat  ', { kind: 'text', text: 'Expat' }],
  ])('%j', (input, want) => {
    expect(classifyLicense(input)).toEqual(want);
  });

  it('does not parse absurdly long strings', () => {
    const long = Array.from({ length: 2000 }, () => 'MIT').join(' AND ');
    expect(normalizeSpdxExpression(long)).toBeUndefined();
    expect(classifyLicense(long).kind).toBe('text');
  });
});

describe('conjunctionTerms', () => {
  it('splits a top-level AND only', () => {
    expect(conjunctionTerms('MIT AND (ISC OR 0BSD) AND LicenseRef-x')).toEqual(['MIT', 'ISC OR 0BSD', 'LicenseRef-x']);
    expect(conjunctionTerms('MIT OR ISC')).toEqual(['MIT OR ISC']);
    expect(conjunctionTerms('GPL-2+')).toBeUndefined();
  });
});

describe('spdxDeclaredLicense', () => {
  it('joins a package license list with AND, free text as LicenseRefs defined once', () => {
    const refs = new LicenseRefs();
    expect(spdxDeclaredLicense(['BSD-3-clause', 'GPL-1', 'GPL-2+', 'public-domain'], refs)).toBe(
      'BSD-3-Clause AND LicenseRef-GPL-1 AND LicenseRef-GPL-2-f7215fea AND LicenseRef-public-domain',
    );
    expect(spdxDeclaredLicense(['GPL-2+', '(MIT OR Apache-2.0)'], refs)).toBe('LicenseRef-GPL-2-f7215fea AND (MIT OR Apache-2.0)');
    expect(spdxDeclaredLicense([], refs)).toBe('NOASSERTION');
    expect(spdxDeclaredLicense(undefined, refs)).toBe('NOASSERTION');
    expect(refs.definitions()).toEqual([
      { licenseId: 'LicenseRef-GPL-1', name: 'GPL-1', extractedText: 'GPL-1' },
      { licenseId: 'LicenseRef-GPL-2-f7215fea', name: 'GPL-2+', extractedText: 'GPL-2+' },
      { licenseId: 'LicenseRef-public-domain', name: 'public-domain', extractedText: 'public-domain' },
    ]);
  });

  it('gives different texts that sanitise alike different ids', () => {
    const refs = new LicenseRefs();
    const a = refs.refFor('GPL 2+');
    const b = refs.refFor('GPL/2+');
    expect(a).not.toBe(b);
    for (const id of [a, b, refs.refFor('版权所有'), refs.refFor('')]) {
      expect(id).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
      expect(normalizeSpdxExpression(id)).toBe(id);
    }
  });
});
