# pdot: the two commands of the README, and a few more.
#   make run        the main job: a distributed dot product, `mpiexec -n 2 pdot ...`, built with
#                   plain `mpicc` and launched by plain `mpiexec` (MPICH on a fresh machine)
#   make test       everything CI checks: format, lints, docs, tests, MPI tests, solver
#                   examples (Exact iteration counts independent of P), short fuzzing
#   make report     the single-core benchmark report against OpenBLAS (quick sizes)
#   make bench      the full single-core report (n = 1e3 .. 1e8; about six minutes)
#   make bench-mpi  the distributed figures: scaling, all-reduce latency, memory per rank
#   make install PREFIX=... [MPI=mpich|openmpi]
#                   libpdot for C, C++ and Fortran: libraries, pdot.h, pdot.f90, pdot.pc

SHELL := /bin/bash
FUZZ_SECONDS ?= 15

.PHONY: run test report bench bench-mpi deps lint doc unit mpi solvers fuzz install capi
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

PREFIX ?= /usr/local
MPI ?=
install:
	@bash scripts/deps.sh run
	bash scripts/capi-install.sh $(PREFIX) $(MPI)

capi: deps
	bash scripts/capi-tests.sh

test: lint doc unit mpi solvers capi fuzz
	@echo "make test: all checks passed"
