/**
 * The Dockerfile checks: data only. Ids are stable and never reused; the
 * functions that raise them live in `rules/`. References name the standards a
 * check implements and the equivalent checks of hadolint, Trivy and Dockle.
 */
import type { CheckDefinition } from '../../core/check.js';

function check(def: Omit<CheckDefinition, 'kind'>): CheckDefinition {
  return { kind: 'dockerfile', ...def };
}

export const ROOT_USER = check({
  id: 'BH-DF-001',
  title: 'Final stage runs as root',
  severity: 'high',
  rationale:
    'A process running as root in the container is root on the host once it escapes, and can rewrite everything in the image at run time. The final stage decides the user of the image; a USER set in a stage it is built FROM is inherited.',
  remediation:
    'Create an unprivileged user (or use the base image\'s, e.g. `nonroot` in distroless or `node` in the Node images) and end the final stage with `USER <name or uid>`.',
  references: ['cis-docker:4.1', 'nist-800-190:4.1.2', 'hadolint:DL3002', 'trivy:DS002', 'dockle:CIS-DI-0001'],
});

export const UNPINNED_TAG = check({
  id: 'BH-DF-002',
  title: 'Base image has no tag or uses `latest`',
  severity: 'medium',
  rationale:
    'Without a tag the build takes whatever `latest` points to today: builds are not reproducible and a new major version or a compromised push changes the image silently.',
  remediation: 'Name an explicit version tag (`node:20.11-bookworm-slim`), ideally together with its digest.',
  references: ['hadolint:DL3006', 'hadolint:DL3007', 'trivy:DS001', 'dockle:DKL-DI-0006'],
});

export const NO_DIGEST = check({
  id: 'BH-DF-003',
  title: 'Base image not pinned by digest',
  severity: 'low',
  rationale:
    'Tags are mutable: the registry (or anyone who can push to it) can move a tag to different content. A digest names exactly one image, so the build uses what was reviewed.',
  remediation:
    'Append the digest to the reference (`FROM node:20.11-bookworm-slim@sha256:…`) and let a bot (Renovate, Dependabot) update tag and digest together.',
  references: ['nist-800-190:4.1.5'],
});

export const UNTRUSTED_REGISTRY = check({
  id: 'BH-DF-004',
  title: 'Base image from a registry that is not allowed',
  severity: 'high',
  rationale:
    'Images should come only from registries the organisation trusts (mirrors it controls, vendors it vets); anything else bypasses review, scanning and signing policy.',
  remediation: 'Pull the image through an allowed registry or mirror, or add the registry to the allowed list after review.',
  references: ['cis-docker:4.2', 'nist-800-190:4.1.5', 'hadolint:DL3026'],
});

export const HEAVY_BASE = check({
  id: 'BH-DF-005',
  title: 'Final image built on a full base image where a slim or distroless one exists',
  severity: 'info',
  rationale:
    'Full distribution images and SDK images ship compilers, package managers, shells and hundreds of packages the application never uses: more vulnerabilities to patch and more tools for an attacker.',
  remediation:
    'Build in a full image, then copy the result into the slim, JRE-only or distroless variant named in the finding for the final stage.',
  references: ['cis-docker:4.3'],
});

export const ADD_REMOTE = check({
  id: 'BH-DF-006',
  title: '`ADD` downloads a remote URL without `--checksum`',
  severity: 'medium',
  rationale:
    'ADD fetches the URL at build time and trusts whatever the server returns: a compromised or changed file goes into the image unnoticed, and the download is not cached predictably.',
  remediation:
    'Add `--checksum=sha256:<digest>` to the ADD, or download with `curl` in a RUN and verify the checksum or signature before use.',
  references: ['cis-docker:4.9', 'dockle:CIS-DI-0009'],
});

export const ADD_LOCAL = check({
  id: 'BH-DF-007',
  title: '`ADD` used for local files where `COPY` is meant',
  severity: 'low',
  rationale:
    'ADD also unpacks archives and fetches URLs, so an innocent-looking ADD changes behaviour when a file is renamed. COPY does only what it says.',
  remediation: 'Use `COPY` for local files and directories; keep `ADD` for local tar archives that should be extracted.',
  references: ['cis-docker:4.9', 'hadolint:DL3020', 'trivy:DS005', 'dockle:CIS-DI-0009'],
});

export const PIPE_TO_SHELL = check({
  id: 'BH-DF-008',
  title: 'Remote script piped into a shell',
  severity: 'medium',
  rationale:
    '`curl … | sh` runs whatever the server sends at build time, with no integrity check; a compromised host or a man in the middle owns the image.',
  remediation:
    'Download the script to a file, verify its checksum or signature, then run it; better, install the software from a signed package repository.',
  references: ['cis-docker:4.11'],
});

export const SUDO = check({
  id: 'BH-DF-009',
  title: '`sudo` used in a RUN instruction',
  severity: 'medium',
  rationale:
    'RUN already runs as the current USER; sudo in a build means root is needed and hides where privileges change. Shipping sudo in the image also gives an attacker an escalation path.',
  remediation: 'Switch with `USER root` for the steps that need it and back to the unprivileged user afterwards; do not install sudo.',
  references: ['hadolint:DL3004', 'trivy:DS010', 'dockle:DKL-DI-0001'],
});

export const APT_RECOMMENDS = check({
  id: 'BH-DF-010',
  title: '`apt-get install` without `--no-install-recommends`',
  severity: 'low',
  rationale: 'Recommended packages are not needed to run the requested ones; they enlarge the image and its attack surface.',
  remediation: 'Add `--no-install-recommends` to `apt-get install`.',
  references: ['cis-docker:4.3', 'hadolint:DL3015', 'trivy:DS029'],
});

export const PACKAGE_CACHE = check({
  id: 'BH-DF-011',
  title: 'Package manager cache left in the image',
  severity: 'low',
  rationale:
    'Package indexes and downloaded archives stay in the layer that created them and bloat the image; removing them in a later RUN does not shrink the earlier layer.',
  remediation:
    'Clean up in the same RUN (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `dnf clean all`, `zypper clean -a`), or use a `--mount=type=cache` for the cache directory.',
  references: [
    'hadolint:DL3009',
    'hadolint:DL3019',
    'hadolint:DL3032',
    'hadolint:DL3036',
    'hadolint:DL3040',
    'trivy:DS015',
    'trivy:DS019',
    'trivy:DS020',
    'trivy:DS025',
    'trivy:DS027',
    'dockle:DKL-DI-0004',
    'dockle:DKL-DI-0005',
  ],
});

export const OS_PACKAGE_PINS = check({
  id: 'BH-DF-012',
  title: 'OS packages installed without version pins',
  severity: 'info',
  rationale:
    'Unpinned packages make builds depend on the day they ran. Pinning is advice, not a rule: pins on a moving distribution break builds when the old version leaves the archive, so many teams pin the base image digest instead.',
  remediation: 'Pin versions (`curl=7.88.1-10+deb12u5`, `curl=8.5.0-r0`, `curl-7.76.1`) where reproducibility matters, or rely on a digest-pinned base image.',
  references: ['hadolint:DL3008', 'hadolint:DL3018', 'hadolint:DL3033', 'hadolint:DL3037', 'hadolint:DL3041'],
});

export const PACKAGE_UPGRADE = check({
  id: 'BH-DF-013',
  title: 'Whole-system package upgrade in the build',
  severity: 'low',
  rationale:
    'Upgrading everything makes the image differ from its base in ways nobody reviewed and from build to build; `dist-upgrade` may even move to a new release. Security fixes belong in a rebuilt, newer base image.',
  remediation: 'Use a newer base image (pinned by digest) and rebuild regularly; upgrade only the specific packages that need it.',
  references: ['hadolint:DL3035', 'trivy:DS024', 'dockle:DKL-DI-0003'],
});

export const UPDATE_ALONE = check({
  id: 'BH-DF-014',
  title: 'Package index updated in a RUN without an install',
  severity: 'medium',
  rationale:
    'The build cache keeps the `update` layer, so a later `install` in another RUN can use a stale index for months and install outdated, vulnerable versions (or fail).',
  remediation: 'Run `update` and `install` in the same RUN: `apt-get update && apt-get install -y …`.',
  references: ['cis-docker:4.7', 'trivy:DS017', 'dockle:CIS-DI-0007'],
});

export const NON_INTERACTIVE = check({
  id: 'BH-DF-015',
  title: 'Package manager may prompt for confirmation',
  severity: 'low',
  rationale: 'Builds have no terminal: a confirmation prompt aborts the command and fails the build.',
  remediation: 'Add `-y` (apt-get, yum, dnf) or `-n`/`--non-interactive` (zypper).',
  references: ['hadolint:DL3014', 'hadolint:DL3030', 'hadolint:DL3034', 'hadolint:DL3038', 'trivy:DS021'],
});

export const APT_NOT_APT_GET = check({
  id: 'BH-DF-016',
  title: '`apt` used in a script',
  severity: 'info',
  rationale: '`apt` is meant for people at a terminal: its output and options are not a stable interface and it warns when scripted.',
  remediation: 'Use `apt-get` (or `apt-cache`) in Dockerfiles.',
  references: ['hadolint:DL3027'],
});

export const PIP_CACHE = check({
  id: 'BH-DF-017',
  title: '`pip install` keeps its download cache in the image',
  severity: 'low',
  rationale: 'pip caches every downloaded wheel under `~/.cache/pip`; in an image that cache is dead weight.',
  remediation: 'Add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount a build cache at `/root/.cache/pip`.',
  references: ['hadolint:DL3042'],
});

export const LANGUAGE_PINS = check({
  id: 'BH-DF-018',
  title: 'Language packages installed without version pins',
  severity: 'info',
  rationale:
    'Installing packages by name takes whatever the registry serves at build time, including a hijacked new release. Lock files or explicit versions make the build reproducible.',
  remediation: 'Install from a lock or requirements file, or name versions (`pip install x==1.2.3`, `npm install -g x@1.2.3`, `gem install x -v 1.2.3`, `go install x@v1.2.3`).',
  references: ['hadolint:DL3013', 'hadolint:DL3016', 'hadolint:DL3028', 'hadolint:DL3062'],
});

export const NPM_INSTALL = check({
  id: 'BH-DF-019',
  title: '`npm install` where `npm ci` fits',
  severity: 'low',
  rationale:
    '`npm install` may resolve newer versions than the lock file names and rewrites it; `npm ci` installs exactly what the lock file says and fails when it is out of date.',
  remediation: 'Copy `package.json` and `package-lock.json`, then `RUN npm ci` (with `--omit=dev` for runtime images).',
  references: [],
});

export const SECRET_IN_ENV = check({
  id: 'BH-DF-020',
  title: 'Secret in ENV or ARG',
  severity: 'high',
  rationale:
    'ENV values are stored in the image configuration and build arguments in its history: anyone who can pull the image can read them, and a value written in the Dockerfile is also in source control.',
  remediation:
    'Pass secrets at build time with `RUN --mount=type=secret,id=…` and at run time through the orchestrator\'s secret store; never as ENV or ARG.',
  references: ['cis-docker:4.10', 'nist-800-190:4.1.4', 'mitre-attack:T1552.001', 'trivy:DS031', 'dockle:CIS-DI-0010'],
});

export const SECRET_FILE = check({
  id: 'BH-DF-021',
  title: 'Credential file copied into the image',
  severity: 'high',
  rationale:
    'Private keys, `.env` files and package-registry credentials copied into an image are readable by anyone who pulls it, and stay in the layer even if a later step deletes them.',
  remediation:
    'Use `RUN --mount=type=secret` or `--mount=type=ssh` during the build, mount credentials at run time, and list such files in `.dockerignore`.',
  references: ['cis-docker:4.10', 'nist-800-190:4.1.4', 'mitre-attack:T1552.001', 'trivy:DS031'],
});

export const SSH_PORT = check({
  id: 'BH-DF-022',
  title: 'Port 22 (SSH) exposed',
  severity: 'medium',
  rationale: 'An SSH server in a container is an extra way in with its own credentials to manage; `docker exec`/`kubectl exec` give the same access under the platform\'s controls.',
  remediation: 'Remove the SSH server and `EXPOSE 22`; use `docker exec` or `kubectl exec` for debugging.',
  references: ['trivy:DS004', 'mitre-attack:T1021.004'],
});

export const NO_HEALTHCHECK = check({
  id: 'BH-DF-023',
  title: 'No HEALTHCHECK in the final image',
  severity: 'low',
  rationale:
    'Without a health check Docker and Swarm only know whether the process runs, not whether it serves; a hung service stays in rotation. (Kubernetes ignores HEALTHCHECK and uses its own probes.)',
  remediation: 'Add `HEALTHCHECK CMD …` that exercises the service, or `HEALTHCHECK NONE` to record that none is wanted.',
  references: ['cis-docker:4.6', 'hadolint:DL3057', 'trivy:DS026', 'dockle:CIS-DI-0006'],
});

export const WORLD_WRITABLE = check({
  id: 'BH-DF-024',
  title: 'World-writable permissions set',
  severity: 'medium',
  rationale:
    'A file or directory every user can write lets any process in the container replace programs, configuration or data used by others, a common step in privilege escalation.',
  remediation: 'Give ownership to the user that needs write access (`chown`, `COPY --chown`) and use modes such as 755/644; add the sticky bit (1777) for shared temporary directories.',
  references: ['nist-800-190:4.1.2'],
});

export const RUN_CD = check({
  id: 'BH-DF-025',
  title: '`RUN cd …` instead of WORKDIR',
  severity: 'info',
  rationale: 'A `cd` lasts for one RUN only; instructions after it still run in the old directory, which is easy to misread.',
  remediation: 'Use `WORKDIR /path` before the commands that need that directory.',
  references: ['hadolint:DL3003', 'trivy:DS013'],
});

export const RELATIVE_WORKDIR = check({
  id: 'BH-DF-026',
  title: 'Relative WORKDIR',
  severity: 'low',
  rationale: 'A relative WORKDIR depends on the base image\'s working directory, which can change under you.',
  remediation: 'Use an absolute path: `WORKDIR /app`.',
  references: ['hadolint:DL3000', 'trivy:DS009'],
});

export const SHELL_FORM_CMD = check({
  id: 'BH-DF-027',
  title: 'ENTRYPOINT or CMD in shell form',
  severity: 'low',
  rationale:
    'The shell form runs the program under `/bin/sh -c`: the shell is PID 1 and does not forward SIGTERM, so the container is killed after the stop timeout instead of shutting down cleanly, and a shell-form ENTRYPOINT ignores CMD and `docker run` arguments.',
  remediation: 'Use the exec (JSON) form: `CMD ["node", "server.js"]`; use `exec` in a wrapper script if a shell is needed.',
  references: ['hadolint:DL3025'],
});

export const OVERRIDDEN = check({
  id: 'BH-DF-028',
  title: 'CMD, ENTRYPOINT or HEALTHCHECK overridden in the same stage',
  severity: 'low',
  rationale: 'Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage take effect; earlier ones are dead code that misleads readers.',
  remediation: 'Keep one of each per stage.',
  references: ['hadolint:DL4003', 'hadolint:DL4004', 'hadolint:DL3012', 'trivy:DS016', 'trivy:DS007', 'trivy:DS023'],
});

export const COPY_FROM_UNKNOWN = check({
  id: 'BH-DF-029',
  title: '`COPY --from` names no build stage',
  severity: 'medium',
  rationale:
    'A `--from` that is not a stage of this Dockerfile is pulled as an image from Docker Hub (a typo becomes a supply-chain risk); a stage cannot copy from itself.',
  remediation: 'Name a stage defined in this Dockerfile (`FROM … AS build`), or a fully qualified, pinned image reference.',
  references: ['hadolint:DL3022', 'hadolint:DL3023', 'trivy:DS006', 'trivy:DS018'],
});

export const DUPLICATE_STAGE = check({
  id: 'BH-DF-030',
  title: 'Duplicate build stage name',
  severity: 'medium',
  rationale: 'Stage names must be unique: BuildKit refuses the Dockerfile, and readers cannot tell which stage `--from` means.',
  remediation: 'Rename one of the stages.',
  references: ['hadolint:DL3024', 'trivy:DS012'],
});

export const MAINTAINER = check({
  id: 'BH-DF-031',
  title: 'Deprecated MAINTAINER instruction',
  severity: 'info',
  rationale: 'MAINTAINER has been deprecated since Docker 1.13; the information belongs in a label.',
  remediation: 'Use `LABEL org.opencontainers.image.authors="…"`.',
  references: ['hadolint:DL4000', 'trivy:DS022'],
});

export const USERADD_LOG = check({
  id: 'BH-DF-032',
  title: '`useradd` with a high UID and without `-l`',
  severity: 'low',
  rationale:
    'useradd writes records at offset UID×size into /var/log/lastlog and faillog; the files are sparse on disk but the layer tar stores every zero byte, adding megabytes per user.',
  remediation: 'Add `-l` (`--no-log-init`) to useradd.',
  references: ['hadolint:DL3046'],
});

export const NO_DOCKERIGNORE = check({
  id: 'BH-DF-033',
  title: 'Whole build context copied without a .dockerignore',
  severity: 'medium',
  rationale:
    '`COPY . .` with no .dockerignore sends and copies everything in the directory: `.git`, `.env` files, local credentials and build output end up in the image.',
  remediation: 'Add a `.dockerignore` next to the Dockerfile that excludes `.git`, secrets and build artefacts, or copy only the files the build needs.',
  references: ['nist-800-190:4.1.4'],
});

export const SYNTAX = check({
  id: 'BH-DF-034',
  title: 'Dockerfile error: the build fails or does something else than written',
  severity: 'medium',
  rationale:
    'Unknown instructions, unterminated heredocs, instructions before FROM, invalid ports and similar mistakes make `docker build` fail, or silently swallow the lines that follow.',
  remediation: 'Fix the instruction named in the finding.',
  references: ['hadolint:DL3011', 'hadolint:DL3021', 'hadolint:DL3043', 'hadolint:DL3061', 'trivy:DS008', 'trivy:DS011'],
});

export const PIPE_WITHOUT_PIPEFAIL = check({
  id: 'BH-DF-035',
  title: 'Download piped into another command without pipefail',
  severity: 'low',
  rationale:
    'A pipeline reports the status of its last command only: when `curl`/`wget` fails, `| tar`, `| gpg --dearmor` and the like still succeed and the build continues with a missing or empty file.',
  remediation:
    'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `set -o pipefail` in the RUN), or download to a file first.',
  references: ['hadolint:DL4006', 'trivy:DS032'],
});

/** Every Dockerfile check, in id order. */
export const dockerfileChecks: CheckDefinition[] = [
  ROOT_USER,
  UNPINNED_TAG,
  NO_DIGEST,
  UNTRUSTED_REGISTRY,
  HEAVY_BASE,
  ADD_REMOTE,
  ADD_LOCAL,
  PIPE_TO_SHELL,
  SUDO,
  APT_RECOMMENDS,
  PACKAGE_CACHE,
  OS_PACKAGE_PINS,
  PACKAGE_UPGRADE,
  UPDATE_ALONE,
  NON_INTERACTIVE,
  APT_NOT_APT_GET,
  PIP_CACHE,
  LANGUAGE_PINS,
  NPM_INSTALL,
  SECRET_IN_ENV,
  SECRET_FILE,
  SSH_PORT,
  NO_HEALTHCHECK,
  WORLD_WRITABLE,
  RUN_CD,
  RELATIVE_WORKDIR,
  SHELL_FORM_CMD,
  OVERRIDDEN,
  COPY_FROM_UNKNOWN,
  DUPLICATE_STAGE,
  MAINTAINER,
  USERADD_LOG,
  NO_DOCKERIGNORE,
  SYNTAX,
  PIPE_WITHOUT_PIPEFAIL,
];
