#!/bin/sh
# Builds the GIC probe and runs it on QEMU's virt with GICv2 and GICv3 (3 CPUs).
set -e
cd "$(dirname "$0")"
out=${TMPDIR:-/tmp}/gic-probe
mkdir -p "$out"
for v in 2 3; do
  aarch64-linux-gnu-gcc -O1 -ffreestanding -nostdlib -static -DVER=$v -Wl,-Ttext=0x40080000 \
    -o "$out/probe$v" start.S probe.c
  echo "== gic-version=$v"
  timeout 5 qemu-system-aarch64 -M virt,gic-version=$v -cpu cortex-a57 -smp 3 -nographic \
    -kernel "$out/probe$v" 2>/dev/null | tr -d '\r' | sed '/^DONE$/q' || true
done
