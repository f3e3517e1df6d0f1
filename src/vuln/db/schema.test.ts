import { describe, it, expect } from 'vitest';
import Database from 'better-sqlite3';
import { DB_SCHEMA_VERSION, createLookupIndexes, createTables, normalizePackageName } from './schema.js';
import { splitEcosystem, isValidEcosystemName } from './ecosystems.js';

describe('normalizePackageName', () => {
  it('applies PEP 503 to PyPI names', () => {
    expect(normalizePackageName('PyPI', 'Zope.Interface')).toBe('zope-interface');
    expect(normalizePackageName('PyPI', 'typing__extensions')).toBe('typing-extensions');
    expect(normalizePackageName('PyPI', 'Jinja2')).toBe('jinja2');
    expect(normalizePackageName('PyPI', 'a-_.-b')).toBe('a-b');
  });
  it('keeps npm, Go and distro source names as written', () => {
    expect(normalizePackageName('npm', '@Babel/Core')).toBe('@Babel/Core');
    expect(normalizePackageName('Go', 'github.com/BurntSushi/toml')).toBe('github.com/BurntSushi/toml');
    expect(normalizePackageName('Debian:12', 'libgcrypt20')).toBe('libgcrypt20');
    expect(normalizePackageName('Alpine:v3.20', 'py3-Pillow')).toBe('py3-Pillow');
  });
  it('writes Maven names as group:artifact without blanks', () => {
    expect(normalizePackageName('Maven', 'org.apache.logging.log4j : log4j-core')).toBe('org.apache.logging.log4j:log4j-core');
  });
  it('folds case where the registry does', () => {
    expect(normalizePackageName('NuGet', 'Newtonsoft.Json')).toBe('newtonsoft.json');
    expect(normalizePackageName('Packagist', 'Symfony/Http-Kernel')).toBe('symfony/http-kernel');
    expect(normalizePackageName('crates.io', 'Serde_JSON')).toBe('serde-json');
  });
});

describe('splitEcosystem', () => {
  it('splits at the first colon only', () => {
    expect(splitEcosystem('Debian:12')).toEqual({ base: 'Debian', release: '12' });
    expect(splitEcosystem('Ubuntu:22.04:LTS')).toEqual({ base: 'Ubuntu', release: '22.04:LTS' });
    expect(splitEcosystem('npm')).toEqual({ base: 'npm', release: '' });
  });
  it('accepts bucket folder names and refuses path tricks', () => {
    expect(isValidEcosystemName('Rocky Linux')).toBe(true);
    expect(isValidEcosystemName('crates.io')).toBe(true);
    expect(isValidEcosystemName('../etc')).toBe(false);
    expect(isValidEcosystemName('a/b')).toBe(false);
  });
});

describe('schema', () => {
  it('sets user_version and the package lookup index', () => {
    const db = new Database(':memory:');
    createTables(db);
    createLookupIndexes(db);
    expect(db.pragma('user_version', { simple: true })).toBe(DB_SCHEMA_VERSION);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM affected WHERE ecosystem = 'Debian' AND release = '12' AND normalized_name = 'glibc'")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('affected_package');
    db.close();
  });
});
