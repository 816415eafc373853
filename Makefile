# pdot: the two commands of the README, and a few more.
#   make run    the main job: the benchmark report against OpenBLAS (quick sizes), table + plot
#   make test   everything CI checks: format, lints, docs, tests, short fuzzing
#   make bench  the full benchmark report (n = 1e3 .. 1e8; about six minutes)

SHELL := /bin/bash
FUZZ_SECONDS ?= 30

.PHONY: run test bench deps lint doc unit fuzz

deps:
	@bash scripts/deps.sh

run: deps
	cargo run --release -p pdot-benches --bin report -- --quick

bench: deps
	cargo run --release -p pdot-benches --bin report

lint: deps
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

doc: deps
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

unit: deps
	cargo test --workspace

fuzz:
	bash fuzz/run.sh $(FUZZ_SECONDS)

test: lint doc unit fuzz
	@echo "make test: all checks passed"
