/** JSON schemas shared by the routes (also the OpenAPI components). */
export const summarySchema = {
  type: 'object',
  properties: {
    critical: { type: 'integer' },
    high: { type: 'integer' },
    medium: { type: 'integer' },
    low: { type: 'integer' },
    unknown: { type: 'integer' },
    fixable: { type: 'integer' },
    total: { type: 'integer' },
  },
} as const;

/** Opaque JSON object (Finding, ScanResult, Package…): documented in docs/json-format.md. */
export const anyObject = { type: 'object', additionalProperties: true } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const scanItemSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['image', 'sbom', 'kubernetes', 'rescan'] },
    target: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    createdAt: { type: 'string' },
    startedAt: nullableString,
    finishedAt: nullableString,
    error: nullableString,
    imageDigest: nullableString,
    summary: summarySchema,
    result: anyObject,
  },
} as const;

export const imageItemProps = {
  digest: { type: 'string' },
  references: { type: 'array', items: { type: 'string' } },
  os: nullableString,
  lastScanId: nullableString,
  lastScannedAt: nullableString,
  summary: summarySchema,
  signed: { type: ['boolean', 'null'], description: 'true: a signature verified against the server keys; false: unsigned or invalid; null: not checked' },
  signature: {
    type: ['object', 'null'],
    properties: {
      state: { type: 'string', enum: ['verified', 'invalid', 'unsigned', 'unverified'] },
      signatures: { type: 'integer' },
      reason: { type: 'string' },
      keys: { type: 'array', items: { type: 'string' } },
      checkedAt: { type: 'string' },
    },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, where: { type: 'string' }, hint: { type: 'string' } },
} as const;

export const paging = {
  limit: { type: 'integer', minimum: 1, maximum: 1000 },
  offset: { type: 'integer', minimum: 0 },
} as const;

export const idParam = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] } as const;
