/**
 * The image configuration and contents checks: the data half (what
 * `bulkhead checks` lists and docs/checks.md is generated from). Each rule
 * file in this folder produces findings for one or two of these.
 *
 * Ids are stable and never reused. References name the standard a check
 * implements and the same check in other tools, so users of those tools find
 * their old check here.
 */
import type { CheckDefinition } from '../../core/check.js';

export const rootUserCheck: CheckDefinition = {
  id: 'BH-IMG-001',
  kind: 'image',
  title: 'Image runs as root',
  severity: 'high',
  rationale:
    'Without a USER (or with USER root / 0) every process in the container runs as UID 0. A compromised process then owns the whole container filesystem and is one kernel or runtime bug away from the host.',
  remediation:
    'Create an unprivileged user in the image (e.g. `RUN useradd --uid 10001 --no-log-init app`) and end the Dockerfile with `USER 10001:10001`; a numeric UID lets Kubernetes `runAsNonRoot` verify it.',
  references: [
    'cis-docker:4.1',
    'nist-800-190:4.1.2',
    'mitre-attack:T1611',
    'hadolint:DL3002',
    'trivy:DS002',
    'dockle:CIS-DI-0001',
  ],
};

export const envSecretCheck: CheckDefinition = {
  id: 'BH-IMG-002',
  kind: 'image',
  title: 'Secret in an environment variable of the image',
  severity: 'high',
  rationale:
    'Env entries are stored in the image configuration: anyone who can pull the image reads them with `docker inspect`, and they show up in every container, its child processes and crash reports.',
  remediation:
    'Remove the value from the image and rotate the credential. Inject secrets at run time (orchestrator secrets mounted as files, `--env-file` kept out of the image) or, for build-time use, BuildKit `RUN --mount=type=secret`.',
  references: ['cis-docker:4.10', 'nist-800-190:4.1.4', 'mitre-attack:T1552.001', 'trivy:DS031', 'dockle:CIS-DI-0010'],
};

export const labelSecretCheck: CheckDefinition = {
  id: 'BH-IMG-003',
  kind: 'image',
  title: 'Secret in a label of the image',
  severity: 'high',
  rationale:
    'Labels are public metadata: registries, `docker inspect` and SBOM tools display them to anyone who can read the image.',
  remediation: 'Remove the label, rotate the credential, and keep labels to descriptive metadata (OCI `org.opencontainers.image.*` keys).',
  references: ['cis-docker:4.10', 'nist-800-190:4.1.4', 'mitre-attack:T1552.001'],
};

export const historySecretCheck: CheckDefinition = {
  id: 'BH-IMG-004',
  kind: 'image',
  title: 'Secret in the build history of the image',
  severity: 'high',
  rationale:
    'Each history entry keeps the build step that made it (`created_by`): `--build-arg` values used by a RUN, ARG defaults, ENV values and credentials typed into commands stay readable with `docker history` even when a later step unsets them.',
  remediation:
    'Rotate the credential and rebuild without it: pass build secrets with BuildKit `RUN --mount=type=secret` (or SSH forwarding with `--mount=type=ssh`), never as ARG, ENV or command-line arguments.',
  references: ['cis-docker:4.10', 'nist-800-190:4.1.4', 'mitre-attack:T1552.001', 'trivy:DS031'],
};

export const healthcheckCheck: CheckDefinition = {
  id: 'BH-IMG-005',
  kind: 'image',
  title: 'No HEALTHCHECK in the image',
  severity: 'low',
  rationale:
    'Without a health check Docker and Swarm only know whether the main process is alive, not whether it still serves; a hung service keeps running and receiving traffic. Base images whose command is a bare shell are reported at info severity: they are meant to be built on, not run.',
  remediation:
    'Add a `HEALTHCHECK CMD …` that exercises the service (ideally with the application binary itself, so no curl is needed). On Kubernetes, which ignores HEALTHCHECK, define liveness and readiness probes instead.',
  references: ['cis-docker:4.6', 'trivy:DS026', 'dockle:CIS-DI-0006'],
};

export const exposedPortCheck: CheckDefinition = {
  id: 'BH-IMG-006',
  kind: 'image',
  title: 'Image exposes a remote-administration or clear-text service port',
  severity: 'medium',
  rationale:
    'EXPOSE documents what the container listens on and `docker run -P` publishes it. Remote shells (SSH, Telnet, r-services), remote desktops (RDP, VNC), Windows management (SMB, WinRM, RPC) and the Docker API give an attacker who reaches them control beyond the application, and containers should be managed through the runtime, not logged into.',
  remediation:
    'Remove the EXPOSE and the daemon behind it: use `docker exec` / `kubectl exec` for debugging, and never publish the Docker API without TLS client authentication.',
  references: ['nist-800-190:4.1.2', 'mitre-attack:T1021.004', 'mitre-attack:T1133', 'trivy:DS004'],
};

export const setuidCheck: CheckDefinition = {
  id: 'BH-IMG-007',
  kind: 'image',
  title: 'setuid or setgid file in the image',
  severity: 'low',
  rationale:
    'A setuid/setgid executable runs with its owner\'s or group\'s privileges whoever starts it, so a flaw in it (or a file that should never have had the bit) lets an unprivileged process escalate. Files that no OS package installed are reported at medium severity: nobody vetted them.',
  remediation:
    'Strip the bits in the Dockerfile (`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`) unless the application needs one, and run with `--security-opt no-new-privileges`.',
  references: ['cis-docker:4.8', 'nist-800-190:4.1.2', 'mitre-attack:T1548.001', 'dockle:CIS-DI-0008'],
};

export const worldWritableCheck: CheckDefinition = {
  id: 'BH-IMG-008',
  kind: 'image',
  title: 'World-writable file outside /tmp',
  severity: 'low',
  rationale:
    'Any user in the container can modify a world-writable file; for executables, libraries and configuration that means any compromised process can plant code that a more privileged one later runs. Such files are reported at medium severity, others at low.',
  remediation: 'Remove write permission for others (`chmod o-w`), and give write access only to the user that needs it through ownership.',
  references: ['nist-800-190:4.1.2'],
};

export const attackSurfaceCheck: CheckDefinition = {
  id: 'BH-IMG-009',
  kind: 'image',
  title: 'Attack surface: package managers, shells, compilers or network tools in the image',
  severity: 'info',
  rationale:
    'Package managers, shells, compilers and download tools are what an intruder uses next: to fetch and build tooling, open reverse shells and install persistence. A runtime image that needs none of them should not carry them.',
  remediation:
    'Build in one stage and copy only the application into a minimal runtime stage: a distroless or static base (no shell, no package manager), or a -slim variant at least.',
  references: ['cis-docker:4.3', 'nist-800-190:4.1.2', 'mitre-attack:T1059.004', 'mitre-attack:T1105'],
};

export const remoteAddCheck: CheckDefinition = {
  id: 'BH-IMG-010',
  kind: 'image',
  title: 'ADD of a remote URL in the build history',
  severity: 'medium',
  rationale:
    'ADD <url> downloads whatever the server returns at build time, so the image content depends on a third party and changes without a code change; without `--checksum` nothing verifies it.',
  remediation:
    'Download in a RUN step that verifies a pinned checksum or signature (or use `ADD --checksum=sha256:…`), or vendor the file and COPY it.',
  references: ['cis-docker:4.9', 'dockle:CIS-DI-0009'],
};

export const osEndOfLifeCheck: CheckDefinition = {
  id: 'BH-IMG-011',
  kind: 'image',
  title: 'Operating system release is end of life',
  severity: 'high',
  rationale:
    'Once a release is past its end of life the distribution stops publishing security updates for it: new vulnerabilities stay unfixed and vulnerability databases often stop tracking it, so scans under-report. Releases within 90 days of their end of life are reported at low severity.',
  remediation: 'Rebuild on a supported release of the distribution (or a distroless base that tracks one) and keep the base image updated.',
  references: ['cis-docker:4.4', 'nist-800-190:4.1.1'],
};

export const imageAgeCheck: CheckDefinition = {
  id: 'BH-IMG-012',
  kind: 'image',
  title: 'Image was built long ago',
  severity: 'low',
  rationale:
    'An image that has not been rebuilt for a long time carries every package update it missed since; rebuilding regularly is how fixes in the base image and packages reach production.',
  remediation: 'Rebuild and redeploy images on a schedule (and whenever the base image changes), not only when the application changes.',
  references: ['cis-docker:4.4', 'nist-800-190:4.2.2'],
};

/** Every image check, in id order: the list `bulkhead checks` shows. */
export const imageChecks: readonly CheckDefinition[] = [
  rootUserCheck,
  envSecretCheck,
  labelSecretCheck,
  historySecretCheck,
  healthcheckCheck,
  exposedPortCheck,
  setuidCheck,
  worldWritableCheck,
  attackSurfaceCheck,
  remoteAddCheck,
  osEndOfLifeCheck,
  imageAgeCheck,
];
