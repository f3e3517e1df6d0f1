/**
 * The official JSON schemas, compiled once: CycloneDX 1.6 (draft-07, with its
 * SPDX-id and JSF references) as shipped by @cyclonedx/cyclonedx-library, and
 * SPDX 2.3 (draft 2019-09) vendored in test/schemas.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cdxSchemas = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res/schema');

const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2019) => void;
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

function checker(validate: ValidateFunction): (doc: unknown) => SchemaCheck {
  return (doc) => {
    const valid = validate(doc) as boolean;
    return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`) };
  };
}

let cdx: ((doc: unknown) => SchemaCheck) | undefined;
export function validateCycloneDx(doc: unknown): SchemaCheck {
  if (!cdx) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // ajv-formats has no IRI or IDN formats (draft 2019 names); accept them, as the URI formats are checked elsewhere.
    ajv.addFormat('iri-reference', true);
    ajv.addFormat('idn-email', true);
    // The bundled schema refers to its siblings by their file names.
    for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
      const { $id: _id, ...schema } = json(path.join(cdxSchemas, name));
      ajv.addSchema(schema, `http://cyclonedx.org/schema/${name}`);
    }
    cdx = checker(ajv.compile(json(path.join(cdxSchemas, 'bom-1.6.SNAPSHOT.schema.json'))));
  }
  return cdx(doc);
}

let spdx: ((doc: unknown) => SchemaCheck) | undefined;
export function validateSpdx(doc: unknown): SchemaCheck {
  if (!spdx) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    spdx = checker(ajv.compile(json(path.join(repoRoot, 'test/schemas/spdx-2.3.schema.json'))));
  }
  return spdx(doc);
}
