# Two commands: `make run` opens the app on the demo workspace, `make test` runs everything CI runs.
SHELL := bash
# Keep build output outside the clone so fresh clones (and CI) reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/crosswalk-target
DEMO_DIR ?= $(HOME)/.local/share/crosswalk-demo
BIN := $(CARGO_TARGET_DIR)/debug

.PHONY: run test setup ui app cli test-rust test-ui test-e2e demo deb bench

setup:
	scripts/setup.sh system
	scripts/setup.sh node

ui: setup
	npm run build:ui

cli:
	cargo build -p crosswalk-cli

app: ui
	cargo build -p crosswalk-app

# The demo workspace holds the shipped frameworks and the AIOS/AMAS example controls.
demo: cli
	@if [ ! -f "$(DEMO_DIR)/crosswalk.db" ]; then $(BIN)/crosswalk --data-dir "$(DEMO_DIR)" demo >/dev/null && echo "demo workspace: $(DEMO_DIR)"; fi

run: app demo
	CROSSWALK_DATA_DIR="$(DEMO_DIR)" $(BIN)/crosswalk-app

# The desktop app's suites (test-ui, test-e2e) join `test` when the app lands.
test: test-rust

test-rust:
	scripts/setup.sh system
	cargo test -p crosswalk-core -p crosswalk-cli

test-ui: setup
	npm run test:ui

test-e2e: app cli
	scripts/setup.sh driver
	scripts/e2e.sh

deb: ui
	npx tauri build --bundles deb

bench:
	cargo run --release -p crosswalk-bench -- all
