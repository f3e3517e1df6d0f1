/** SBOMs: CycloneDX 1.6 and SPDX 2.3 JSON out, either format in (an SBOM is a scan target). */
export { renderCycloneDx, type CycloneDxOptions } from './cyclonedx.js';
export { renderSpdxJson } from './spdx.js';
export { readSbom, SBOM_LIMITS, type SbomContents, type SbomImage } from './read.js';
export { classifyLicense, normalizeSpdxExpression, type LicenseClass } from './license.js';
