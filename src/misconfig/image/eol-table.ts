/**
 * End-of-life dates of distribution releases: public facts, each block naming
 * where the distribution publishes them. `endOfLife` is the day the
 * distribution's own free security updates stop (what BH-IMG-011 measures);
 * `extended` is paid support beyond it, mentioned in the evidence only.
 * Where a vendor publishes only a month, the last day of that month is used.
 * Releases newer than the table are assumed supported; update the table when
 * a distribution announces a new date.
 */

export interface EolRelease {
  /** Release key as `releaseKey` derives it (`12`, `22.04`, `3.20`, `9`, `2023`). */
  release: string;
  /** Human name (`Debian 12 (bookworm)`). */
  name: string;
  /** YYYY-MM-DD: the last day of free security support. */
  endOfLife: string;
  /** Paid support after that, when the vendor sells it. */
  extended?: { name: string; until: string };
}

export interface EolDistribution {
  /** os-release IDs this table applies to. */
  families: readonly string[];
  /** Where the dates are published. */
  source: string;
  /** How many leading numeric components form the release key. */
  keyParts: number;
  releases: readonly EolRelease[];
}

// Debian: end of Debian LTS (free, same archive as regular security support),
// published at https://wiki.debian.org/LTS and https://www.debian.org/releases/.
const debian: EolDistribution = {
  families: ['debian'],
  source: 'https://wiki.debian.org/LTS',
  keyParts: 1,
  releases: [
    { release: '6', name: 'Debian 6 (squeeze)', endOfLife: '2016-02-29' },
    { release: '7', name: 'Debian 7 (wheezy)', endOfLife: '2018-05-31' },
    { release: '8', name: 'Debian 8 (jessie)', endOfLife: '2020-06-30' },
    { release: '9', name: 'Debian 9 (stretch)', endOfLife: '2022-06-30' },
    { release: '10', name: 'Debian 10 (buster)', endOfLife: '2024-06-30' },
    { release: '11', name: 'Debian 11 (bullseye)', endOfLife: '2026-08-31' },
    { release: '12', name: 'Debian 12 (bookworm)', endOfLife: '2028-06-30' },
    { release: '13', name: 'Debian 13 (trixie)', endOfLife: '2030-06-30' },
  ],
};

// Ubuntu: end of standard security maintenance; Ubuntu Pro (ESM) after it.
// Published at https://ubuntu.com/about/release-cycle and https://wiki.ubuntu.com/Releases (months).
const ubuntu: EolDistribution = {
  families: ['ubuntu'],
  source: 'https://ubuntu.com/about/release-cycle',
  keyParts: 2,
  releases: [
    { release: '14.04', name: 'Ubuntu 14.04 LTS', endOfLife: '2019-04-30', extended: { name: 'Ubuntu Pro (ESM)', until: '2024-04-30' } },
    { release: '16.04', name: 'Ubuntu 16.04 LTS', endOfLife: '2021-04-30', extended: { name: 'Ubuntu Pro (ESM)', until: '2026-04-30' } },
    { release: '16.10', name: 'Ubuntu 16.10', endOfLife: '2017-07-31' },
    { release: '17.04', name: 'Ubuntu 17.04', endOfLife: '2018-01-31' },
    { release: '17.10', name: 'Ubuntu 17.10', endOfLife: '2018-07-31' },
    { release: '18.04', name: 'Ubuntu 18.04 LTS', endOfLife: '2023-05-31', extended: { name: 'Ubuntu Pro (ESM)', until: '2028-04-30' } },
    { release: '18.10', name: 'Ubuntu 18.10', endOfLife: '2019-07-31' },
    { release: '19.04', name: 'Ubuntu 19.04', endOfLife: '2020-01-31' },
    { release: '19.10', name: 'Ubuntu 19.10', endOfLife: '2020-07-31' },
    { release: '20.04', name: 'Ubuntu 20.04 LTS', endOfLife: '2025-05-31', extended: { name: 'Ubuntu Pro (ESM)', until: '2030-04-30' } },
    { release: '20.10', name: 'Ubuntu 20.10', endOfLife: '2021-07-31' },
    { release: '21.04', name: 'Ubuntu 21.04', endOfLife: '2022-01-31' },
    { release: '21.10', name: 'Ubuntu 21.10', endOfLife: '2022-07-31' },
    { release: '22.04', name: 'Ubuntu 22.04 LTS', endOfLife: '2027-04-30', extended: { name: 'Ubuntu Pro (ESM)', until: '2032-04-30' } },
    { release: '22.10', name: 'Ubuntu 22.10', endOfLife: '2023-07-31' },
    { release: '23.04', name: 'Ubuntu 23.04', endOfLife: '2024-01-31' },
    { release: '23.10', name: 'Ubuntu 23.10', endOfLife: '2024-07-31' },
    { release: '24.04', name: 'Ubuntu 24.04 LTS', endOfLife: '2029-04-30', extended: { name: 'Ubuntu Pro (ESM)', until: '2034-04-30' } },
    { release: '24.10', name: 'Ubuntu 24.10', endOfLife: '2025-07-31' },
    { release: '25.04', name: 'Ubuntu 25.04', endOfLife: '2026-01-31' },
    { release: '25.10', name: 'Ubuntu 25.10', endOfLife: '2026-07-31' },
    { release: '26.04', name: 'Ubuntu 26.04 LTS', endOfLife: '2031-04-30', extended: { name: 'Ubuntu Pro (ESM)', until: '2036-04-30' } },
  ],
};

// Alpine: end of support of the main repository, published at https://alpinelinux.org/releases/.
const alpine: EolDistribution = {
  families: ['alpine'],
  source: 'https://alpinelinux.org/releases/',
  keyParts: 2,
  releases: [
    { release: '3.10', name: 'Alpine 3.10', endOfLife: '2021-05-01' },
    { release: '3.11', name: 'Alpine 3.11', endOfLife: '2021-11-01' },
    { release: '3.12', name: 'Alpine 3.12', endOfLife: '2022-05-01' },
    { release: '3.13', name: 'Alpine 3.13', endOfLife: '2022-11-01' },
    { release: '3.14', name: 'Alpine 3.14', endOfLife: '2023-05-01' },
    { release: '3.15', name: 'Alpine 3.15', endOfLife: '2023-11-01' },
    { release: '3.16', name: 'Alpine 3.16', endOfLife: '2024-05-23' },
    { release: '3.17', name: 'Alpine 3.17', endOfLife: '2024-11-22' },
    { release: '3.18', name: 'Alpine 3.18', endOfLife: '2025-05-09' },
    { release: '3.19', name: 'Alpine 3.19', endOfLife: '2025-11-01' },
    { release: '3.20', name: 'Alpine 3.20', endOfLife: '2026-04-01' },
    { release: '3.21', name: 'Alpine 3.21', endOfLife: '2026-11-01' },
    { release: '3.22', name: 'Alpine 3.22', endOfLife: '2027-05-01' },
    { release: '3.23', name: 'Alpine 3.23', endOfLife: '2027-11-01' },
  ],
};

// Red Hat Enterprise Linux: end of Maintenance Support; Extended Life-cycle Support (ELS) is paid.
// Published at https://access.redhat.com/support/policy/updates/errata.
const rhel: EolDistribution = {
  families: ['rhel'],
  source: 'https://access.redhat.com/support/policy/updates/errata',
  keyParts: 1,
  releases: [
    { release: '5', name: 'RHEL 5', endOfLife: '2017-03-31', extended: { name: 'Red Hat ELS', until: '2020-11-30' } },
    { release: '6', name: 'RHEL 6', endOfLife: '2020-11-30', extended: { name: 'Red Hat ELS', until: '2024-06-30' } },
    { release: '7', name: 'RHEL 7', endOfLife: '2024-06-30', extended: { name: 'Red Hat ELS', until: '2028-06-30' } },
    { release: '8', name: 'RHEL 8', endOfLife: '2029-05-31', extended: { name: 'Red Hat ELS', until: '2032-05-31' } },
    { release: '9', name: 'RHEL 9', endOfLife: '2032-05-31', extended: { name: 'Red Hat ELS', until: '2035-05-31' } },
    { release: '10', name: 'RHEL 10', endOfLife: '2035-05-31' },
  ],
};

// CentOS Linux, published at https://www.centos.org/centos-linux-eol/.
const centos: EolDistribution = {
  families: ['centos'],
  source: 'https://www.centos.org/centos-linux-eol/',
  keyParts: 1,
  releases: [
    { release: '6', name: 'CentOS 6', endOfLife: '2020-11-30' },
    { release: '7', name: 'CentOS 7', endOfLife: '2024-06-30' },
    { release: '8', name: 'CentOS Linux 8', endOfLife: '2021-12-31' },
  ],
};

// CentOS Stream (os-release ID `centos`, NAME "CentOS Stream"), published at https://www.centos.org/cl-vs-cs/.
const centosStream: EolDistribution = {
  families: ['centos-stream'],
  source: 'https://www.centos.org/cl-vs-cs/',
  keyParts: 1,
  releases: [
    { release: '8', name: 'CentOS Stream 8', endOfLife: '2024-05-31' },
    { release: '9', name: 'CentOS Stream 9', endOfLife: '2027-05-31' },
  ],
};

// AlmaLinux: end of security support, published at https://wiki.almalinux.org/release-notes/.
const almalinux: EolDistribution = {
  families: ['almalinux'],
  source: 'https://wiki.almalinux.org/release-notes/',
  keyParts: 1,
  releases: [
    { release: '8', name: 'AlmaLinux 8', endOfLife: '2029-03-01' },
    { release: '9', name: 'AlmaLinux 9', endOfLife: '2032-05-31' },
  ],
};

// Rocky Linux: end of security support, published at https://wiki.rockylinux.org/rocky/version/.
const rocky: EolDistribution = {
  families: ['rocky'],
  source: 'https://wiki.rockylinux.org/rocky/version/',
  keyParts: 1,
  releases: [
    { release: '8', name: 'Rocky Linux 8', endOfLife: '2029-05-31' },
    { release: '9', name: 'Rocky Linux 9', endOfLife: '2032-05-31' },
  ],
};

// Oracle Linux: end of Premier Support (Extended Support is paid), published in the
// Oracle Linux and Oracle VM Lifetime Support Policy, https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf.
const oracle: EolDistribution = {
  families: ['ol'],
  source: 'https://www.oracle.com/a/ocom/docs/elsp-lifetime-069338.pdf',
  keyParts: 1,
  releases: [
    { release: '6', name: 'Oracle Linux 6', endOfLife: '2021-03-31', extended: { name: 'Oracle Extended Support', until: '2024-06-30' } },
    { release: '7', name: 'Oracle Linux 7', endOfLife: '2024-12-31', extended: { name: 'Oracle Extended Support', until: '2028-06-30' } },
    { release: '8', name: 'Oracle Linux 8', endOfLife: '2029-07-31' },
    { release: '9', name: 'Oracle Linux 9', endOfLife: '2032-06-30' },
  ],
};

// Amazon Linux: published at https://aws.amazon.com/amazon-linux-2/faqs/ and
// https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html.
const amazon: EolDistribution = {
  families: ['amzn'],
  source: 'https://aws.amazon.com/amazon-linux-2/faqs/',
  keyParts: 1,
  releases: [
    { release: '2018', name: 'Amazon Linux AMI 2018.03', endOfLife: '2023-12-31' },
    { release: '2', name: 'Amazon Linux 2', endOfLife: '2026-06-30' },
    { release: '2023', name: 'Amazon Linux 2023', endOfLife: '2029-06-30' },
  ],
};

export const EOL_TABLE: readonly EolDistribution[] = [debian, ubuntu, alpine, rhel, centos, centosStream, almalinux, rocky, oracle, amazon];
