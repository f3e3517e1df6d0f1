/**
 * Installed Python distributions, from their core metadata:
 * - `<name>-<version>.dist-info/METADATA` (wheels, pip, uv),
 * - `<name>-<version>.egg-info/PKG-INFO` (setuptools, also Debian's python3-*),
 * - `<name>-<version>.egg-info` as a single file in PKG-INFO format (Debian
 *   installs some that way),
 * - `<name>.egg/EGG-INFO/PKG-INFO` (unzipped eggs).
 * Zipped `.egg` files and `.whl` archives lying around are not opened.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { declaredLicenses, first, parseHeaders } from './metadata.js';
import { isDistributionName, normalizeName } from './name.js';

const MAX_VERSION_LENGTH = 128;

export function isInstalledMetadata(path: string): boolean {
  return (
    path.endsWith('.dist-info/METADATA') ||
    path.endsWith('.egg-info/PKG-INFO') ||
    path.endsWith('.egg-info') ||
    path.endsWith('.egg/EGG-INFO/PKG-INFO')
  );
}

export function parseInstalledMetadata(text: string): { pkg?: PackageRecord; warnings: string[] } {
  const { headers } = parseHeaders(text.startsWith('\ufeff') ? text.slice(1) : text);
  const name = first(headers, 'name');
  const version = first(headers, 'version');
  if (!name || !version) {
    return { warnings: [`no ${name ? 'Version' : 'Name'} header: not Python package metadata`] };
  }
  if (!isDistributionName(name)) return { warnings: [`"${name.slice(0, 80)}" is not a valid distribution name; skipped`] };
  if (version.length > MAX_VERSION_LENGTH || /\s/.test(version)) return { warnings: [`version "${version.slice(0, 80)}" is not a version; skipped`] };
  const pkg: PackageRecord = { type: 'pypi', name, version };
  const licenses = declaredLicenses(headers);
  if (licenses.length) pkg.licenses = licenses;
  const normalized = normalizeName(name);
  if (normalized !== name) pkg.properties = { 'python.normalizedName': normalized };
  return { pkg, warnings: [] };
}

export const pythonInstalledAnalyzer: Analyzer = {
  id: 'python-installed',
  version: 1,
  description: 'Installed Python distributions from .dist-info/METADATA, .egg-info/PKG-INFO and .egg-info files',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: 4 * 1024 * 1024,
  wants: (path) => isInstalledMetadata(path),
  analyze({ content }) {
    const { pkg, warnings } = parseInstalledMetadata(content.toString('utf8'));
    if (!pkg) return { warnings };
    return { packages: [pkg] };
  },
};
