# Crosswalk. Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run    install what is missing, build, open the app on the demo workspace
#   make test   everything CI runs (Rust tests, UI unit tests, desktop end-to-end)
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Build output lives outside the clone, so fresh clones and CI reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/crosswalk-target
DEMO_DIR ?= $(HOME)/.local/share/crosswalk-demo
BIN := $(CARGO_TARGET_DIR)/debug
export CROSSWALK_APP ?= $(BIN)/crosswalk-app
export CROSSWALK_CLI ?= $(BIN)/crosswalk

.PHONY: help run test setup setup-system setup-node setup-driver ui check-ui build demo \
        test-rust test-ui test-e2e deb bench screenshot clean-demo \
        setup-fuzz fuzz fuzz-smoke fmt-check clippy doc-check bindings

help:
	@echo "make run      install what is missing, build, open the app on the demo workspace ($(DEMO_DIR))"
	@echo "make test     everything CI runs: cargo tests, UI unit tests, desktop end-to-end tests"
	@echo "make deb      release build and .deb package (npx tauri build --bundles deb)"
	@echo "make bench    benchmarks"
	@echo "make bindings rewrite the UI's TypeScript types from core's Rust types (ui/src/lib/bindings/)"

# ---------------------------------------------------------------- set-up
setup-system:
	scripts/setup.sh system

setup-node:
	scripts/setup.sh node

setup-driver:
	scripts/setup.sh driver

setup-fuzz:
	scripts/setup.sh fuzz

setup: setup-system setup-node

# ---------------------------------------------------------------- build
UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/svelte.config.js ui/package.json -type f 2>/dev/null)

# Rebuilt only when its sources change: a new ui/dist makes cargo re-embed it.
ui/dist/.built: $(UI_SOURCES) package-lock.json | setup-node
	npm run build --workspace ui
	@touch $@

ui: ui/dist/.built

# Debug builds of everything: the app (with ui/dist inside), the CLI, core.
build: setup ui
	cargo build --workspace

# The demo workspace: the shipped frameworks plus the AIOS/AMAS example
# controls. Importing is idempotent, so this also refreshes an existing one.
demo: build
	@mkdir -p "$(DEMO_DIR)"
	"$(CROSSWALK_CLI)" --data-dir "$(DEMO_DIR)" demo > /dev/null
	@echo "demo workspace: $(DEMO_DIR)"

run: demo
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "error: no display to open the window on (DISPLAY is not set); run this in a desktop session, or under Xvfb: xvfb-run -s '-screen 0 1280x800x24' make run" >&2; exit 1; fi
	CROSSWALK_DATA_DIR="$(DEMO_DIR)" "$(CROSSWALK_APP)"

clean-demo:
	rm -rf "$(DEMO_DIR)"

# ---------------------------------------------------------------- tests
# fuzz-smoke: five seconds per fuzz target (stable toolchain, see below).
test: fmt-check clippy doc-check test-rust fuzz-smoke test-ui test-e2e

fmt-check:
	cargo fmt --all --check

# Every target (tests, benches, the app) with warnings as errors.
clippy: ui
	cargo clippy --workspace --all-targets -- -D warnings

# The API docs of core and the layout engine build without a warning (broken
# links, private items named from public docs); the missing_docs lint, on
# in both crates and an error under clippy -D warnings, keeps every public
# item documented.
doc-check:
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p crosswalk-core -p crosswalk-layout

test-rust: build
	cargo test --workspace

# The UI's TypeScript types for what crosses IPC (ui/src/lib/bindings/),
# generated from core's Rust types by ts-rs (core/src/bindings.rs). Run it
# after changing such a type; `make test` fails while they are stale
# (core/tests/bindings.rs compares a fresh export with the checked-in files).
bindings:
	CROSSWALK_WRITE_BINDINGS=1 cargo test -p crosswalk-core --test bindings

# Types (svelte-check, warnings fail too) and lint (ESLint: ui/src and the
# e2e specs; eslint.config.mjs).
check-ui: setup-node
	npm run check --workspace ui
	npm run lint

test-ui: check-ui
	npm test --workspace ui

# The real app under Xvfb, driven by tauri-driver + WebKitWebDriver; the
# script starts and stops both. Screenshots land in tests/e2e/screenshots/.
test-e2e: build setup-driver
	tests/e2e/run.sh

# Fuzzing (cargo fuzz on the stable toolchain: fuzz/run.sh sets
# RUSTC_BOOTSTRAP=1 for its -Z flags). One target per reader of untrusted
# input (the YAML reader, control, catalog and crosswalk files, every
# importer in core/src/interop, the whole import), seeded by fuzz/seeds.sh
# from the shipped data, the fixtures and ../shared/data; new inputs go to
# fuzz/corpus/<target> (ignored by git). A crash lands in
# fuzz/artifacts/<target>/: turn it into a test (core/tests/fuzz_regressions.rs).
# The build goes to $(CARGO_TARGET_DIR)/fuzz.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

fuzz: setup-fuzz
	fuzz/run.sh $(FUZZ_SECONDS)

# CI: a few seconds per target (about a minute in all, after the build).
fuzz-smoke: setup-fuzz
	FUZZ_SMOKE=1 fuzz/run.sh $(FUZZ_SMOKE_SECONDS)

# ---------------------------------------------------------------- packaging
deb: setup ui
	npx tauri build --bundles deb
	@ls -l "$(CARGO_TARGET_DIR)"/release/bundle/deb/*.deb

bench:
	cargo run --release -p crosswalk-bench -- all

# The README's screenshot: the Dashboard of the demo workspace, under Xvfb.
screenshot: demo setup-driver
	CROSSWALK_DEMO_DIR="$(DEMO_DIR)" tests/e2e/run.sh screenshot/readme.js
