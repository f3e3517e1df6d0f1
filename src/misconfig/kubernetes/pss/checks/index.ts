/** Every Pod Security Standards check, baseline and restricted. */
import type { PssCheck } from '../types.js';
import { appArmorProfileCheck } from './apparmor.js';
import { capabilitiesBaselineCheck, capabilitiesRestrictedCheck } from './capabilities.js';
import { hostNamespacesCheck } from './host-namespaces.js';
import { hostPortsCheck } from './host-ports.js';
import { hostProbesAndHostLifecycleCheck } from './host-probes.js';
import { privilegedCheck } from './privileged.js';
import { allowPrivilegeEscalationCheck } from './privilege-escalation.js';
import { procMountCheck, procMountRestrictedCheck } from './proc-mount.js';
import { runAsNonRootCheck, runAsUserCheck } from './run-as.js';
import { seccompProfileBaselineCheck, seccompProfileRestrictedCheck } from './seccomp.js';
import { seLinuxOptionsCheck } from './selinux.js';
import { sysctlsCheck } from './sysctls.js';
import { hostPathVolumesCheck, restrictedVolumesCheck } from './volumes.js';
import { windowsHostProcessCheck } from './windows-host-process.js';

export const PSS_CHECKS: readonly PssCheck[] = [
  hostNamespacesCheck,
  privilegedCheck,
  capabilitiesBaselineCheck,
  hostPathVolumesCheck,
  hostPortsCheck,
  appArmorProfileCheck,
  seLinuxOptionsCheck,
  procMountCheck,
  seccompProfileBaselineCheck,
  sysctlsCheck,
  windowsHostProcessCheck,
  hostProbesAndHostLifecycleCheck,
  restrictedVolumesCheck,
  allowPrivilegeEscalationCheck,
  runAsNonRootCheck,
  runAsUserCheck,
  seccompProfileRestrictedCheck,
  capabilitiesRestrictedCheck,
  procMountRestrictedCheck,
];

export { SAFE_SYSCTLS } from './sysctls.js';
export { restrictedVolumeType } from './volumes.js';
