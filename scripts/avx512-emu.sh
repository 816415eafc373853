#!/usr/bin/env bash
# The AVX-512 backend, executed on an emulated CPU and compared bit for bit with the native
# backends (a step of `make test`: `make avx512-emu`). CI machines may lack AVX-512, so the
# avx512 backend runs under emulation whatever the host has: bochscpu (Bochs's CPU as a
# library, PyPI `bochscpu-python`), an Intel Tiger Lake model with AVX-512F/BW/DQ/VL.
#
#   scripts/avx512-emu.sh [--inject-bug] [--emulated-avx2] [--jobs J]
#     --inject-bug      build pdot-kernels with its feature `inject-avx512-bug` (an unfused
#                       AVX-512 fms): the check must then FAIL (exit 1)
#     --emulated-avx2   also run the AVX2 backend under emulation (checks the emulator's
#                       arithmetic against this CPU's on the same instruction mix)
#     --jobs J          emulator processes (default: the number of CPUs)
#
# Steps: (1) bochscpu-python in a venv under target/avx512-emu (once; the glibc-2.38 shim its
# wheel needs is compiled with gcc); (2) the case harness emu/ (crate pdot-emu: dot, mdot and
# nrm2, every accuracy, f64/f32/f32->f64, five layouts, lengths around the lane and block
# edges, five kinds of data) built as a static non-PIE binary; (3) native runs: avx2 (the
# reference), portable, and avx512 where the CPU has it; (4) the avx512 backend under
# emulation (emu/driver/run_emulated.py calls the harness's `pdot_emu_run` on the emulated
# CPU; it fails unless AVX-512 (EVEX) instructions were decoded); (5) emu/driver/compare.py:
# every result word of every case against avx2-native.
# Exit status: 0 all identical; 1 some case differs; other: the check could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

inject=0 emu_avx2=0 jobs=$(nproc)
while [[ $# -gt 0 ]]; do
    case $1 in
        --inject-bug) inject=1; shift ;;
        --emulated-avx2) emu_avx2=1; shift ;;
        --jobs) jobs=$2; shift 2 ;;
        *) echo "usage: scripts/avx512-emu.sh [--inject-bug] [--emulated-avx2] [--jobs J]" >&2; exit 2 ;;
    esac
done

work=$PWD/target/avx512-emu
export AVX512EMU_WORK=$work
out=$work/results
mkdir -p "$out"
start=$SECONDS

# 1. The emulator, in a private venv; the shim for the wheel's glibc-2.38 symbols.
py=$work/.venv/bin/python
if ! [[ -x $py ]] || ! "$py" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("bochscpu") is None)'; then
    python3 -m venv "$work/.venv"
    "$work/.venv/bin/pip" install --quiet --disable-pip-version-check bochscpu-python==0.4.0
fi
if ! [[ -f $work/libisoc23_shim.so ]] || [[ emu/driver/isoc23_shim.c -nt $work/libisoc23_shim.so ]]; then
    gcc -O2 -shared -fPIC -o "$work/libisoc23_shim.so" emu/driver/isoc23_shim.c
fi

# 2. The harness: static and non-PIE, so the driver places it at its link addresses with no
# dynamic loader. Its own target dir (other RUSTFLAGS); the bug build in another one.
target=x86_64-unknown-linux-gnu
features=()
cargo_dir=$work/cargo
if [[ $inject == 1 ]]; then
    features=(--features inject-avx512-bug)
    cargo_dir=$work/cargo-bug
    echo "avx512-emu: pdot-kernels built WITH the injected AVX-512 bug: this check must fail"
fi
CARGO_TARGET_DIR=$cargo_dir RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" \
    cargo build -q --profile ci -p pdot-emu --target $target "${features[@]}"
harness=$cargo_dir/$target/ci/pdot-emu
echo "avx512-emu: harness built ($((SECONDS - start)) s): $(objdump -d --no-show-raw-insn "$harness" | grep -c zmm) instructions on zmm registers"

# 3. Native runs.
"$harness" describe >"$out/cases.tsv"
"$harness" run avx2 "$out/avx2-native.bin"
"$harness" run portable "$out/portable-native.bin"
runs=("portable-native=$out/portable-native.bin")
if "$harness" run avx512 "$out/avx512-native.bin" 2>/dev/null; then
    runs+=("avx512-native=$out/avx512-native.bin")
else
    echo "avx512-emu: this CPU has no AVX-512: the avx512 backend runs under emulation only"
fi

# 4. Emulated runs.
emulated=(avx512)
[[ $emu_avx2 == 1 ]] && emulated+=(avx2)
for isa in "${emulated[@]}"; do
    t=$SECONDS
    "$py" emu/driver/run_emulated.py "$harness" "$isa" "$out/$isa-emulated.bin" --jobs "$jobs"
    echo "avx512-emu: $isa under bochscpu (emulated Tiger Lake), $jobs process(es): $((SECONDS - t)) s"
    runs+=("$isa-emulated=$out/$isa-emulated.bin")
done

# 5. Every case, bit for bit, against native AVX2.
status=0
"$py" emu/driver/compare.py "$out/cases.tsv" "avx2-native=$out/avx2-native.bin" "${runs[@]}" || status=$?
echo "avx512-emu: $((SECONDS - start)) s in all; $([[ $status == 0 ]] && echo "all identical" || echo "FAILED (exit $status)")"
exit $status
