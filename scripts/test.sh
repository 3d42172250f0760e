#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what the tests need
# (idempotent; apt-get as root, or through sudo), then runs `cargo test --locked`.
# Extra arguments go to cargo test (e.g. `bash scripts/test.sh --test gate`).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
apt_install() {
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# git and setpriv (util-linux) for the end-to-end tests; a JDK, JaCoCo and JUnit
# for the JaCoCo round trip, which compiles the Java sample and runs its tests
# under Debian's JaCoCo agent; Node for the SARIF validator (npm
# @microsoft/sarif-multitool), Prism (GitHub's REST API stand-in that validates
# requests against GitHub's OpenAPI description) and action-validator; Groovy
# to parse the Jenkins files; Chromium, which Playwright drives headless to test
# the HTML report.
need=()
command -v git >/dev/null || need+=(git)
command -v setpriv >/dev/null || need+=(util-linux)
command -v javac >/dev/null || need+=(default-jdk-headless)
command -v unzip >/dev/null || need+=(unzip)
[ -f /usr/share/java/org.jacoco.agent.jar ] || need+=(libjacoco-java)
[ -f /usr/share/java/junit4.jar ] || need+=(junit4)
command -v npm >/dev/null || need+=(nodejs npm)
command -v groovy >/dev/null || need+=(groovy)
command -v chromium >/dev/null || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  apt_install "${need[@]}"
fi

# Node packages, pinned by their lockfiles, into project-local folders.
# (Again when a package was added since: a folder from before lacks it.)
[ -d tools/node_modules/@microsoft/sarif-multitool ] && [ -d tools/node_modules/playwright-core ] ||
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
# npm may skip the package's install script (`chmod u+x`); the tarball usually
# has the bit already.
chmod u+x tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
[ -d tools/github-mock/node_modules ] || npm ci --prefix tools/github-mock --no-audit --no-fund --loglevel=error

# The suite's totals on the last line, summed over cargo's test binaries.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --locked "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
