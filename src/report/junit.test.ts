import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/types.js';
import { renderJUnit, xmlAttr, xmlText } from './junit.js';
import { expectGolden } from './testdata/golden.js';
import { fsResult, imageResult } from './testdata/result.js';

function count(xml: string, re: RegExp): number {
  return xml.match(re)?.length ?? 0;
}

/** True when the text is well-formed for our output's shape: only known entities, no raw markup in text or attributes. */
function wellFormedish(xml: string): boolean {
  const body = xml.replace(/<\/?[a-z]+(?:\s+[a-z.]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#9|#10|#13);[^"<&]*)*")*\s*\/?>/g, '');
  const rest = body.replace(/^<\?xml version="1.0" encoding="UTF-8"\?>/, '');
  // eslint-disable-next-line no-control-regex
  return !/[<>]/.test(rest) && !/&(?!(?:amp|lt|gt|quot|apos|#9|#10|#13);)/.test(rest) && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(rest);
}

describe('renderJUnit', () => {
  it('matches the goldens byte for byte', () => {
    expectGolden('image.junit.xml', renderJUnit(imageResult));
    expectGolden('fs-failon-high.junit.xml', renderJUnit(fsResult, { failOn: 'high' }));
  });

  it('has one suite per kind and one case per finding', () => {
    const xml = renderJUnit(imageResult);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bulkhead registry.example.com/shop/orders-api:1.4.2" tests="8" failures="7" errors="0" skipped="1">')).toBe(true);
    expect([...xml.matchAll(/<testsuite name="([a-z]+)" tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)"/g)].map((m) => m.slice(1))).toEqual([
      ['vulnerability', '5', '4', '1'],
      ['secret', '1', '1', '0'],
      ['misconfiguration', '2', '2', '0'],
    ]);
    expect(count(xml, /<testcase /g)).toBe(8);
    expect(xml).toContain('<testcase classname="libexpat1@2.5.0-1" name="CVE-2024-45490">');
    expect(xml).toContain('<testcase classname="/app/.env" name="BH-SEC-001">');
    expect(xml).toContain(
      '<skipped message="suppressed by ignore (.bulkheadignore): build-time only | not reachable at runtime"/>',
    );
    expect(xml).toContain('<failure message="Base image has no tag or uses `latest`" type="medium">BH-DF-002: Base image has no tag or uses `latest`\nSeverity: medium');
  });

  it('fails only at or above failOn', () => {
    const xml = renderJUnit(imageResult, { failOn: 'critical' });
    expect(count(xml, /<failure /g)).toBe(4);
    expect(xml).toContain('<testcase classname="libc6@2.36-9+deb12u1" name="CVE-2023-4911"/>');
    expect(count(xml, /<skipped /g)).toBe(1);
    expect(count(renderJUnit(imageResult, { failOn: 'low' }), /<failure /g)).toBe(7);
  });

  it('escapes hostile strings and drops characters XML cannot carry', () => {
    expect(xmlText('a<b>&c]]>d\u0000e\u001bf\uFFFEg\uD800h')).toBe('a&lt;b&gt;&amp;c]]&gt;defgh');
    expect(xmlAttr(`"x"\n'y'\t`)).toBe('&quot;x&quot;&#10;&apos;y&apos;&#9;');
    const f: Finding = {
      ...imageResult.findings[6]!,
      id: '"/><script>&',
      title: ']]></failure><x a="1">\u0007',
      location: { path: '<evil path="&">' },
    };
    const xml = renderJUnit({ ...fsResult, findings: [f] });
    expect(xml).toContain('<testcase classname="&lt;evil path=&quot;&amp;&quot;&gt;" name="&quot;/&gt;&lt;script&gt;&amp;">');
    expect(xml).toContain('<failure message="]]&gt;&lt;/failure&gt;&lt;x a=&quot;1&quot;&gt;" type="high">');
    expect(wellFormedish(xml)).toBe(true);
  });

  it('writes an empty report when there are no findings', () => {
    expect(renderJUnit({ ...imageResult, findings: [] })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bulkhead registry.example.com/shop/orders-api:1.4.2" tests="0" failures="0" errors="0" skipped="0">\n</testsuites>\n',
    );
  });

  it('never lets arbitrary strings break the markup', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (id, title, reason) => {
        const f: Finding = { ...imageResult.findings[4]!, id, title, evidence: reason, suppressedBy: undefined };
        const g: Finding = { ...f, suppressedBy: { kind: 'vex', source: title, reason } };
        const xml = renderJUnit({ ...imageResult, target: { kind: 'image', name: reason }, findings: [f, g] });
        expect(wellFormedish(xml)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
