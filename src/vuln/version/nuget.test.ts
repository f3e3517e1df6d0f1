import { describe, expect, it } from 'vitest';
import { nuget } from './nuget.js';

// Vectors from NuGet's tests (NuGet/NuGet.Client,
// test/NuGet.Core.Tests/NuGet.Versioning.Test/VersionComparerTests.cs, default comparer).
const nugetEqual: Array<[string, string]> = [
  ['1.0.0', '1.0.0'],
  ['1.0.0-BETA', '1.0.0-beta'],
  ['1.0.0-BETA+AA', '1.0.0-beta+aa'],
  ['1.0.0-BETA.X.y.5.77.0+AA', '1.0.0-beta.x.y.5.77.0+aa'],
];
const nugetLess: Array<[string, string]> = [
  ['0.0.0', '1.0.0'],
  ['1.0.0', '1.1.0'],
  ['1.0.0', '1.0.1'],
  ['1.999.9999', '2.1.1'],
  ['1.0.0-BETA', '1.0.0-beta2'],
  ['1.0.0-beta+AA', '1.0.0+aa'],
  ['1.0.0-BETA', '1.0.0-beta.1+AA'],
  ['1.0.0-BETA.X.y.5.77.0+AA', '1.0.0-beta.x.y.5.79.0+aa'],
  ['1.0.0-BETA.X.y.5.79.0+AA', '1.0.0-beta.x.y.5.790.0+abc'],
];

describe('nuget', () => {
  it.each(nugetEqual)('%j = %j', (a, b) => {
    expect(nuget.compare(a, b)).toBe(0);
    expect(nuget.compare(b, a)).toBe(0);
  });

  it.each(nugetLess)('%j < %j', (a, b) => {
    expect(nuget.compare(a, b)).toBe(-1);
    expect(nuget.compare(b, a)).toBe(1);
  });

  it.each<[string, string, -1 | 0 | 1]>([
    // four-part versions: a zero revision is no revision
    ['1.0.0.0', '1.0.0', 0],
    ['1', '1.0.0', 0],
    ['1.0', '1.0.0.0', 0],
    ['1.0.0.1', '1.0.0', 1],
    ['1.0.0.1-beta', '1.0.0.1', -1],
    ['4.3.0.5', '4.3.1', -1],
    // legacy leading zeros in the numbers
    ['1.01', '1.1', 0],
    // metadata ignored, labels case-insensitive, numeric labels numerically
    ['1.0.0+build.1', '1.0.0+build.2', 0],
    ['1.0.0-rc.2', '1.0.0-RC.10', -1],
    ['1.0.0-1', '1.0.0-alpha', -1],
    // real NuGet versions (GHSA records)
    ['13.0.1', '12.0.3', 1],
    ['6.0.0-preview.7.21377.19', '6.0.0-rc.1.21451.13', -1],
    ['6.0.0-rc.1.21451.13', '6.0.0', -1],
    ['4.7.2', '4.7.10', -1],
  ])('compare(%j, %j) = %i', (a, b, want) => {
    expect(nuget.compare(a, b)).toBe(want);
    expect(nuget.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it.each([
    [''],
    ['v1.0.0'],
    ['1.0.0.0.0'],
    ['1.0.0-'],
    ['1.0.0-beta..1'],
    ['1.0.0-01'],
    ['1.0.0+'],
    ['1.0.0-beta_1'],
    ['1..0'],
    ['.1'],
    ['1.0.0 '],
    ['2147483648.0.0'],
    ['1.0.0-b\u00e9ta'],
  ])('rejects %j', (v) => {
    expect(nuget.isValid(v)).toBe(false);
  });
});
