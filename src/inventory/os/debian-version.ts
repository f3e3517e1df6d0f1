/**
 * `/etc/debian_version`: the Debian point release (`12.15`) that os-release
 * leaves out, or `<codename>/sid` on testing, unstable and on Ubuntu, whose
 * os-release wins in `mergeOsFacts`.
 */
import type { Analyzer } from '../analyzer.js';
import { firstLine } from './facts.js';

const VERSION = /^[0-9A-Za-z][0-9A-Za-z._+~/-]*$/;

export const debianVersionAnalyzer: Analyzer = {
  id: 'debian-version',
  version: 1,
  description: 'Debian point release from /etc/debian_version',
  targets: ['image', 'rootfs'],
  maxBytes: 4096,
  wants: (path) => path === '/etc/debian_version',
  analyze({ content }) {
    const line = firstLine(content);
    if (!VERSION.test(line)) return { warnings: ['not a Debian version'] };
    const sid = /^([a-z]+)\/sid$/.exec(line);
    return { os: sid ? { family: 'debian', version: line, codename: sid[1]! } : { family: 'debian', version: line } };
  },
};
