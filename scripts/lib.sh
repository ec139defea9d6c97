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

# The message-queue chapter talks to a real RabbitMQ (AMQP_URL, default guest@127.0.0.1:5672).
# ensure_rabbitmq: succeeds when one answers; starts a local one when it is installed; else one clear line.
AMQP_URL=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
export AMQP_URL
amqp_host_port() {
  local rest=${AMQP_URL#*://}
  rest=${rest#*@}
  rest=${rest%%/*}
  [[ $rest == *:* ]] || rest=$rest:5672
  echo "$rest"
}
port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
ensure_rabbitmq() {
  local where
  where=$(amqp_host_port)
  port_open "$where" && return 0
  [[ $where == 127.0.0.1:* || $where == localhost:* ]] \
    || die "no RabbitMQ answers at $where (AMQP_URL); start it, or unset AMQP_URL to use a local one"
  command -v rabbitmq-server >/dev/null \
    || die "no RabbitMQ at $where: install one (Debian: sudo apt-get install rabbitmq-server; or docker run -d -p 5672:5672 rabbitmq:3) and run this again"
  step "starting a local RabbitMQ (rabbitmq-server -detached)"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  local waited=0
  until port_open "$where"; do
    ((waited < 90)) || die "started rabbitmq-server but nothing answers on $where after 90 s (see /var/log/rabbitmq)"
    sleep 1
    waited=$((waited + 1))
  done
  # The port opens a moment before the broker accepts logins.
  command -v rabbitmqctl >/dev/null && rabbitmqctl await_startup >/dev/null 2>&1 || sleep 3
}

# Python's Celery, pinned, in a virtual environment of its own under target/ (made once).
CELERY_VERSION=5.7.0
CELERY_VENV=${CELERY_VENV:-$ROOT/target/celery-venv}
export CELERY_VENV
ensure_celery_venv() {
  local python=$CELERY_VENV/bin/python
  if [[ -x $python ]] && "$python" -c "import celery, sys; sys.exit(celery.__version__ != '$CELERY_VERSION')" 2>/dev/null; then
    return 0
  fi
  command -v python3 >/dev/null || die "python3 not found: the Celery examples need CPython 3.9 or newer (Debian: sudo apt-get install python3-venv)"
  step "installing Python Celery $CELERY_VERSION into $CELERY_VENV (once)"
  python3 -m venv "$CELERY_VENV" || die "python3 -m venv failed (Debian: sudo apt-get install python3-venv)"
  "$CELERY_VENV/bin/pip" install --quiet --disable-pip-version-check "celery==$CELERY_VERSION" \
    || die "could not install celery==$CELERY_VERSION from PyPI into $CELERY_VENV"
}
