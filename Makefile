# pdot: the two commands of the README, and a few more.
#   make run        the main job: a distributed dot product, `mpiexec -n 2 pdot ...`, built with
#                   plain `mpicc` and launched by plain `mpiexec` (MPICH on a fresh machine)
#   make test       everything CI checks, in two chains of steps side by side (see `test:`):
#                   format, lints, docs, tests, MPI tests, solver examples (Exact iteration
#                   counts independent of P), the Python package
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
	cargo clippy -p pdot-mpi --test mpi -- -D warnings # test = false: not in --all-targets

doc: deps
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

# The unit and integration tests (`--tests`: the targets with `test = true`) and the doc tests,
# in debug; not the examples, which plain `cargo test` also compiles (about 47 s of CPU, to
# check that they build): `make lint` type-checks them (clippy --all-targets) and the MPI step
# builds and runs solver, npy_files and capi_reference in `ci`.
unit: deps
	cargo test --workspace --tests
	cargo test --workspace --doc

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

# `make test`: the steps above in two chains side by side (`make -j2`), since a CI machine has
# two cores and many steps keep only one busy (the MPI suite's long rustc, the emulator, the
# test runs under mpiexec):
#   lint, fuzz-lint, doc, unit, avx512-emu    (target/debug, target/doc, target/avx512-emu)
#   mpi, solvers, capi                        (the `ci` builds of both MPI libraries)
# and python once both are done (it reuses the `ci` builds of mpi-sys and mpi). Each step's
# output is printed whole when it ends (--output-sync); a failing step fails `make test` (no
# further step starts; those running finish first). The steps share no files they write (cargo
# locks each profile's build dir: a `ci` and a debug build run side by side).
TEST_STEPS := lint fuzz-lint doc unit avx512-emu mpi solvers capi python
test:
	@$(MAKE) --no-print-directory -j2 --output-sync=target PDOT_TEST_CHAINS=1 $(TEST_STEPS)
	@echo "make test: all checks passed"

ifdef PDOT_TEST_CHAINS
fuzz-lint: | lint
doc: | fuzz-lint
unit: | doc
avx512-emu: | unit
solvers: | mpi
capi: | solvers
python: | avx512-emu capi
endif
