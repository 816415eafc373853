# pdot: the two commands of the README, and a few more.
#   make run        the main job: a distributed dot product, `mpiexec -n 2 pdot ...`, built with
#                   plain `mpicc` and launched by plain `mpiexec` (MPICH on a fresh machine)
#   make test       everything CI checks: format, lints, docs, tests, MPI tests, solver
#                   examples (Exact iteration counts independent of P), the Python package
#                   (scripts/python-tests.sh), the AVX-512 backend on an emulated CPU
#                   compared bit for bit with native AVX2 and portable (make avx512-emu,
#                   whatever the host has); the fuzz targets are linted, not run
#                   (cargo-fuzz's instrumented builds alone took 6 of its minutes)
#   make avx512-emu the emulated AVX-512 check alone (scripts/avx512-emu.sh; --inject-bug
#                   shows it failing on a deliberately broken AVX-512 fms)
#   make fuzz       runs every fuzz target for FUZZ_SECONDS (installs cargo-fuzz if missing)
#   make report     the single-core benchmark report against OpenBLAS (quick sizes)
#   make bench      the full single-core report (n = 1e3 .. 1e8; about six minutes)
#   make bench-mpi  the distributed figures: scaling, all-reduce latency, memory per rank
#   make install PREFIX=... [MPI=mpich|openmpi]
#                   libpdot for C, C++ and Fortran: libraries, pdot.h, pdot.f90, pdot.pc

SHELL := /bin/bash
FUZZ_SECONDS ?= 60

.PHONY: run test report bench bench-mpi deps lint doc unit mpi solvers fuzz fuzz-lint python install capi avx512-emu
RANKS ?= 2
N ?= 1e7

deps:
	@bash scripts/deps.sh all

run:
	@bash scripts/deps.sh run
	bash scripts/run.sh $(RANKS) $(N)

report: deps
	cargo run --release -p pdot-benches --bin report -- --quick

bench: deps
	cargo run --release -p pdot-benches --bin report

bench-mpi: deps
	bash scripts/mpi-bench.sh

lint: deps
	python3 scripts/check-cycles.py
	python3 scripts/check-cycles.py distributed/examples/solver
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

doc: deps
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

unit: deps
	cargo test --workspace

mpi: deps
	bash scripts/mpi-tests.sh

solvers: deps
	bash scripts/solver-tests.sh

fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

# The fuzz targets still compile and are clippy-clean, without libFuzzer's C++ build; in the
# workspace's target dir, whose checked crates they share.
fuzz-lint: deps
	cargo clippy --manifest-path fuzz/Cargo.toml --target-dir target --no-default-features \
		--bins -- -D warnings

PREFIX ?= /usr/local
MPI ?=
install:
	@bash scripts/deps.sh run
	bash scripts/capi-install.sh $(PREFIX) $(MPI)

capi: deps
	bash scripts/capi-tests.sh

python: deps
	bash scripts/python-tests.sh

# The AVX-512 backend on an emulated CPU (bochscpu), every case bit for bit against native AVX2
# and portable; `bash scripts/avx512-emu.sh --inject-bug` shows it failing on a broken fms.
avx512-emu: deps
	bash scripts/avx512-emu.sh

test: lint fuzz-lint doc unit avx512-emu mpi solvers capi python
	@echo "make test: all checks passed"
