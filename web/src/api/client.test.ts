import { describe, expect, it } from 'vitest';
import { describeErrorBody, query } from './client.js';

describe('describeErrorBody', () => {
  it('reads nested and flat error bodies', () => {
    expect(describeErrorBody(400, { error: { code: 'X', message: 'bad target', hint: 'use oci:dir:tag' } })).toEqual({ message: 'bad target', hint: 'use oci:dir:tag' });
    expect(describeErrorBody(404, { statusCode: 404, error: 'Not Found', message: 'Route GET:/x not found' })).toEqual({ message: 'Route GET:/x not found' });
    expect(describeErrorBody(403, { error: 'Forbidden' })).toEqual({ message: 'Forbidden' });
    expect(describeErrorBody(400, { error: 'TARGET_NOT_FOUND', message: 'no such image', where: 'oci:/x', hint: '' })).toEqual({ message: 'no such image (oci:/x)' });
  });
  it('falls back to text or the status, and truncates huge bodies', () => {
    expect(describeErrorBody(502, '  Bad gateway\n')).toEqual({ message: 'Bad gateway' });
    expect(describeErrorBody(500, null)).toEqual({ message: 'HTTP 500' });
    expect(describeErrorBody(500, 'x'.repeat(5000)).message).toHaveLength(300);
  });
});

describe('query', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(query({ kind: 'image', severity: '', limit: 50, fixable: true, x: undefined })).toBe('?kind=image&limit=50&fixable=true');
    expect(query({})).toBe('');
    expect(query({ q: 'a b&c' })).toBe('?q=a+b%26c');
  });
});
