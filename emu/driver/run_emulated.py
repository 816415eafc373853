"""Runs the harness's `pdot_emu_run` on the emulated AVX-512 CPU and writes the result words,
as `pdot-emu run ISA OUT` does natively.

usage: run_emulated.py HARNESS ISA OUT.bin [--jobs J] [--first F] [--count N] [--chunk C]
Exit status: 0 done; 3 the harness returned an error; 4 the emulation failed; 5 an avx512
run decoded no EVEX instruction (so AVX-512 did not run).
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import time

from elf import Elf
from machine import EmuError, Machine

ISAS = {"portable": 0, "avx2": 1, "avx512": 2}
ERRORS = {2**64 - 1 - k: why for k, why in enumerate([
    "bad isa code", "backend unavailable: the emulated CPU does not report its features",
    "Backend::new returned another backend", "output too small", "a view could not be made"])}
OUT = 0x8000_0000  # guest address of the result words


def load(m: Machine, elf: Elf) -> dict[str, int]:
    for off, vaddr, filesz, _ in elf.loads():
        m.write(vaddr, elf.data[off:off + filesz])  # the rest of memsz: demand-zero pages
    # glibc's static start-up would resolve its IFUNCs (memcpy, memset, ...) from its CPU
    # table; the table is zero here, so the resolvers pick the baseline SSE2 variants.
    for slot, resolver in elf.irelative():
        m.write(slot, struct.pack("<Q", m.call(resolver)))
    syms = elf.symbols()
    # Start-up also sets memcpy's thresholds (0 in the image: memcpy would take its
    # non-temporal path at any size); the values it computes for a 1 MiB cache.
    for name in ("__x86_shared_non_temporal_threshold", "__x86_rep_movsb_stop_threshold"):
        if name in syms:
            m.write(syms[name], struct.pack("<Q", 0xC0000))
    return syms


def run_range(a, m: Machine, syms, slots: int, first: int, end: int) -> bytes:
    out = bytearray()
    t0 = time.time()
    at = first
    while at < end:
        count = min(a.chunk, end - at)
        r = m.call(syms["pdot_emu_run"], ISAS[a.isa], at, count, OUT, count * slots)
        if r != count:
            print(f"pdot_emu_run({a.isa}, {at}, {count}) = {r:#x}: {ERRORS.get(r, 'error')}",
                  file=sys.stderr)
            sys.exit(3)
        out += m.read(OUT, 8 * slots * count)
        at += count
        print(f"  [{a.isa} emulated, cases {first}..{end}] {at - first} done, "
              f"{time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    print(f"  [{a.isa} emulated, cases {first}..{end}] bochscpu decoded {m.decoded} "
          f"instructions, {m.decoded_evex} EVEX (AVX-512)", file=sys.stderr)
    if a.isa == "avx512" and m.decoded_evex == 0:
        print("no EVEX instruction was decoded: AVX-512 did not run", file=sys.stderr)
        sys.exit(5)
    return bytes(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("harness")
    ap.add_argument("isa", choices=ISAS)
    ap.add_argument("out")
    ap.add_argument("--chunk", type=int, default=4000, help="cases per emulated call")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--count", type=int, default=None, help="default: to the end")
    ap.add_argument("--jobs", type=int, default=1, help="emulator processes")
    a = ap.parse_args()

    m = Machine()
    syms = load(m, Elf(a.harness))
    total, slots = m.call(syms["pdot_emu_cases"]), m.call(syms["pdot_emu_slots"])
    end = total if a.count is None else min(total, a.first + a.count)
    t0 = time.time()
    if a.jobs <= 1:
        out = run_range(a, m, syms, slots, a.first, end)
    else:  # one CPU per process: sub-ranges in parallel, results concatenated
        cut = [a.first + (end - a.first) * j // a.jobs for j in range(a.jobs + 1)]
        parts = [f"{a.out}.part{j}" for j in range(a.jobs)]
        procs = [subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), a.harness, a.isa, parts[j],
             "--chunk", str(a.chunk), "--first", str(cut[j]), "--count", str(cut[j + 1] - cut[j])],
            stdout=subprocess.DEVNULL) for j in range(a.jobs)]
        codes = [p.wait() for p in procs]
        if any(codes):
            return max(codes)
        out = b"".join(open(p, "rb").read() for p in parts)
        for p in parts:
            os.remove(p)
    open(a.out, "wb").write(out)
    print(f"  {len(out) // (8 * slots)} cases on {a.isa}, emulated: {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EmuError as e:
        print(f"emulation failed: {e}", file=sys.stderr)
        sys.exit(4)
