# Installs what building, serving and testing promplay need, skipping whatever is
# already there (a second run takes seconds). Sourced by .ci/serve and .ci/test:
#   ensure_build_tools   wasm32 target, trunk, wasm-bindgen-cli, wasm-split-cli, wasm-opt (npm binaryen),
#                        the Python lab's runtime (npm pyodide, the prometheus_client wheel)
#   ensure_test_tools    the above plus Chromium, chromedriver, promtool and playwright-core
# Nothing is downloaded from GitHub: Trunk would try that for any tool it cannot find
# on PATH at the pinned version, so every pinned tool is put on PATH first.

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
# Splits the page's wasm into parts loaded on demand (.ci/wasm-split-build).
WASM_SPLIT_VERSION=0.2.4
# The Python lab's runtime (issue 14), served from the page's own origin: CPython
# compiled to wasm, and the real client library, checked by hash.
PYODIDE_VERSION=314.0.7
PROMETHEUS_CLIENT_VERSION=0.26.0
PROMETHEUS_CLIENT_SHA256=fa93d06737aa02bacd05794768508bb97d2fbee28cb3bca04eaae92f0ca953d6
# Tools installed with npm live here, shared by every checkout of this user.
PROMPLAY_TOOLS=${PROMPLAY_TOOLS:-$HOME/.cache/promplay-tools}

say() { printf '\033[1m[tools]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[tools] error:\033[0m %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version Cargo.lock pins; the CLI must be exactly that version.
wasm_bindgen_lock_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_build_tools() {
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PROMPLAY_TOOLS/node_modules/.bin:$PATH"
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs) first"

  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (once per machine, several minutes)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi

  local wb
  wb=$(wasm_bindgen_lock_version)
  [ -n "$wb" ] || die "no wasm-bindgen in Cargo.lock"
  if ! grep -q "wasm_bindgen = \"$wb\"" Trunk.toml; then
    die "Trunk.toml [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen $wb"
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ]; then
    say "installing wasm-bindgen-cli $wb (once per machine, a few minutes)"
    # Without --locked: the registry mirror can lag one of its locked dependencies.
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi

  if ! cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (once per machine, a few minutes)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
  fi

  if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    ensure_node
    say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION into $PROMPLAY_TOOLS"
    mkdir -p "$PROMPLAY_TOOLS"
    npm install --prefix "$PROMPLAY_TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
    wasm-opt --version | grep -q "version $BINARYEN_VERSION" || die "wasm-opt $BINARYEN_VERSION did not install"
  fi
  ensure_python_runtime
}

# npm pyodide and the prometheus_client wheel (PyPI, checked by hash) into
# $PROMPLAY_TOOLS; the Trunk build stages them into dist/python-lab (.ci/python-lab).
ensure_python_runtime() {
  local pkg="$PROMPLAY_TOOLS/node_modules/pyodide/package.json"
  if ! grep -q "\"version\": \"$PYODIDE_VERSION\"" "$pkg" 2>/dev/null; then
    ensure_node
    say "installing pyodide@$PYODIDE_VERSION (CPython in wasm, for the Python lab) into $PROMPLAY_TOOLS"
    mkdir -p "$PROMPLAY_TOOLS"
    npm install --prefix "$PROMPLAY_TOOLS" --no-audit --no-fund --silent "pyodide@$PYODIDE_VERSION"
  fi
  local wheel="$PROMPLAY_TOOLS/wheels/prometheus_client-$PROMETHEUS_CLIENT_VERSION-py3-none-any.whl"
  if ! echo "$PROMETHEUS_CLIENT_SHA256  $wheel" | sha256sum --check --status 2>/dev/null; then
    command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    say "downloading the prometheus_client $PROMETHEUS_CLIENT_VERSION wheel from PyPI"
    rm -f "$wheel"
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      "prometheus_client==$PROMETHEUS_CLIENT_VERSION" -d "$PROMPLAY_TOOLS/wheels"
    echo "$PROMETHEUS_CLIENT_SHA256  $wheel" | sha256sum --check --status ||
      die "the prometheus_client wheel does not have the pinned hash"
  fi
}

# Runs apt-get as root, or through sudo; explains what to do where there is no apt.
apt_install() {
  if ! command -v apt-get >/dev/null; then
    die "apt-get not found. Install these yourself: $*
  (Chromium and the chromedriver of the same version; then set CHROMIUM=/path/to/chromium
   and CHROMEDRIVER=/path/to/chromedriver, and make sure node >= 18 and npm are on PATH)"
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
    sudo=sudo
  fi
  say "apt-get install $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
}

ensure_test_tools() {
  ensure_build_tools
  ensure_node
  export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
  export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
  if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    apt_install chromium chromium-driver
  fi
  # promtool (Debian's prometheus package): the reference the tests compare against.
  if ! command -v promtool >/dev/null; then
    if command -v apt-get >/dev/null; then
      apt_install prometheus
    else
      say "promtool not found (install Prometheus 2.x): the tests that run it will say SKIPPED"
    fi
  fi
  # amtool (Debian's prometheus-alertmanager package): the Alertmanager reference.
  if ! command -v amtool >/dev/null; then
    if command -v apt-get >/dev/null; then
      apt_install prometheus-alertmanager
    else
      say "amtool not found (install Alertmanager 0.25): the tests that run it will say SKIPPED"
    fi
  fi
  # The stamp is the lock file the installed modules came from.
  if ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.promplay-installed-from; then
    say "installing playwright-core (npm ci in tests/e2e; it never downloads a browser)"
    (cd tests/e2e && npm ci --no-audit --no-fund --silent &&
      cp package-lock.json node_modules/.promplay-installed-from)
  fi
}
