/** `/etc/alpine-release`: the full Alpine version (`3.20.3`, `3.21_alpha20240807`). */
import type { Analyzer } from '../analyzer.js';
import { firstLine } from './facts.js';

const VERSION = /^[0-9][0-9A-Za-z._+~-]*$/;

export const alpineReleaseAnalyzer: Analyzer = {
  id: 'alpine-release',
  version: 1,
  description: 'Precise Alpine version from /etc/alpine-release',
  targets: ['image', 'rootfs'],
  maxBytes: 4096,
  wants: (path) => path === '/etc/alpine-release',
  analyze({ content }) {
    const line = firstLine(content);
    if (!VERSION.test(line)) return { warnings: ['not an Alpine version'] };
    return { os: { family: 'alpine', version: line } };
  },
};
