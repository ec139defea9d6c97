# Shared by the scripts in this folder: source it, don't run it.
# Each script does one named job, says what it is doing, and fails with one clear line.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MDBOOK_VERSION=0.5.4
LINKCHECK_VERSION=0.13.0
# Tools live outside the clone so that every clone (and CI) reuses one install.
BOOK_TOOLS_DIR=${BOOK_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/concurrency-is-for-speed/tools}
SCRIPT=$(basename "$0")

step() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "$SCRIPT: $*" >&2; exit 1; }
usage() { echo "$SCRIPT: $*" >&2; exit 2; }

command -v cargo >/dev/null || die "cargo not found: install Rust from https://rustup.rs and try again"

# install_tool CRATE VERSION: cargo-installs a pinned tool into its own folder once.
install_tool() {
  local crate=$1 version=$2 dir="$BOOK_TOOLS_DIR/$1-$2"
  if [[ ! -x $dir/bin/$crate ]]; then
    step "installing $crate $version into $dir (once; takes a few minutes)"
    cargo install --quiet --locked --version "$version" --root "$dir" "$crate" \
      || die "could not install $crate $version (is crates.io reachable?)"
  fi
  PATH="$dir/bin:$PATH"
}

ensure_book_tools() {
  install_tool mdbook "$MDBOOK_VERSION"
  install_tool mdbook-linkcheck2 "$LINKCHECK_VERSION"
  export PATH
}

# The book's own tool, built on demand (debug build: it is small and quick).
book_tools() {
  cargo build --quiet --locked -p support-tools || die "could not build book-tools"
  "$ROOT/target/debug/book-tools" "$@"
}

# Writes the ids of every criterion benchmark in the workspace to target/book-tools/bench-list.txt.
list_benchmarks() {
  mkdir -p target/book-tools
  cargo bench --quiet --locked --workspace -- --list >target/book-tools/bench-list.txt \
    || die "could not list the benchmarks (cargo bench -- --list failed)"
  echo "$ROOT/target/book-tools/bench-list.txt"
}
