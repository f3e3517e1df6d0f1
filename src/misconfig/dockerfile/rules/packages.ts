/**
 * Package managers in RUN: apt-get/apt, apk, yum/dnf/microdnf, zypper, pip,
 * npm, gem and go. Checks BH-DF-010 to 019.
 *
 * Cache clean-up (011, 017) matters only in stages that end up in the final
 * image: a build stage's cache is thrown away with the stage. A cache mount
 * (`RUN --mount=type=cache,target=…`) keeps the cache out of the layer.
 */
import {
  APT_NOT_APT_GET,
  APT_RECOMMENDS,
  LANGUAGE_PINS,
  NON_INTERACTIVE,
  NPM_INSTALL,
  OS_PACKAGE_PINS,
  PACKAGE_CACHE,
  PACKAGE_UPGRADE,
  PIP_CACHE,
  UPDATE_ALONE,
} from '../checks.js';
import type { RuleContext, RunAnalysis, RunPart } from '../context.js';
import { lookupFor, type Instr, type Stage } from '../document.js';
import { hasOption, optionValues, parseOptions, type Invocation, type ShellWord } from '../shell.js';
import { copyArgs } from './files.js';

/** What earlier instructions of a stage chain established. */
interface StageFacts {
  aptNoRecommends: boolean;
  aptAssumeYes: boolean;
  pipNoCache: boolean;
  /** An earlier COPY brought in package-lock.json (`lock`) or the whole context (`context`). */
  npmLockCopied: false | 'lock' | 'context';
}

interface Step {
  part: RunPart;
  inv: Invocation;
  /** Position in the RUN's steps. */
  pos: number;
}

interface RunScope {
  ctx: RuleContext;
  ins: Instr;
  stage: Stage;
  run: RunAnalysis;
  steps: Step[];
  facts: StageFacts;
  /** Memo for `happensAfter`. */
  lastPos: Map<string, number>;
}

const MAX_LISTED = 5;

function list(names: string[]): string {
  return names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')} and ${names.length - MAX_LISTED} more` : names.join(', ');
}

function report(scope: RunScope, check: Parameters<RuleContext['report']>[0], step: Step, title: string, extra: { severity?: 'info' | 'low' | 'medium' } = {}): void {
  scope.ctx.report(check, scope.ins, { span: scope.ctx.spanOf(step.part, step.inv), evidence: scope.ctx.evidenceOf(step.part, step.inv), title, ...extra });
}

/**
 * True when a step after `step` in the same RUN satisfies `pred`. The last
 * matching position is computed once per RUN and question (`key`), so many
 * package-manager calls in one RUN stay linear.
 */
function happensAfter(scope: RunScope, step: Step, key: string, pred: (s: Step) => boolean): boolean {
  let last = scope.lastPos.get(key);
  if (last === undefined) {
    last = -1;
    for (let k = scope.steps.length - 1; k >= 0; k--) {
      if (pred(scope.steps[k]!)) {
        last = k;
        break;
      }
    }
    scope.lastPos.set(key, last);
  }
  return last > step.pos;
}

function cacheMounted(run: RunAnalysis, prefix: RegExp): boolean {
  return run.mounts.some((m) => (m['type'] ?? 'bind') === 'cache' && prefix.test(m['target'] ?? m['dst'] ?? m['destination'] ?? ''));
}

/** `rm` (or `find … -delete`) of a path matching `path` after `step`. */
function removedLater(scope: RunScope, step: Step, path: RegExp): boolean {
  return happensAfter(scope, step, `rm ${path.source}`, (s) => (s.inv.name === 'rm' || s.inv.name === 'find') && s.inv.args.some((a) => path.test(a.value)));
}

/** Operand values that name packages: resolved, not options, not files or URLs. */
function packageNames(scope: RunScope, operands: ShellWord[], skip: RegExp): string[] {
  const out: string[] = [];
  for (const w of operands) {
    const r = scope.ctx.resolve(scope.ins, w);
    if (!r.complete || !r.value || r.value.includes('$')) continue;
    for (const name of r.value.split(/\s+/)) {
      if (!name || name.startsWith('-') || /^[./~]|:\/\//.test(name) || skip.test(name)) continue;
      out.push(name);
    }
  }
  return out;
}

function pipedFromYes(step: Step): boolean {
  const cmds = step.part.script.commands;
  const prev = cmds[step.inv.index - 1];
  return !!prev && prev.op === '|' && step.part.invocations.some((i) => i.index === step.inv.index - 1 && i.name === 'yes');
}

const APT_VALUE_OPTS = new Set(['-o', '-c', '-t', '-a', '--option', '--config-file', '--target-release', '--default-release', '--host-architecture']);
const APT_INSTALLS = new Set(['install', 'reinstall', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep']);

function apt(scope: RunScope, step: Step): void {
  const { inv } = step;
  const p = parseOptions(inv.args, APT_VALUE_OPTS);
  const sub = p.operands[0]?.value;
  if (!sub) return;
  if (inv.name === 'apt') report(scope, APT_NOT_APT_GET, step, `apt ${sub} in a script: use apt-get ${sub}`);
  const config = optionValues(p, '-o', '--option');
  const quiet = p.options.filter((o) => o.name === '-q').length >= 2 || optionValues(p, '--quiet').includes('2');
  const yes =
    hasOption(p, '-y', '--yes', '--assume-yes', '--force-yes') ||
    quiet ||
    config.some((c) => /^APT::Get::Assume-Yes=(1|true|yes)$/i.test(c)) ||
    scope.facts.aptAssumeYes ||
    pipedFromYes(step);
  if (APT_INSTALLS.has(sub) && !yes) report(scope, NON_INTERACTIVE, step, `${inv.name} ${sub} without -y: the build stops at the confirmation prompt`);
  if (sub === 'install') {
    const noRecommends =
      hasOption(p, '--no-install-recommends') || config.some((c) => /^APT::Install-Recommends=(0|false|no)$/i.test(c)) || scope.facts.aptNoRecommends;
    if (!noRecommends) report(scope, APT_RECOMMENDS, step, `${inv.name} install without --no-install-recommends`);
    const unpinned = packageNames(scope, p.operands.slice(1), /\.deb$/).filter((n) => !n.includes('='));
    if (unpinned.length) report(scope, OS_PACKAGE_PINS, step, `${inv.name} install without versions: ${list(unpinned)}`);
  }
  if (sub === 'upgrade' || sub === 'dist-upgrade' || sub === 'full-upgrade') {
    report(scope, PACKAGE_UPGRADE, step, `${inv.name} ${sub} upgrades every package of the base image`, { severity: sub === 'upgrade' ? 'info' : 'low' });
  }
  if (sub === 'update') {
    const isApt = (s: Step) => s.inv.name === 'apt-get' || s.inv.name === 'apt';
    if (!happensAfter(scope, step, 'apt install', (s) => isApt(s) && s.inv.args.some((a) => APT_INSTALLS.has(a.value)))) {
      report(scope, UPDATE_ALONE, step, `${inv.name} update without an install in the same RUN`);
    }
    if (
      scope.stage.inFinalImage &&
      !cacheMounted(scope.run, /^\/var\/lib\/apt(\/lists)?\/?$/) &&
      !removedLater(scope, step, /^\/var\/lib\/apt(\/lists(\/\*?)?|\/\*?)?$/) &&
      !happensAfter(scope, step, 'apt distclean', (s) => isApt(s) && s.inv.args.some((a) => a.value === 'distclean'))
    ) {
      report(scope, PACKAGE_CACHE, step, `${inv.name} update leaves the package lists in the layer: rm -rf /var/lib/apt/lists/* in the same RUN`);
    }
  }
}

const APK_VALUE_OPTS = new Set([
  '-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--keys-dir', '--cache-dir', '--repositories-file', '--cache-max-age',
]);

function apk(scope: RunScope, step: Step): void {
  const p = parseOptions(step.inv.args, APK_VALUE_OPTS);
  const sub = p.operands[0]?.value;
  if (!sub) return;
  const operands = p.operands.slice(1);
  if (sub === 'add' || sub === 'update' || sub === 'upgrade') {
    const kept =
      scope.stage.inFinalImage &&
      !hasOption(p, '--no-cache') &&
      !cacheMounted(scope.run, /^(\/var\/cache\/apk|\/etc\/apk\/cache)\/?$/) &&
      !removedLater(scope, step, /^\/var\/cache\/apk(\/\*?)?$/) &&
      !happensAfter(scope, step, 'apk cache clean', (s) => s.inv.name === 'apk' && s.inv.args[0]?.value === 'cache' && /^(clean|purge)$/.test(s.inv.args[1]?.value ?? ''));
    if (kept) report(scope, PACKAGE_CACHE, step, `apk ${sub} without --no-cache leaves the package index in /var/cache/apk`);
  }
  if (sub === 'add') {
    const unpinned = packageNames(scope, operands, /\.apk$/).filter((n) => !/[=~<>]/.test(n));
    if (unpinned.length) report(scope, OS_PACKAGE_PINS, step, `apk add without versions: ${list(unpinned)}`);
  }
  if (sub === 'upgrade' && operands.length === 0) report(scope, PACKAGE_UPGRADE, step, 'apk upgrade upgrades every package of the base image', { severity: 'info' });
  if (sub === 'update' && !happensAfter(scope, step, 'apk add', (s) => s.inv.name === 'apk' && s.inv.args.some((a) => a.value === 'add' || a.value === 'upgrade'))) {
    report(scope, UPDATE_ALONE, step, 'apk update without an apk add in the same RUN');
  }
}

const RPM_MANAGERS = new Set(['yum', 'dnf', 'microdnf', 'tdnf']);
const RPM_VALUE_OPTS = new Set([
  '-c', '--config', '--installroot', '--releasever', '--enablerepo', '--disablerepo', '-x', '--exclude', '--repo', '--repoid',
  '--repofrompath', '--forcearch', '--setopt', '-d', '-e', '--debuglevel', '--errorlevel',
]);
const RPM_INSTALLS = new Set([
  'install', 'in', 'reinstall', 'rei', 'groupinstall', 'localinstall', 'install-n', 'install-na', 'install-nevra', 'update', 'upgrade',
  'up', 'distro-sync', 'dsync', 'groupupdate',
]);

function rpm(scope: RunScope, step: Step): void {
  const { inv } = step;
  const p = parseOptions(inv.args, RPM_VALUE_OPTS);
  const sub = p.operands[0]?.value;
  if (!sub || !RPM_INSTALLS.has(sub)) return;
  const operands = p.operands.slice(1);
  const yes = inv.name === 'microdnf' || hasOption(p, '-y', '--assumeyes') || optionValues(p, '--setopt').some((v) => /^assumeyes=(1|true|yes)$/i.test(v)) || pipedFromYes(step);
  if (!yes) report(scope, NON_INTERACTIVE, step, `${inv.name} ${sub} without -y: the build stops at the confirmation prompt`);
  const cleaned =
    !scope.stage.inFinalImage ||
    cacheMounted(scope.run, /^\/var\/cache\/(yum|dnf|libdnf5)\/?$/) ||
    removedLater(scope, step, /^\/var\/cache\/(yum|dnf|libdnf5)(\/\*?)?$/) ||
    happensAfter(scope, step, 'rpm clean', (s) => RPM_MANAGERS.has(s.inv.name) && s.inv.args.some((a) => a.value === 'clean') && s.inv.args.some((a) => a.value === 'all'));
  if (!cleaned) report(scope, PACKAGE_CACHE, step, `${inv.name} ${sub} without "${inv.name} clean all" leaves its cache in the layer`);
  if (['install', 'in', 'install-n', 'install-na', 'install-nevra'].includes(sub)) {
    // name-version[-release]: the last dash-separated part starts with a digit.
    const unpinned = packageNames(scope, operands, /^@|\.rpm$/).filter((n) => !/-\d[^-]*$/.test(n));
    if (unpinned.length) report(scope, OS_PACKAGE_PINS, step, `${inv.name} ${sub} without versions: ${list(unpinned)}`);
  }
  if ((['update', 'upgrade', 'up'].includes(sub) && operands.length === 0) || sub === 'distro-sync' || sub === 'dsync') {
    report(scope, PACKAGE_UPGRADE, step, `${inv.name} ${sub} upgrades every package of the base image`, { severity: sub.startsWith('d') ? 'low' : 'info' });
  }
}

const ZYPPER_VALUE_OPTS = new Set([
  '-R', '--root', '-D', '--reposd-path', '-C', '--cache-dir', '--raw-cache-dir', '--solv-cache-dir', '--pkg-cache-dir', '-p',
  '--plus-repo', '-c', '--config', '--userdata', '-t', '--type', '-r', '--repo', '--from',
]);
const ZYPPER_CHANGES = new Set(['install', 'in', 'update', 'up', 'patch', 'dist-upgrade', 'dup', 'source-install', 'si', 'remove', 'rm']);

function zypper(scope: RunScope, step: Step): void {
  const p = parseOptions(step.inv.args, ZYPPER_VALUE_OPTS);
  const sub = p.operands[0]?.value;
  if (!sub) return;
  const operands = p.operands.slice(1);
  if (ZYPPER_CHANGES.has(sub)) {
    if (!hasOption(p, '-n', '--non-interactive', '-y', '--no-confirm')) {
      report(scope, NON_INTERACTIVE, step, `zypper ${sub} without -n (--non-interactive): the build stops at the confirmation prompt`);
    }
    const cleaned =
      !scope.stage.inFinalImage ||
      cacheMounted(scope.run, /^\/var\/cache\/zypp\/?$/) ||
      removedLater(scope, step, /^\/var\/cache\/zypp(\/\*?)?$/) ||
      happensAfter(scope, step, 'zypper clean', (s) => s.inv.name === 'zypper' && s.inv.args.some((a) => a.value === 'clean' || a.value === 'cc'));
    if (!cleaned && sub !== 'remove' && sub !== 'rm') report(scope, PACKAGE_CACHE, step, `zypper ${sub} without "zypper clean -a" leaves its cache in the layer`);
  }
  if (sub === 'install' || sub === 'in') {
    const unpinned = packageNames(scope, operands, /\.rpm$|^(pattern|product|patch|srcpackage):/).filter((n) => !/[=<>]/.test(n));
    if (unpinned.length) report(scope, OS_PACKAGE_PINS, step, `zypper ${sub} without versions: ${list(unpinned)}`);
  }
  if (sub === 'dist-upgrade' || sub === 'dup') report(scope, PACKAGE_UPGRADE, step, `zypper ${sub} moves the image to a new distribution release`);
  else if ((sub === 'update' || sub === 'up' || sub === 'patch') && operands.length === 0) {
    report(scope, PACKAGE_UPGRADE, step, `zypper ${sub} upgrades every package of the base image`, { severity: 'info' });
  }
  const installsLater = happensAfter(scope, step, 'zypper change', (s) => s.inv.name === 'zypper' && s.inv.args.some((a) => ZYPPER_CHANGES.has(a.value)));
  if ((sub === 'refresh' || sub === 'ref') && !installsLater) {
    report(scope, UPDATE_ALONE, step, `zypper ${sub} without an install in the same RUN`);
  }
}

const PIP_VALUE_OPTS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target',
  '--prefix', '--root', '--platform', '--python-version', '--implementation', '--abi', '--src', '--upgrade-strategy', '--progress-bar', '--trusted-host',
  '--cache-dir', '--log', '--proxy', '--timeout', '--retries', '--only-binary', '--no-binary', '--report', '--config-settings', '-C',
]);
const PIP_TOOLING = /^(pip|setuptools|wheel)(\[.*\])?$/i;

/** The arguments after `pip`, for `pip …`, `pip3 …` and `python -m pip …`. */
function pipArgs(inv: Invocation): ShellWord[] | null {
  if (/^pip\d*(\.\d+)?$/.test(inv.name)) return inv.args;
  if (/^python\d*(\.\d+)?$/.test(inv.name)) {
    const m = inv.args.findIndex((a) => a.value === '-m');
    if (m >= 0 && inv.args[m + 1]?.value === 'pip') return inv.args.slice(m + 2);
  }
  return null;
}

function pip(scope: RunScope, step: Step, args: ShellWord[]): void {
  const p = parseOptions(args, PIP_VALUE_OPTS);
  const sub = p.operands[0]?.value;
  if (sub === 'uninstall' && !hasOption(p, '-y', '--yes')) report(scope, NON_INTERACTIVE, step, 'pip uninstall without -y: the build stops at the confirmation prompt');
  if (sub !== 'install') return;
  const noCache =
    !scope.stage.inFinalImage ||
    hasOption(p, '--no-cache-dir') ||
    step.inv.assignments.has('PIP_NO_CACHE_DIR') ||
    scope.facts.pipNoCache ||
    lookupFor(scope.ctx.doc, scope.ins)('PIP_NO_CACHE_DIR') !== undefined ||
    cacheMounted(scope.run, /(^|\/)\.cache(\/pip)?\/?$/) ||
    removedLater(scope, step, /\.cache(\/pip)?(\/\*?)?$/) ||
    happensAfter(scope, step, 'pip cache purge', (s) => (pipArgs(s.inv)?.map((a) => a.value).join(' ') ?? '').startsWith('cache purge'));
  if (!noCache) report(scope, PIP_CACHE, step, `${step.inv.name} install without --no-cache-dir keeps downloaded wheels in the image`);
  if (hasOption(p, '-r', '--requirement', '-c', '--constraint', '-e', '--editable')) return;
  const unpinned = packageNames(scope, p.operands.slice(1), /\.(whl|tar\.gz|zip|tgz)$|^git\+|@/).filter((n) => !/(===?|~=|>=|<=|!=|<|>)/.test(n) && !PIP_TOOLING.test(n));
  if (unpinned.length) report(scope, LANGUAGE_PINS, step, `pip install without versions: ${list(unpinned)}`);
}

const NPM_INSTALL_ALIASES = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const NPM_VALUE_OPTS = new Set([
  '--prefix', '--registry', '--cache', '--omit', '--include', '-w', '--workspace', '--loglevel', '--userconfig', '--tag', '--before',
  '--install-strategy',
]);

function npm(scope: RunScope, step: Step): void {
  const p = parseOptions(step.inv.args, NPM_VALUE_OPTS);
  const sub = p.operands[0]?.value;
  if (!sub || !NPM_INSTALL_ALIASES.has(sub)) return;
  const operands = p.operands.slice(1);
  if (operands.length === 0) {
    const copied = scope.facts.npmLockCopied;
    if (!hasOption(p, '-g', '--global') && copied) {
      const what = copied === 'lock' ? 'after copying the lock file' : 'after copying the whole context (lock file included, if there is one)';
      report(scope, NPM_INSTALL, step, `npm ${sub} ${what}: npm ci installs exactly what the lock file names`);
    }
    return;
  }
  const unpinned = packageNames(scope, operands, /\.(tgz|tar\.gz)$|^(git\+|github:|git:|file:|https?:)/).filter((n) => {
    if (/^[^@/]+\/[^@/]+$/.test(n)) return false; // GitHub shorthand user/repo
    const at = n.indexOf('@', 1);
    return at < 0 || /@(latest|next)$/.test(n);
  });
  if (unpinned.length) report(scope, LANGUAGE_PINS, step, `npm ${sub} without versions: ${list(unpinned)}`);
}

function gem(scope: RunScope, step: Step): void {
  const p = parseOptions(step.inv.args, new Set(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--source', '-s', '-P', '--trust-policy', '--platform']));
  if (p.operands[0]?.value !== 'install' || hasOption(p, '-v', '--version')) return;
  const unpinned = packageNames(scope, p.operands.slice(1), /\.gem$/).filter((n) => !n.includes(':'));
  if (unpinned.length) report(scope, LANGUAGE_PINS, step, `gem install without versions: ${list(unpinned)}`);
}

function goInstall(scope: RunScope, step: Step): void {
  const p = parseOptions(step.inv.args, new Set(['-o', '-C', '-tags', '-ldflags', '-gcflags', '-mod', '-modfile', '-p', '-pkgdir', '-toolexec', '-overlay']));
  if (p.operands[0]?.value !== 'install') return;
  // Without @version the module's go.mod decides; @latest and branch names float.
  const floating = packageNames(scope, p.operands.slice(1), /^$/).filter((n) => /@(latest|master|main|HEAD)$/.test(n));
  if (floating.length) report(scope, LANGUAGE_PINS, step, `go install of a moving version: ${list(floating)}`);
}

function updateFacts(ctx: RuleContext, ins: Instr, facts: StageFacts): void {
  if (ins.keyword === 'RUN') {
    const text = [ins.args.text, ...ins.heredocs.map((h) => h.body)].join('\n');
    if (/Install-Recommends\s*"?\s*(false|0|no)/i.test(text)) facts.aptNoRecommends = true;
    if (/Assume-Yes\s*"?\s*(true|1|yes)/i.test(text)) facts.aptAssumeYes = true;
    if (/global\.no-cache-dir|no-cache-dir\s*=\s*(true|1|yes|on|false|0)|PIP_NO_CACHE_DIR/i.test(text)) facts.pipNoCache = true;
  } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    const { sources } = copyArgs(ctx, ins);
    if (sources.some((s) => /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|package\*\.json)$/.test(s.value))) facts.npmLockCopied = 'lock';
    else if (!facts.npmLockCopied && sources.some((s) => /^\.\/?$/.test(s.value))) facts.npmLockCopied = 'context';
  }
}

export function checkPackages(ctx: RuleContext): void {
  const endFacts = new Map<number, StageFacts>();
  for (const stage of ctx.doc.stages) {
    const inherited = stage.parent ? endFacts.get(stage.parent.index) : undefined;
    const facts: StageFacts = inherited ? { ...inherited } : { aptNoRecommends: false, aptAssumeYes: false, pipNoCache: false, npmLockCopied: false };
    for (const ins of stage.instructions) {
      if (ins.keyword === 'RUN') {
        const run = ctx.run(ins);
        const steps = run.parts.flatMap((part) => part.invocations.map((inv) => ({ part, inv, pos: 0 })));
        steps.forEach((s, k) => (s.pos = k));
        const scope: RunScope = { ctx, ins, stage, run, steps, facts, lastPos: new Map() };
        for (const step of steps) {
          const name = step.inv.name;
          if (name === 'apt-get' || name === 'apt') apt(scope, step);
          else if (name === 'apk') apk(scope, step);
          else if (RPM_MANAGERS.has(name)) rpm(scope, step);
          else if (name === 'zypper') zypper(scope, step);
          else if (name === 'npm') npm(scope, step);
          else if (name === 'gem') gem(scope, step);
          else if (name === 'go') goInstall(scope, step);
          else {
            const args = pipArgs(step.inv);
            if (args) pip(scope, step, args);
          }
        }
      }
      updateFacts(ctx, ins, facts);
    }
    endFacts.set(stage.index, facts);
  }
}

