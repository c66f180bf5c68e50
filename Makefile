# The one entry point for developers and CI (.ci/run calls `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
# Debian packages the test suite needs (installed only when missing): Qt offscreen, the
# Chromium that Playwright drives for the storefront tests (never `playwright install`),
# PostgreSQL and Redis, which the tests start themselves in a temporary directory, and PHP's
# command line with its built-in web server for the PHP store (storefront_templates/examples/php),
# and coturn, the TURN relay the call tests start on loopback (tests/helpers/turn.py).
# The desktop cart's calls play and record sound through PortAudio (libportaudio2).
QT_DEB := libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 libportaudio2
# systemd-analyze (systemd) and desktop-file-validate (desktop-file-utils) check the hub's unit
# and the cart's menu entry (tests/install).
TEST_DEB := $(QT_DEB) chromium postgresql redis-server php-cli coturn systemd desktop-file-utils
# A real X server for screenshots (Qt's xcb plugin needs the xcb libraries).
SCREEN_DEB := $(QT_DEB) xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
	libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
DEMO_DIR ?= .demo
# The browser code's tools (TypeScript's checker, esbuild), pinned by package-lock.json into
# node_modules/ (reinstalled when the lock changes). Node and npm come from Debian when missing.
NODE_STAMP := node_modules/.installed-$(shell sha1sum package-lock.json 2>/dev/null | cut -c1-12)

.PHONY: help install demo demo-fresh test lint js-lint js pytest fuzz format schema screenshots web-screenshots installer installer-test bench clean

help:
	@echo "make demo    the demo federation on SQLite: hub, two demo shops, the desktop cart"
	@echo "make demo-fresh  the same, from nothing (deletes the demo's data first)"
	@echo "make test    install everything, then ruff, mypy and pytest"
	@echo "make lint    ruff, mypy, import contracts, and the browser code: tsc over its JSDoc types, bundles up to date"
	@echo "make js      rebuild the browser bundles (storefront_templates/static/*.js) from src/"
	@echo "make schema  regenerate docs/protocol.schema.json"
	@echo "make screenshots  docs/img/desktop-*.png from the app under Xvfb (Personalise… too)"
	@echo "make web-screenshots  docs/img/storefront-*.png, connect-window-*.png, console*.png, counter.png, live-visitor-*.png and a call (console-live-call.png), the agents' workspace (desk-*.png), the talk panel (talk-panel.png, console-send-to-page.png), taken conversations (desk-conversations.png), the marketplace in both languages (market-*.png), the personalise dialog (personalise-page.png), personalised items and the form editor in the console (console-personalise.png, console-form-editor.png) in Chromium"
	@echo "make installer    a PyInstaller build of the desktop cart in dist/ (from the runtime packages only)"
	@echo "make installer-test  that build, then checks it (tests/install/test_bundle.py)"
	@echo "make bench   the benchmarks (results go in docs/benchmarks.md by hand)"
	@echo "make fuzz    the property-based tests at length (docs/testing.md); FUZZ_ARGS=... passes pytest options"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,desktop,scale,geoip]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	command -v node >/dev/null && command -v npm >/dev/null || ./scripts/system-deps.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	-./scripts/system-deps.sh $(QT_DEB)
	$(BIN)/cartstart-demo --data-dir $(DEMO_DIR)

# The demo from nothing: new stores and keys, every item back in stock.
demo-fresh: $(STAMP)
	-./scripts/system-deps.sh $(QT_DEB)
	$(BIN)/cartstart-demo --data-dir $(DEMO_DIR) --fresh

lint: $(STAMP) js-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The browser code: TypeScript's checker over the JSDoc types (tsconfig.json), and the committed
# bundles must be what the sources build (like a stale generated file).
js-lint: $(NODE_STAMP)
	node_modules/.bin/tsc -p tsconfig.json
	node scripts/build-js.mjs --check

js: $(NODE_STAMP)
	node scripts/build-js.mjs

pytest: $(STAMP)
	./scripts/system-deps.sh $(TEST_DEB)
	$(BIN)/pytest

test: lint pytest

# The property-based tests (marker `fuzz`) with the `fuzz` Hypothesis profile: thousands of
# examples per test from a fresh seed (printed on failure; FUZZ_ARGS=--hypothesis-seed=N repeats
# a run). `make test` runs the same tests with the short, fixed `ci` profile.
FUZZ_ARGS ?=
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -m fuzz --timeout=3600 -p no:cacheprovider --tb=native \
		--hypothesis-show-statistics $(FUZZ_ARGS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(STAMP)
	$(BIN)/python -m shared_protocol.schema docs/protocol.schema.json

screenshots: $(STAMP)
	./scripts/system-deps.sh $(SCREEN_DEB)
	xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $(BIN)/python scripts/screenshots.py docs/img
	xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $(BIN)/python scripts/personalise_shots.py docs/img

web-screenshots: $(STAMP)
	./scripts/system-deps.sh chromium
	$(BIN)/python -m tests.storefront.screenshots docs/img
	$(BIN)/python -m tests.storefront.live_screenshots docs/img
	$(BIN)/python -m tests.storefront.call_screenshots docs/img
	$(BIN)/python -m tests.storefront.screenshots_desk docs/img
	$(BIN)/python -m tests.storefront.rating_screenshots docs/img
	$(BIN)/python -m tests.storefront.screenshots_requests docs/img
	$(BIN)/python -m tests.storefront.screenshots_talk docs/img
	$(BIN)/python -m tests.storefront.market_screenshots docs/img
	$(BIN)/python -m tests.storefront.screenshots_personalise docs/img
	$(BIN)/python -m tests.storefront.screenshots_console_personalise docs/img
	CARTSTART_SHOTS=docs/img $(BIN)/pytest -q tests/storefront/test_desk_conversations.py -k with_ana

# The desktop bundle, built from a venv of its own with the runtime packages only (the cart and
# its `desktop` extra, and PyInstaller): nothing of the development venv (pytest, mypy,
# pygments) can end up in it. The venv is reused while pyproject.toml is unchanged.
BUNDLE_VENV := build/bundle-venv
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed-$(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)

$(BUNDLE_STAMP): pyproject.toml
	rm -rf $(BUNDLE_VENV)
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install -q --upgrade pip
	$(BUNDLE_VENV)/bin/python -m pip install -q '.[desktop]' 'pyinstaller>=6.0'
	touch $@

installer: $(BUNDLE_STAMP)
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller installers/cartstart.spec
	du -sh dist/cartstart

# The bundle as a shopper gets it (tests/install/test_bundle.py: no test or lint tooling in it,
# its icon, the .desktop entry). Too slow for `make test`, which checks the rest: about 70 s from
# nothing here (the venv 22 s, PyInstaller 49 s), 50 s once the venv is there.
installer-test: installer $(STAMP)
	./scripts/system-deps.sh desktop-file-utils
	CARTSTART_BUNDLE=dist/cartstart $(BIN)/pytest -q -p no:cacheprovider tests/install/test_bundle.py

bench: $(STAMP)
	./scripts/system-deps.sh $(TEST_DEB)
	$(BIN)/python -m pip install -q -e '.[dev,desktop,scale,geoip,bench]'
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/open_cart.py
	$(BIN)/python -m bench.idle
	$(BIN)/python -m bench.reservations
	$(BIN)/python -m bench.e2e
	$(BIN)/python -m bench.fanout
	$(BIN)/python -m bench.flash series --pairs 2
	$(BIN)/python -m bench.plot
	$(BIN)/python -m bench.live_chat
	$(BIN)/python -m bench.live_search
	$(BIN)/python -m bench.calls
	$(BIN)/python -m bench.presence one
	$(BIN)/python -m bench.presence two
	$(BIN)/python -m bench.presence many
	$(BIN)/python -m bench.search_engines

clean:
	rm -rf $(VENV) node_modules $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
