# Latchkey: two commands.
#   make run   installs what is missing and serves the app on SQLite (live reload)
#   make test  installs what is missing and runs every test: cargo (the integration
#              suite twice: on SQLite, then on a throwaway PostgreSQL), then Playwright
#
# Tools are installed only when missing or at the wrong version, so a warm
# machine starts at once. CI calls `make test` (see .ci/run).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
CARGO_MACHETE_VERSION := 0.9.2
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
# cargo-leptos uses the first wasm-opt on PATH: the npm package's, not Debian's.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

# Native tests in one cargo invocation, so features unify once and the server
# binary that Playwright drives is the one these tests built (no second build).
CARGO_TEST := cargo test --locked -p latchkey -p app -p server --features latchkey/web,app/ssr

.PHONY: help run test test-cargo test-e2e build-frontend release setup setup-test \
        wasm-target cargo-leptos wasm-bindgen cargo-machete npm chromium postgres wrk bench \
        smtp-server openssl \
        fmt lint clean-data

help:
	@echo "make run    install what is missing, serve on http://localhost:3000 (SQLite in data/)"
	@echo "make test   install what is missing, run cargo tests and the Playwright suite"
	@echo "make release  build the release server and the size-optimised wasm"
	@echo "make bench  load benchmarks against bare axum and Flask-Login (see bench/README.md)"

# Served as http://localhost:3000, a host name, which passkeys need (a
# browser refuses them for 127.0.0.1); 127.0.0.1:3000 may post too.
# Development is asked for here, and only here: a server started any other
# way runs as production (no /dev/mailbox, no key kept in the database).
run: setup
	LEPTOS_ENV=DEV \
	LATCHKEY_PUBLIC_ORIGIN="$${LATCHKEY_PUBLIC_ORIGIN:-http://localhost:3000}" \
	LATCHKEY_TRUSTED_ORIGINS="$${LATCHKEY_TRUSTED_ORIGINS:-http://127.0.0.1:3000}" \
	cargo leptos watch --split

test: setup-test lint test-cargo build-frontend test-e2e

# The integration suite and the core's use-case tests run again on
# PostgreSQL: the tests start their own throwaway server (initdb + pg_ctl in
# a temporary directory, testing/postgres) and stop it.
test-cargo: postgres
	$(CARGO_TEST)
	LATCHKEY_TEST_DATABASE=postgres $(CARGO_TEST) --test integration
	LATCHKEY_TEST_DATABASE=postgres $(CARGO_TEST) --lib -- auth::tests

# The wasm, JS and CSS that the pages load; the server binary comes from test-cargo.
build-frontend: setup
	cargo leptos build --frontend-only --split

test-e2e: npm chromium
	@test -x target/debug/server || $(CARGO_TEST) --no-run
	cd end2end && npx playwright test

# cargo-leptos precompresses with brotli at its best but with a weak gzip
# encoder; the .gz files are redone with gzip -9 (18% smaller for the wasm).
release: setup npm
	cargo leptos build --release --precompress --split
	gzip -9 -n -k -f target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css

# Load benchmarks (never part of make test): Latchkey, bare axum and the
# Flask-Login peer in one run, with wrk. See bench/README.md.
bench: setup npm wrk
	python3 bench/run.py

wrk:
	@command -v wrk >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk; }

setup: wasm-target cargo-leptos wasm-bindgen openssl

setup-test: setup npm chromium postgres cargo-machete smtp-server

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

cargo-leptos:
	@cargo leptos --version 2>/dev/null | grep -qF "$(CARGO_LEPTOS_VERSION)" \
	  || { echo "installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 20 minutes on 2 cores, once)"; \
	       cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION); }

cargo-machete:
	@cargo machete --version 2>/dev/null | grep -qF "$(CARGO_MACHETE_VERSION)" \
	  || cargo install cargo-machete --locked --version $(CARGO_MACHETE_VERSION)

wasm-bindgen:
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" \
	  || { echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
	       cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; }

npm: end2end/node_modules/.package-lock.json

end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund

chromium:
	@command -v /usr/bin/chromium >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

# The real SMTP server the mail tests send to (python3 -m aiosmtpd), and the
# OpenSSL headers lettre's TLS builds against.
smtp-server:
	@/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends python3-aiosmtpd; }

openssl:
	@{ command -v pkg-config >/dev/null && pkg-config --exists openssl; } \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends pkg-config libssl-dev; }

# The server binaries the PostgreSQL tests run (initdb, pg_ctl, postgres).
postgres:
	@command -v initdb >/dev/null && command -v pg_ctl >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends postgresql; \
	       $(SUDO) ln -sf /usr/lib/postgresql/*/bin/{initdb,pg_ctl,postgres} /usr/local/bin/; }

fmt:
	cargo fmt --all

# Formatting, clippy on the native and wasm builds, and unused dependencies.
lint: cargo-machete
	cargo fmt --all --check
	cargo machete
	cargo clippy --locked -p latchkey -p app -p server -p bench-seed --features latchkey/web,app/ssr --all-targets -- -D warnings
	cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

clean-data:
	rm -rf data
