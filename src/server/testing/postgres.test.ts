import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { findPostgresBin, startPostgres } from './postgres.js';

const bin = findPostgresBin();
if (!bin) console.log('skipping PostgreSQL harness test: no initdb found');

describe.skipIf(!bin)('startPostgres', () => {
  it('starts a cluster that answers queries and stops it', async () => {
    const inst = await startPostgres();
    const client = new pg.Client({ connectionString: inst.url });
    await client.connect();
    const r = await client.query('SELECT 1 + 1 AS n');
    expect(r.rows[0].n).toBe(2);
    await client.end();
    await inst.stop();
    const again = new pg.Client({ connectionString: inst.url });
    await expect(again.connect()).rejects.toThrow();
  }, 60_000);
});
