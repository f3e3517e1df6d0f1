#!/usr/bin/env bash
# Rebuilds the rpm databases in this folder from scratch.
#
# Needs Debian's `rpm` (rpmbuild, rpm 4.18, sqlite backend; reads BerkeleyDB
# through `bdb_ro` only), `db5.3-util` (Berkeley DB's own db5.3_load), gpg, sqlite3 and
# python3. Run from anywhere: `bash make-rpmdb.sh`.
#
# 1. rpmbuild builds three small noarch packages from two specs written here.
# 2. rpm installs them (`--justdb`) into a fresh sqlite rpmdb, and imports a
#    throwaway gpg key (a `gpg-pubkey` entry): sqlite/rpmdb.sqlite.
# 3. The header blobs rpm stored are written into BerkeleyDB hash files with
#    db5.3_load, keyed like rpm's bdb backend (4-byte native-endian header
#    number), once with 512-byte pages (every header on overflow pages) and
#    once with 8 KiB pages (headers stored inline or not, by size); rpm
#    itself reads each back through `bdb_ro` before it is kept.
# 4. Debian's rpm has no ndb backend, so ndb/Packages.db is written by the
#    python below, following the layout of rpm's lib/backend/ndb/rpmpkg.c
#    (32-byte header, 16-byte slots on 4 KiB slot pages, blobs in 16-byte
#    blocks with head/tail magic and adler32).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{SPECS,SOURCES,BUILD,RPMS,SRPMS,BUILDROOT}

cat >"$work/SPECS/bulkhead-hello.spec" <<'SPEC'
Name:           bulkhead-hello
Epoch:          2
Version:        1.2.3
Release:        4.el9
Summary:        Test package with an epoch
License:        MIT
BuildArch:      noarch

%description
Test package for the Bulkhead rpmdb readers.

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/doc/bulkhead-hello
printf '#!/bin/sh\necho hello\n' > %{buildroot}/usr/bin/bulkhead-hello
chmod 755 %{buildroot}/usr/bin/bulkhead-hello
echo 'hello' > %{buildroot}/usr/share/doc/bulkhead-hello/README

%files
/usr/bin/bulkhead-hello
/usr/share/doc/bulkhead-hello/README
SPEC

cat >"$work/SPECS/bulkhead-tools.spec" <<'SPEC'
Name:           bulkhead-tools
Version:        0.9
Release:        1
Summary:        Test package with a subpackage
License:        GPL-2.0-or-later AND BSD-3-Clause
Vendor:         Bulkhead Test Vendor
BuildArch:      noarch

%description
Test package for the Bulkhead rpmdb readers.

%package -n bulkhead-libs
Summary:        Subpackage whose source rpm has another name
License:        Apache-2.0
Requires:       bulkhead-hello

%description -n bulkhead-libs
Subpackage of bulkhead-tools.

%install
mkdir -p %{buildroot}/usr/share/bulkhead-tools %{buildroot}/etc %{buildroot}/usr/lib/bulkhead
echo a > %{buildroot}/usr/share/bulkhead-tools/a.txt
echo b > %{buildroot}/usr/share/bulkhead-tools/b.txt
echo 'level=1' > %{buildroot}/etc/bulkhead-tools.conf
echo lib > %{buildroot}/usr/lib/bulkhead/libbulkhead.txt

%files
%dir /usr/share/bulkhead-tools
%config(noreplace) /etc/bulkhead-tools.conf
/usr/share/bulkhead-tools/a.txt
/usr/share/bulkhead-tools/b.txt

%files -n bulkhead-libs
/usr/lib/bulkhead/libbulkhead.txt
SPEC

for spec in bulkhead-hello bulkhead-tools; do
  rpmbuild --quiet --define "_topdir $work" --define '_buildhost bulkhead.test' \
    --define 'source_date_epoch_from_changelog 0' -bb "$work/SPECS/$spec.spec" >/dev/null
done

db="$work/db"
mkdir -p "$db"
rpm --dbpath "$db" --define '_db_backend sqlite' --initdb 2>/dev/null
rpm --dbpath "$db" --define '_db_backend sqlite' -i --nodeps --justdb --noscripts \
  "$work"/RPMS/noarch/*.rpm 2>/dev/null
# A throwaway signing key, imported the way distributions import theirs: rpm
# stores it as a `gpg-pubkey` pseudo-package that readers must skip.
export GNUPGHOME="$work/gnupg"
mkdir -p -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'Bulkhead Test <test@bulkhead.invalid>' rsa2048 sign never 2>/dev/null
gpg --batch --quiet --armor --export test@bulkhead.invalid >"$work/key.asc"
rpm --dbpath "$db" --define '_db_backend sqlite' --import "$work/key.asc" 2>/dev/null
# Make the main file self-contained (no -wal/-shm beside it).
sqlite3 "$db/rpmdb.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
mkdir -p "$here/sqlite"
cp "$db/rpmdb.sqlite" "$here/sqlite/rpmdb.sqlite"

# Header blobs as hex, one `hnum hex` line each.
sqlite3 "$db/rpmdb.sqlite" 'SELECT hnum, hex(blob) FROM Packages ORDER BY hnum;' | tr '|' ' ' >"$work/blobs.txt"

make_bdb() { # pagesize outdir
  local out="$2"
  mkdir -p "$out"
  rm -f "$out/Packages"
  python3 - "$1" "$work/blobs.txt" >"$work/Packages.dump" <<'PY'
import struct, sys
pagesize, path = sys.argv[1], sys.argv[2]
print("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=%s\nHEADER=END" % pagesize)
maxnum = 0
for line in open(path):
    num, blob = line.split()
    maxnum = max(maxnum, int(num))
    print(" " + struct.pack("=I", int(num)).hex())
    print(" " + blob.lower())
# rpm's bdb backend keeps the next header number under key 0.
print(" " + struct.pack("=I", 0).hex())
print(" " + struct.pack("=I", maxnum + 1).hex())
print("DATA=END")
PY
  db5.3_load -f "$work/Packages.dump" "$out/Packages"
  # rpm itself must read it back.
  local check
  check="$(mktemp -d)"
  cp "$out/Packages" "$check/Packages"
  rpm --dbpath "$check" --define '_db_backend bdb_ro' -qa --qf '%{NAME}\n' 2>/dev/null | sort >"$work/bdb.list"
  rm -rf "$check"
  [ "$(wc -l <"$work/bdb.list")" = "$(wc -l <"$work/blobs.txt")" ] || { echo "rpm could not read $out/Packages" >&2; exit 1; }
}
make_bdb 512 "$here/bdb-small-pages"
make_bdb 8192 "$here/bdb-large-pages"

mkdir -p "$here/ndb"
python3 - "$work/blobs.txt" "$here/ndb/Packages.db" <<'PY'
import struct, sys, zlib
src, dst = sys.argv[1], sys.argv[2]
PAGE, SLOT, BLK = 4096, 16, 16
blobs = [(int(n), bytes.fromhex(h)) for n, h in (l.split() for l in open(src))]
slot_pages = 1
out = bytearray(PAGE * slot_pages)
# Every slot carries the magic, used or free.
for off in range(32, PAGE * slot_pages, SLOT):
    out[off:off + 4] = b"Slot"
blkoff = PAGE * slot_pages // BLK
slotno = 2
for pkgidx, blob in blobs:
    head = b"BlbS" + struct.pack("<III", pkgidx, 1700000000, len(blob))
    blkcnt = (16 + len(blob) + 12 + BLK - 1) // BLK
    pad = blkcnt * BLK - (16 + len(blob) + 12)
    body = head + blob + b"\0" * pad
    tail = struct.pack("<II", zlib.adler32(body, 1), len(blob)) + b"BlbE"
    struct.pack_into("<4sIII", out, slotno * SLOT, b"Slot", pkgidx, blkoff, blkcnt)
    out += body + tail
    blkoff += blkcnt
    slotno += 1
struct.pack_into("<4sIIII", out, 0, b"RpmP", 0, len(blobs), slot_pages, max(n for n, _ in blobs) + 1)
open(dst, "wb").write(out)
PY

rpm --dbpath "$db" --define '_db_backend sqlite' -qa \
  --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\n' 2>/dev/null | sort >"$here/expected.txt"
echo "wrote sqlite/, bdb-small-pages/, bdb-large-pages/, ndb/ and expected.txt in $here"
