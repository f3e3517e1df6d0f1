#!/bin/sh
# Rebuilds auditable-hello: a small stripped C program with a `.dep-v0`
# section holding auditable-deps.json zlib-compressed, which is where and how
# cargo-auditable stores a Rust binary's dependency tree. A C program keeps
# the file a few kilobytes; the analyzer reads the section, not the code.
set -eu
cd "$(dirname "$0")"
gcc -Os -s -o auditable-hello hello.c
tr -d '\n' < auditable-deps.json | python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read(), 9))' > deps.zlib
objcopy --add-section .dep-v0=deps.zlib --set-section-flags .dep-v0=readonly,contents auditable-hello
rm deps.zlib
