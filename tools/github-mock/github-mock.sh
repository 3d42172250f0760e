#!/usr/bin/env bash
# github-mock.sh - a local, validating stand-in for the GitHub REST API on 127.0.0.1.
#
# Prism (npm @stoplight/prism-cli) serves GitHub's own OpenAPI description (npm @octokit/openapi,
# by default the subset tests/github-api/checks-subset.json made by extract-github-spec.py).
# Requests are validated against the description: bad bodies/params get 422 (+ an
# `sl-violations` response header listing what was wrong), unknown routes 404, wrong
# method 405, unservable Accept 406.  Nothing leaves the machine: it binds 127.0.0.1 only.
#
# Usage:
#   github-mock.sh install [DIR]            npm-install pinned prism-cli + @octokit/openapi into DIR
#                                           (default $GITHUB_MOCK_NODE_DIR or this folder)
#   github-mock.sh start PORT [SPEC] [-- PRISM_ARGS...]
#                                           start on 127.0.0.1:PORT, wait until it answers,
#                                           print its PID on stdout (log path on stderr)
#   github-mock.sh stop PID                 stop that server (TERM, then KILL after 5 s)
#   github-mock.sh full PORT [-- ARGS...]   start with the FULL api.github.com.json (~12 s, ~400 MB).
#                                           CAUTION: its list responses carry GitHub's example `Link:
#                                           <https://api.github.com/...page=2>` header; a client that
#                                           paginates (octocrab all_pages) then leaves the machine.
#
# Env: GITHUB_MOCK_NODE_DIR  dir whose node_modules holds prism / @octokit/openapi
#      PRISM_BIN             explicit path of the prism executable
#      GITHUB_MOCK_LOG       log file (default /tmp/github-mock-PORT.log)
#      GITHUB_MOCK_TIMEOUT   seconds to wait for readiness (default 90)
# Useful PRISM_ARGS: --errors (also fail on response-schema violations, 500),
#   -d/--dynamic (schema-generated bodies instead of GitHub's examples), --seed N, -v warn.
# Per-request control headers: `Prefer: code=404`, `Prefer: example=NAME`, `Prefer: dynamic=true`.
set -euo pipefail

PRISM_CLI_VERSION=5.14.2
OCTOKIT_OPENAPI_VERSION=23.0.2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_DIR="${GITHUB_MOCK_NODE_DIR:-$HERE}"

die() { echo "github-mock: $*" >&2; exit 1; }

find_prism() {
  if [[ -n "${PRISM_BIN:-}" ]]; then echo "$PRISM_BIN"; return; fi
  local c
  for c in "$NODE_DIR/node_modules/.bin/prism" "$PWD/node_modules/.bin/prism" "$(command -v prism || true)"; do
    [[ -n "$c" && -x "$c" ]] && { echo "$c"; return; }
  done
  die "prism not found; run: $0 install [DIR]  (or set PRISM_BIN / GITHUB_MOCK_NODE_DIR)"
}

wait_ready() { # pid port
  local pid=$1 port=$2 deadline=$(( $(date +%s) + ${GITHUB_MOCK_TIMEOUT:-90} )) code
  while (( $(date +%s) < deadline )); do
    kill -0 "$pid" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null || true)
    [[ "$code" != "000" && -n "$code" ]] && return 0
    sleep 0.2
  done
  return 1
}

start() { # port spec extra-args...
  local port=$1 spec=$2; shift 2
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number"
  [[ -f "$spec" ]] || die "spec not found: $spec"
  local prism log pid t0 t1
  prism=$(find_prism)
  log="${GITHUB_MOCK_LOG:-/tmp/github-mock-$port.log}"
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" 2>/dev/null; then die "port $port already answers"; fi
  t0=$(date +%s%N)
  # prism's bin is a '#!/usr/bin/env node' script, so $! is the node process itself
  nohup "$prism" mock -h 127.0.0.1 -p "$port" "$@" "$spec" >"$log" 2>&1 </dev/null &
  pid=$!
  if ! wait_ready "$pid" "$port"; then
    kill "$pid" 2>/dev/null || true
    tail -20 "$log" >&2
    die "prism did not become ready on 127.0.0.1:$port (log: $log)"
  fi
  t1=$(date +%s%N)
  echo "github-mock: ready on http://127.0.0.1:$port in $(( (t1 - t0) / 1000000 )) ms, pid $pid, log $log" >&2
  echo "$pid"
}

stop() { # pid
  local pid=$1 i
  [[ "$pid" =~ ^[0-9]+$ ]] || die "PID must be a number"
  kill -0 "$pid" 2>/dev/null || { echo "github-mock: pid $pid not running" >&2; return 0; }
  grep -q prism "/proc/$pid/cmdline" 2>/dev/null || die "pid $pid is not a prism process"
  kill -TERM "$pid"
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { echo "github-mock: stopped $pid" >&2; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  echo "github-mock: killed $pid" >&2
}

cmd=${1:-}; shift || true
case "$cmd" in
  install)
    dir=${1:-$NODE_DIR}; mkdir -p "$dir"
    [[ -f "$dir/package.json" ]] || (cd "$dir" && npm init -y >/dev/null)
    (cd "$dir" && npm install --no-audit --no-fund "@stoplight/prism-cli@$PRISM_CLI_VERSION" "@octokit/openapi@$OCTOKIT_OPENAPI_VERSION")
    ;;
  start)
    [[ $# -ge 1 ]] || die "usage: $0 start PORT [SPEC] [-- PRISM_ARGS...]"
    port=$1; shift
    spec="$HERE/../../tests/github-api/checks-subset.json"
    if [[ $# -gt 0 && "$1" != "--" ]]; then spec=$1; shift; fi
    [[ "${1:-}" == "--" ]] && shift
    start "$port" "$spec" "$@"
    ;;
  full)
    [[ $# -ge 1 ]] || die "usage: $0 full PORT [-- PRISM_ARGS...]"
    port=$1; shift; [[ "${1:-}" == "--" ]] && shift
    start "$port" "$NODE_DIR/node_modules/@octokit/openapi/generated/api.github.com.json" "$@"
    ;;
  stop)
    [[ $# -eq 1 ]] || die "usage: $0 stop PID"
    stop "$1"
    ;;
  *)
    awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print} /^set /{exit}' "$0"
    [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help ]] || exit 2
    ;;
esac
