export { IGNORE_FILE_NAME, MAX_IGNORE_ENTRIES, MAX_IGNORE_FILE_BYTES, parseIgnoreFile, readIgnoreFile } from './file.js';
export type { IgnoreEntry, IgnoreFile } from './file.js';
export { compileGlob } from './glob.js';
export { expiryTime, findingIds, indexIgnoreEntries, indexIgnoreFile, isExpired, purlMatches } from './match.js';
export type { IgnoreIndex } from './match.js';
