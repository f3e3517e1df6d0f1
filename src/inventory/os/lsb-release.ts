/** `/etc/lsb-release`: the last resort when nothing better names the distribution. */
import type { Analyzer } from '../analyzer.js';
import { parseEnvFile } from './env-file.js';
import { compactOs } from './facts.js';

export const lsbReleaseAnalyzer: Analyzer = {
  id: 'lsb-release',
  version: 1,
  description: 'Distribution id and release from /etc/lsb-release (used only without os-release)',
  targets: ['image', 'rootfs'],
  maxBytes: 64 * 1024,
  wants: (path) => path === '/etc/lsb-release',
  analyze({ content }) {
    const { values, warnings } = parseEnvFile(content.toString('utf8'));
    const id = values.get('DISTRIB_ID')?.trim();
    if (!id) return { warnings: [...warnings, 'no DISTRIB_ID= line'] };
    const os = compactOs({
      family: id.toLowerCase(),
      version: values.get('DISTRIB_RELEASE')?.trim() ?? '',
      name: id,
      prettyName: values.get('DISTRIB_DESCRIPTION'),
      codename: values.get('DISTRIB_CODENAME'),
    });
    return warnings.length ? { os, warnings } : { os };
  },
};
