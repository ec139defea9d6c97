# Shared by the scripts in this folder: source it, don't run it.
# The logic lives in one place, the Rust tool `book-tools` (code/support/tools);
# each script builds it (once, quickly when nothing changed) and hands it its arguments.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
SCRIPT=$(basename "$0")

die() { echo "$SCRIPT: $*" >&2; exit 1; }
command -v cargo >/dev/null || die "cargo not found: install Rust from https://rustup.rs and try again"

# book_tools ARGS...: runs the tool with ARGS. It runs from a copy, so that the
# builds it starts may replace target/release/book-tools while it runs.
book_tools() {
  local target=${CARGO_TARGET_DIR:-$ROOT/target}
  cargo build --quiet --locked --release -p support-tools || die "could not build book-tools (code/support/tools)"
  mkdir -p "$target/book-tools/bin"
  cp -f "$target/release/book-tools" "$target/book-tools/bin/book-tools"
  exec "$target/book-tools/bin/book-tools" "$@"
}
