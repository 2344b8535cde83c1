#!/usr/bin/env bash
# Invite Desk: one entry point for building, testing, the demo and the benchmarks.
#
#   ./build.sh          build dist/chrome/ (Chrome, Edge), dist/firefox/ and their store zips
#                       (installs what is missing)
#   ./build.sh test     every test layer, ending with one "N passed, N failed" line
#   ./build.sh demo     the extension against the emulator's sample scenario
#   ./build.sh store    the store's screenshots (1280×800) from that scenario, into dist/store/
#   ./build.sh bench    sync costs, module size and init, popup first paint, worker wake to badge,
#                       the JS boundary with 5,000 invitations
#
# A fresh machine needs only rustup/cargo, Node and npm; everything else is installed here,
# into tools/ (git-ignored) or, for Chromium, through apt.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

WASM_TARGET=wasm32-unknown-unknown
TOOLS=$ROOT/tools
BUILD=$ROOT/build
DIST=$ROOT/dist
# The most the shipped module (after wasm-opt) may weigh, in bytes; `./build.sh test` fails above
# it. The module is about 851 KB (serde derive on every type, gloo-net, serde-wasm-bindgen, the
# stats and notifications; the browser folds text, maps case and parses URLs for it): its size
# plus 10 % catches a slip like the opt-level one that once added 30 %.
WASM_CEILING=936000
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

# Each step says how long the command has run: where a cold run's minutes go.
say() { printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- installs

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_wasm_target() {
  rustup target list --installed | grep -qx "$WASM_TARGET" || {
    say "Installing the Rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  }
}

# The CLI must match the wasm-bindgen library version in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local want have
  want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock)
  [ -n "$want" ] || die "cannot find wasm-bindgen in Cargo.lock"
  have=$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | awk '{ print $2 }') || true
  if [ "$have" != "$want" ]; then
    say "Installing wasm-bindgen-cli $want into tools/ (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want" --root "$TOOLS" --force
  fi
}

# npm ci when node_modules is missing or older than the lock file.
ensure_npm_packages() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.invite-desk-installed" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.invite-desk-installed" ]; then
    say "Installing npm packages in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules/.invite-desk-installed"
  fi
}

# Installs the Debian packages of `$@` that are missing, in one apt transaction.
ensure_debian_packages() {
  local package missing=()
  for package in "$@"; do
    # "install ok installed": a removed package whose config files remain does not count.
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Chromium and its driver for the browser tests; a small CJK font so screenshots of Chinese and
# Japanese names show glyphs, not boxes.
CHROMIUM_PACKAGES=(chromium chromium-driver fonts-droid-fallback)
# Firefox ESR for the Firefox suite.
FIREFOX_PACKAGES=(firefox-esr)
ensure_chromium() { ensure_debian_packages "${CHROMIUM_PACKAGES[@]}"; }

# geckodriver, built from crates.io into tools/ (about a minute, once), for the Firefox suite; a
# debug build: it only relays WebDriver commands, and builds in half the time.
GECKODRIVER_VERSION=0.37.1
ensure_geckodriver() {
  local have
  have=$("$TOOLS/bin/geckodriver" --version 2>/dev/null | awk 'NR == 1 { print $2 }') || true
  if [ "$have" != "$GECKODRIVER_VERSION" ]; then
    say "Installing geckodriver $GECKODRIVER_VERSION into tools/ (a minute, once)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --root "$TOOLS" --force --debug
  fi
}

# ---------------------------------------------------------------- build

# Builds the module into build/pkg, or with a cargo feature into build/pkg-FEATURE: the test and
# demo builds take `loopback` (plain http to the emulator); the shipped one never does.
build_wasm() {
  local feature=${1:-} out=$BUILD/pkg${1:+-$1}
  say "Building the wasm module (release${feature:+, feature $feature})"
  cargo build --release --lib --target "$WASM_TARGET" -p invite-desk ${feature:+--features "$feature"}
  local raw=target/$WASM_TARGET/release/invite_desk.wasm stamp=$out/.built-from.wasm
  # wasm-opt takes seconds: skip both steps when cargo's module is the one this output came from
  # (compared by content: both builds write the same file).
  if [ ! -f "$stamp" ] || ! cmp -s "$raw" "$stamp"; then
    rm -rf "$out" && mkdir -p "$out"
    "$TOOLS/bin/wasm-bindgen" --target web --no-typescript --out-dir "$out" "$raw"
    say "Optimising with wasm-opt -Oz"
    "$TOOLS/node_modules/.bin/wasm-opt" -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers \
      "$out/invite_desk_bg.wasm" -o "$out/invite_desk_bg.opt.wasm"
    mv "$out/invite_desk_bg.opt.wasm" "$out/invite_desk_bg.wasm"
    cp "$raw" "$stamp"
  fi
}

# dist/<browser>/ and its store zip, from extension/ and the module; Firefox's manifest is
# rewritten from the same source (tools/manifest.mjs).
assemble() {
  local browser=$1 dir=$DIST/$1
  rm -rf "$dir" && mkdir -p "$DIST"
  cp -R extension "$dir"
  mkdir -p "$dir/pkg"
  cp "$BUILD/pkg/invite_desk.js" "$BUILD/pkg/invite_desk_bg.wasm" "$dir/pkg/"
  [ "$browser" = chrome ] || node "$TOOLS/manifest.mjs" "$browser" "$dir/manifest.json"
  rm -f "$DIST/invite-desk-$browser.zip"
  node "$TOOLS/zip.mjs" "$dir" "$DIST/invite-desk-$browser.zip"
}

# A copy of dist/BROWSER that may also reach the emulator on loopback: the module built with the
# `loopback` feature, and loopback in the manifest's hosts. Only tests, the demo and the bench
# use it; the shipped manifest and module never name loopback. The test copy's background also
# defines the hook the suites move its clock with (tests/e2e/lib/background-for-tests.js).
make_loopback_variant() {
  local browser=$1 dir=$DIST/$2 suffix=$3
  build_wasm loopback
  rm -rf "$dir" && cp -R "$DIST/$browser" "$dir"
  cp "$BUILD/pkg-loopback/invite_desk.js" "$BUILD/pkg-loopback/invite_desk_bg.wasm" "$dir/pkg/"
  node "$TOOLS/manifest.mjs" loopback "$dir/manifest.json" "$suffix"
  if [ "$suffix" = test ]; then
    cp tests/e2e/lib/background-for-tests.js tests/e2e/lib/pin-date.js "$dir/"
    node "$TOOLS/manifest.mjs" background "$dir/manifest.json" background-for-tests.js
  fi
}

wasm_size_report() {
  local wasm=$DIST/chrome/pkg/invite_desk_bg.wasm glue=$DIST/chrome/pkg/invite_desk.js
  printf 'wasm module: %s bytes raw, %s bytes gzipped; JS glue: %s bytes raw, %s bytes gzipped\n' \
    "$(wc -c <"$wasm" | tr -d ' ')" "$(gzip -9c "$wasm" | wc -c | tr -d ' ')" \
    "$(wc -c <"$glue" | tr -d ' ')" "$(gzip -9c "$glue" | wc -c | tr -d ' ')"
}

check_wasm_size() {
  local size
  size=$(wc -c <"$DIST/chrome/pkg/invite_desk_bg.wasm" | tr -d ' ')
  if [ "$size" -gt "$WASM_CEILING" ]; then
    die "the shipped module is $size bytes, over its ceiling of $WASM_CEILING bytes" \
      "($((WASM_CEILING / 1024)) KB): an opt-level or dependency slip is the usual cause" \
      "(see [profile.release] in Cargo.toml, and what Cargo.lock gained)"
  fi
}

cmd_build() {
  need cargo "install Rust with rustup (https://rustup.rs)"
  need node "install Node.js 20 or newer"
  need npm "install npm (it comes with Node.js)"
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_packages "$TOOLS"
  build_wasm
  assemble chrome
  assemble firefox
  say "Built"
  echo "extension folders: dist/chrome/ (Chrome, Edge), dist/firefox/"
  echo "store packages:    dist/invite-desk-chrome.zip, dist/invite-desk-firefox.zip"
  wasm_size_report
  echo "To load it in Chrome or Edge: open chrome://extensions (or edge://extensions), switch on"
  echo "Developer mode, click \"Load unpacked\" and choose the dist/chrome folder. In Firefox: open"
  echo "about:debugging#/runtime/this-firefox, \"Load Temporary Add-on\", and choose dist/firefox/manifest.json."
}

# ---------------------------------------------------------------- test

PASSED=0
FAILED=0
LOGS=$BUILD/test-logs

# Runs one layer, its output to the console and a log; adds its counts to the totals. A layer
# that fails without reporting any count (it did not compile, say) counts as one failure.
layer() {
  local name=$1 counter=$2; shift 2
  local log=$LOGS/$name.log status=0 passed failed
  say "Test layer: $name"
  "$@" 2>&1 | tee "$log" || status=$?
  read -r passed failed < <("$counter" "$log")
  if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  printf '%s: %s passed, %s failed\n' "$name" "$passed" "$failed"
}

# A check (fmt, clippy) is one test.
count_check() { echo 0 0; }
count_cargo() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { print p + 0, f + 0 }' "$1"
}
count_node() {
  awk '/^ℹ pass / { p += $3 } /^ℹ fail / { f += $3 } END { print p + 0, f + 0 }' "$1"
}

check() {
  local name=$1; shift
  if "$@"; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "check failed: $name"; fi
}

start_emulator() {
  local scenario=$1 log=$LOGS/emulator.log
  target/debug/invite-desk-emulator --port 0 --scenario "$scenario" >"$log" 2>&1 &
  EMULATOR_PID=$!
  for _ in $(seq 100); do
    EMULATOR_URL=$(grep -o 'http://[^ ]*' "$log" | head -n 1) || true
    [ -n "$EMULATOR_URL" ] && return 0
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  die "the emulator did not start"
}

stop_emulator() { [ -n "${EMULATOR_PID:-}" ] && kill "$EMULATOR_PID" 2>/dev/null || true; }

# Runs one wasm-bindgen-test suite in headless Chromium; further arguments go to cargo test.
wasm_suite() {
  local suite=$1; shift
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$TOOLS/bin/wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON=$ROOT/tests/webdriver.json \
  WASM_BINDGEN_TEST_TIMEOUT=600 \
  CHROMEDRIVER=$(command -v chromedriver) \
  INVITE_DESK_EMULATOR_URL=${EMULATOR_URL:-} \
    cargo test --target "$WASM_TARGET" -p invite-desk --test "$suite" "$@"
}

wasm_suites() {
  local suite status=0
  for suite in tests/*.rs; do
    suite=$(basename "$suite" .rs)
    # A benchmark, run by `./build.sh bench` as a release build.
    [ "$suite" = boundary_bench ] && continue
    wasm_suite "$suite" --features loopback || status=$?
  done
  return "$status"
}

# web-ext lint over the shipped Firefox build: passes with no error and no warning; prints each.
web_ext_lint() {
  "$ROOT/tests/firefox/node_modules/.bin/web-ext" lint --source-dir "$DIST/firefox" --no-input \
    --output json >"$LOGS/web-ext-lint.json" || true
  node -e '
    const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const { errors, warnings, notices } = report.summary;
    console.log(`web-ext lint: ${errors} errors, ${warnings} warnings, ${notices} notices`);
    for (const m of [...report.errors, ...report.warnings, ...report.notices]) console.log(`  ${m.code}: ${m.message} (${m.file ?? "manifest"})`);
    process.exit(errors + warnings === 0 ? 0 : 1);
  ' "$LOGS/web-ext-lint.json"
}

cmd_test() {
  # The browsers download and unpack while the module compiles: apt waits on the network and
  # the disk, cargo on the cores.
  mkdir -p "$BUILD"
  ensure_debian_packages "${CHROMIUM_PACKAGES[@]}" "${FIREFOX_PACKAGES[@]}" >"$BUILD/apt.log" 2>&1 &
  local apt=$!
  cmd_build
  check_wasm_size
  ensure_geckodriver
  wait "$apt" || { cat "$BUILD/apt.log" >&2; die "the browsers could not be installed"; }
  ensure_npm_packages "$ROOT/tests/e2e"
  ensure_npm_packages "$ROOT/tests/sdk"
  ensure_npm_packages "$ROOT/tests/firefox"
  make_loopback_variant chrome test-chrome test
  make_loopback_variant firefox test-firefox test
  rm -rf "$LOGS" && mkdir -p "$LOGS"
  trap stop_emulator EXIT

  say "Test layer: format and lints"
  check "cargo fmt" cargo fmt --all -- --check
  check "cargo clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
  check "cargo clippy (wasm)" cargo clippy --target "$WASM_TARGET" -p invite-desk --all-targets -- -D warnings
  check "web-ext lint (Firefox build)" web_ext_lint

  layer native count_cargo cargo test -p invite-desk
  layer emulator count_cargo cargo test -p invite-desk-emulator

  cargo build -p invite-desk-emulator
  # The official Unipile v1 SDK, validating every response, against the emulator's v1 routes.
  layer unipile-sdk count_node env \
    INVITE_DESK_EMULATOR="$ROOT/target/debug/invite-desk-emulator" \
    node --test --test-reporter=spec --test-concurrency=1 tests/sdk/
  start_emulator tests/scenarios/pagination.json
  layer wasm-in-chromium count_cargo wasm_suites
  stop_emulator

  layer extension-in-chromium count_node env \
    INVITE_DESK_EXTENSION="$DIST/test-chrome" \
    INVITE_DESK_EMULATOR="$ROOT/target/debug/invite-desk-emulator" \
    INVITE_DESK_SCREENSHOTS="$DIST/screenshots" \
    node --test --test-reporter=spec --test-concurrency=1 tests/e2e/

  layer extension-in-firefox count_node env \
    INVITE_DESK_FIREFOX_EXTENSION="$DIST/test-firefox" \
    INVITE_DESK_EMULATOR="$ROOT/target/debug/invite-desk-emulator" \
    GECKODRIVER="$TOOLS/bin/geckodriver" \
    node --test --test-reporter=spec --test-concurrency=1 tests/firefox/

  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}

# ---------------------------------------------------------------- demo

# The emulator on the demo scenario, and dist/demo-chrome, whose worker seeds one account per
# API pointing at it. The emulator stops when the script ends.
prepare_demo() {
  cmd_build
  ensure_chromium
  ensure_npm_packages "$ROOT/tests/e2e"
  mkdir -p "$BUILD/test-logs"
  LOGS=$BUILD/test-logs
  cargo build -p invite-desk-emulator
  trap stop_emulator EXIT
  start_emulator tests/scenarios/demo.json
  say "Emulator serving the demo scenario at $EMULATOR_URL"
  make_loopback_variant chrome demo-chrome demo
  # The demo worker seeds one account per API, all pointing at the emulator, then runs the
  # real worker.
  cat >"$DIST/demo-chrome/demo_worker.js" <<EOF
// Demo only: stores accounts that point at the local emulator, then runs the real worker.
import './service_worker.js';

chrome.runtime.onInstalled.addListener(() => chrome.storage.local.set({
  accounts: [
    { id: 'demo-linkup', label: 'Sales (LinkUp)', provider: 'linkup', api_key: 'lk_demo_key',
      account_id: 'acc_demo_linkup', base_url: '$EMULATOR_URL', plan: 'premium' },
    { id: 'demo-v2', label: 'Recruiting (Unipile v2)', provider: 'unipile_v2',
      api_key: 'up_demo_v2_key', account_id: 'acc_demo_unipile_v2', base_url: '$EMULATOR_URL',
      plan: 'free' },
    { id: 'demo-v1', label: 'Founder (Unipile v1)', provider: 'unipile_v1',
      api_key: 'up_demo_v1_key', account_id: 'Dm4yQzR9WVrlNFyzPMhwV1',
      base_url: '$EMULATOR_URL', plan: 'premium' },
  ],
}));
EOF
  node "$TOOLS/manifest.mjs" background "$DIST/demo-chrome/manifest.json" demo_worker.js
}

cmd_demo() {
  prepare_demo
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    say "Opening Chromium with the demo extension: click the Invite Desk icon in the toolbar"
    say "(pin it from the puzzle-piece menu). Close the window to stop the demo."
    chromium --user-data-dir="$(mktemp -d)" --no-first-run \
      --disable-extensions-except="$DIST/demo-chrome" --load-extension="$DIST/demo-chrome" || true
  else
    say "No display: running headless and saving a screenshot of the popup"
    INVITE_DESK_EXTENSION="$DIST/demo-chrome" node tests/e2e/demo-screenshot.mjs "$DIST/demo-popup.png"
    echo "Screenshot of the demo popup: dist/demo-popup.png"
  fi
}

# The store's screenshots, 1280×800, from the demo scenario.
cmd_store() {
  prepare_demo
  say "Store screenshots"
  INVITE_DESK_EXTENSION="$DIST/demo-chrome" node tests/e2e/store-screenshots.mjs "$DIST/store"
  echo "Store screenshots: dist/store/ (popup-received, popup-sent, bulk-job, options; 1280×800)"
  echo "Store packages: dist/invite-desk-chrome.zip, dist/invite-desk-firefox.zip; texts: STORE.md"
}

# ---------------------------------------------------------------- bench

cmd_bench() {
  cmd_build
  ensure_chromium
  ensure_npm_packages "$ROOT/tests/e2e"
  cargo build -p invite-desk-emulator
  say "Benchmarks"
  echo "Shipped module after wasm-opt (ceiling: $WASM_CEILING bytes, $((WASM_CEILING / 1024)) KB, checked by ./build.sh test):"
  wasm_size_report
  # Popup first paint, module init and worker wake, in Chromium, each against its reference.
  make_loopback_variant chrome bench-chrome bench
  INVITE_DESK_EXTENSION="$DIST/bench-chrome" \
  INVITE_DESK_EMULATOR="$ROOT/target/debug/invite-desk-emulator" \
    node tests/e2e/bench.mjs
  # 5,000 invitations across the JS boundary, JSON text against serde-wasm-bindgen, built with
  # the shipped module's optimisation; --nocapture shows the figures the test prints.
  wasm_suite boundary_bench --release -- --nocapture
  # In-process handler time for a 100-item page of a 10,000-invitation account, per API.
  cargo bench -p invite-desk-emulator --bench page
}

case "${1:-build}" in
  build) cmd_build ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  bench) cmd_bench ;;
  store) cmd_store ;;
  *) die "unknown command '$1' (use: build, test, demo, store, bench)" ;;
esac
