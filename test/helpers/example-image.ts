/**
 * The bundled example image (examples/image, tag `example`): a trimmed Debian
 * 12 base (os-release, debian_version and six real dpkg status entries) plus
 * an application layer with two npm packages at versions that have public
 * CVEs (lodash 4.17.15: CVE-2020-8203; minimist 1.2.0: CVE-2021-44906), a
 * setuid file, and a config that runs as root and exposes port 22. It is
 * made by `writeExampleImage()`, and a test checks that the committed copy
 * is exactly what this code makes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestImage } from './image-builder.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const EXAMPLE_DIR = path.resolve(here, '../../examples/image');
export const EXAMPLE_REF = `oci:${EXAMPLE_DIR}:example`;

const osRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

const pkgJson = (name: string, version: string, license: string) =>
  `${JSON.stringify({ name, version, license, main: 'index.js' }, null, 2)}\n`;

export function exampleImage(): TestImage {
  return {
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production'],
      Cmd: ['node', '/app/server.js'],
      WorkingDir: '/app',
      ExposedPorts: { '22/tcp': {}, '3000/tcp': {} },
      Labels: { 'org.opencontainers.image.title': 'bulkhead example' },
    },
    layers: [
      {
        createdBy: 'ADD debian-12-trimmed.tar /',
        entries: [
          { name: 'etc/', type: 'directory' },
          { name: 'etc/debian_version', content: '12.15\n' },
          { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
          { name: 'usr/lib/os-release', content: osRelease },
          { name: 'var/lib/dpkg/status', content: readFileSync(path.join(here, 'example-status.txt')) },
          { name: 'var/lib/dpkg/info/zlib1g:amd64.list', content: '/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu/libz.so.1.2.13\n' },
          { name: 'usr/bin/passwd', content: 'not a real binary\n', mode: 0o4755 },
        ],
      },
      {
        createdBy: 'COPY app /app',
        entries: [
          { name: 'app/package.json', content: `${JSON.stringify({ name: 'example-app', version: '1.0.0', dependencies: { lodash: '4.17.15', minimist: '1.2.0' } }, null, 2)}\n` },
          { name: 'app/server.js', content: "console.log('example');\n" },
          { name: 'app/node_modules/lodash/package.json', content: pkgJson('lodash', '4.17.15', 'MIT') },
          { name: 'app/node_modules/minimist/package.json', content: pkgJson('minimist', '1.2.0', 'MIT') },
        ],
      },
    ],
  };
}
