/**
 * The vulnerability database: OSV records in SQLite, built by import or
 * update into a temporary file and swapped in, read through VulnDb.
 */
export { DEFAULT_ECOSYSTEMS, DEFAULT_REPOSITORY, GIT_ECOSYSTEM, splitEcosystem } from './ecosystems.js';
export type { EcosystemParts } from './ecosystems.js';
export { DB_SCHEMA_VERSION, DB_FILE_NAME, normalizePackageName } from './schema.js';
export { OsvRecordSchema, parseOsvRecord, parseOsvJson, isValidOsvId, RANGE_TYPES, EVENT_KINDS } from './record.js';
export type { OsvRecord, OsvAffected, OsvRange, OsvEvent, OsvSeverity, OsvReference, RecordParse } from './record.js';
export { OsvImporter, importDb } from './importer.js';
export type { ImportCounts, ImportDbOptions, ImportDbResult } from './importer.js';
export { updateDb, ensureDb } from './update.js';
export type { UpdateDbOptions, UpdateDbResult, EcosystemUpdate } from './update.js';
export { VulnDb, dbStatus, DEFAULT_MAX_DB_AGE_MS } from './store.js';
export type { AffectedEntry, VulnRecord, DbStatus, DbMissing, EcosystemFeedStatus } from './store.js';
export { defaultDbDir, dbFilePath } from './dbfile.js';
