/**
 * BH-IMG-009: one summary of the tools an intruder would use next, found
 * among the installed OS packages (deb, apk, rpm names) plus the pip and npm
 * that language runtimes install outside the OS package manager; and what a
 * distroless or slim base would change. Names are matched exactly: Debian's
 * `gcc-12-base` is a shared-library base package, not a compiler.
 */
import { findingFor } from '../../core/check.js';
import type { Finding, Package } from '../../core/types.js';
import { OS_PACKAGE_TYPES } from '../../core/types.js';
import { attackSurfaceCheck } from './checks.js';
import type { ImageCheckContext } from './context.js';

export type SurfaceCategory = 'package managers' | 'shells' | 'compilers' | 'network tools';

interface Matcher {
  category: SurfaceCategory;
  /** Exact lower-case names, or patterns anchored at both ends. */
  names: ReadonlyArray<string | RegExp>;
}

const OS_MATCHERS: readonly Matcher[] = [
  {
    category: 'package managers',
    names: ['apt', 'dpkg', 'aptitude', 'apk-tools', 'rpm', 'yum', 'dnf', 'microdnf', 'tdnf', 'zypper', 'python3-pip', 'py3-pip', 'python-pip', 'npm', 'nodejs-npm', 'yarnpkg'],
  },
  {
    category: 'shells',
    names: ['bash', 'dash', 'zsh', 'ksh', 'mksh', 'tcsh', 'csh', 'fish', 'yash', 'busybox', 'busybox-static', 'busybox-binsh'],
  },
  {
    category: 'compilers',
    names: [/^gcc(-\d+)?$/, /^g\+\+(-\d+)?$/, 'gcc-c++', /^clang(-\d+)?$/, 'tcc', 'build-essential', 'build-base'],
  },
  {
    category: 'network tools',
    names: [
      'curl',
      'wget',
      'wget2',
      'netcat',
      'netcat-openbsd',
      'netcat-traditional',
      'ncat',
      'nmap-ncat',
      'nmap',
      'socat',
      'telnet',
      'inetutils-telnet',
      'busybox-extras',
      'openssh-client',
      'openssh-clients',
      'openssh-client-default',
      'openssh',
      'openssh-server',
      'dropbear',
      'ftp',
      'tftp',
      'lftp',
    ],
  },
];

/** Package managers that language runtimes bring as language packages (node's npm, python's pip). */
const LANGUAGE_MANAGERS: ReadonlyArray<{ type: Package['type']; name: string }> = [
  { type: 'npm', name: 'npm' },
  { type: 'pypi', name: 'pip' },
];

function matches(name: string, m: Matcher): boolean {
  return m.names.some((n) => (typeof n === 'string' ? n === name : n.test(name)));
}

export type SurfaceInventory = Record<SurfaceCategory, string[]>;

export function surfaceInventory(packages: readonly Package[]): SurfaceInventory {
  const found: Record<SurfaceCategory, Set<string>> = {
    'package managers': new Set(),
    shells: new Set(),
    compilers: new Set(),
    'network tools': new Set(),
  };
  for (const p of packages) {
    if (typeof p.name !== 'string') continue;
    const name = p.name.toLowerCase();
    if (OS_PACKAGE_TYPES.has(p.type)) {
      for (const m of OS_MATCHERS) if (matches(name, m)) found[m.category].add(p.name);
      // Busybox's applets include wget and nc.
      if (name === 'busybox' || name === 'busybox-static') found['network tools'].add(`${p.name} (wget, nc applets)`);
    } else if (LANGUAGE_MANAGERS.some((l) => l.type === p.type && l.name === name)) {
      found['package managers'].add(`${p.name} (${p.type})`);
    }
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    'package managers': sorted(found['package managers']),
    shells: sorted(found.shells),
    compilers: sorted(found.compilers),
    'network tools': sorted(found['network tools']),
  };
}

const CATEGORIES: readonly SurfaceCategory[] = ['package managers', 'shells', 'compilers', 'network tools'];

/** What a leaner base would remove, in a sentence per category present. */
export function surfaceAdvice(inv: SurfaceInventory, distroless: boolean): string {
  const advice: string[] = [];
  const list = (c: SurfaceCategory) => inv[c].join(', ');
  if (inv['package managers'].length || inv.shells.length) {
    const what = [inv['package managers'].length ? `the package managers (${list('package managers')})` : '', inv.shells.length ? `the shells (${list('shells')})` : '']
      .filter(Boolean)
      .join(' and ');
    advice.push(
      distroless
        ? `The image is already distroless, yet it still carries ${what}: find the step that copies them in.`
        : `A distroless base (e.g. gcr.io/distroless/static or base, or a Chainguard/Wolfi static image) has no shell and no package manager, so ${what} would be gone; a -slim variant keeps them but drops much else.`,
    );
  }
  if (inv.compilers.length) {
    advice.push(`A multi-stage build keeps the compilers (${list('compilers')}) in the build stage and out of the runtime image.`);
  }
  if (inv['network tools'].length) {
    advice.push(
      `Download tools (${list('network tools')}) are rarely needed at run time: fetch what the build needs in a build stage, and health-check with the application itself rather than curl.`,
    );
  }
  return advice.join(' ');
}

export function checkAttackSurface(ctx: ImageCheckContext): Finding[] {
  if (ctx.result.target?.kind === 'fs') return [];
  const inv = surfaceInventory(ctx.result.packages ?? []);
  const present = CATEGORIES.filter((c) => inv[c].length > 0);
  if (present.length === 0) return [];
  const osCount = (ctx.result.packages ?? []).filter((p) => OS_PACKAGE_TYPES.has(p.type)).length;
  const title = `Attack surface: ${present.map((c) => `${c} (${inv[c].join(', ')})`).join('; ')}`;
  const evidence =
    CATEGORIES.map((c) => `${c}: ${inv[c].length ? inv[c].join(', ') : 'none'}`).join('; ') + `; ${osCount} OS packages in total`;
  return [
    findingFor(attackSurfaceCheck, {}, {
      title: title.length > 300 ? `${title.slice(0, 297)}...` : title,
      evidence,
      remediation: surfaceAdvice(inv, ctx.result.os?.distroless === true),
    }),
  ];
}
