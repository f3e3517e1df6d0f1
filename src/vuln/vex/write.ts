/**
 * `bulkhead vex`: the ignore file's vulnerability decisions as an OpenVEX
 * document, so they travel with the image. Each entry with a purl becomes a
 * `not_affected` statement whose impact statement is the entry's reason;
 * entries without a purl, expired ones and non-vulnerability ids are left
 * out and said so.
 */
import { createHash } from 'node:crypto';
import type { IgnoreFile } from '../ignore/index.js';
import { isExpired } from '../ignore/index.js';

const VULN_ID = /^(CVE-\d{4}-\d+|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|GO-\d{4}-\d+|[A-Z]+-\d{4}-\d+|[A-Z]+-[A-Z]+-\d{4}-\d+|DSA-\d+-\d+|DLA-\d+-\d+|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d+)$/i;

export interface VexWriteResult {
  document: string;
  statements: number;
  skipped: Array<{ where: string; why: string }>;
}

export function writeOpenVex(ignore: IgnoreFile, options: { now?: Date; author?: string } = {}): VexWriteResult {
  const now = options.now ?? new Date();
  const skipped: VexWriteResult['skipped'] = [];
  const statements = [];
  for (const e of ignore.entries) {
    if (!VULN_ID.test(e.id)) skipped.push({ where: e.where, why: `${e.id} is not a vulnerability id` });
    else if (!e.purl) skipped.push({ where: e.where, why: 'no purl: VEX statements name their product by purl' });
    else if (isExpired(e, now)) skipped.push({ where: e.where, why: `expired on ${e.expires}` });
    else {
      statements.push({
        vulnerability: { name: e.id },
        products: [{ '@id': e.purl }],
        status: 'not_affected',
        impact_statement: e.reason,
        status_notes: `from ${e.where}${e.expires ? `, decision valid until ${e.expires}` : ''}`,
      });
    }
  }
  const body = JSON.stringify(statements);
  const doc = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://bulkhead.dev/vex/${createHash('sha256').update(body).digest('hex').slice(0, 32)}`,
    author: options.author ?? 'bulkhead',
    timestamp: now.toISOString(),
    version: 1,
    statements,
  };
  return { document: `${JSON.stringify(doc, null, 2)}\n`, statements: statements.length, skipped };
}
