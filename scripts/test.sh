#!/usr/bin/env bash
# The one test command: starts throwaway PostgreSQL and Redis on 127.0.0.1 (installing Redis if missing),
# builds the solution, runs every test project, stops the services, and ends with "N passed, N failed".
# Exits non-zero when anything fails, including a missing service (never a skipped test).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d /tmp/checkin-test.XXXXXX)
chmod 755 "$work"

cleanup() {
  bash "$root/scripts/services.sh" stop "$work/services" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s)
echo "==> starting PostgreSQL and Redis in $work/services"
if ! bash "$root/scripts/services.sh" start "$work/services"; then
  echo "test.sh: could not start PostgreSQL and Redis" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
# shellcheck disable=SC1091
source "$work/services/env"
export CHECKIN_TEST_POSTGRES CHECKIN_TEST_POSTGRES_LOG CHECKIN_TEST_REDIS

# The benchmark's seatmap smoke run reads the host and nginx (serving the same bytes) with wrk (Debian packages).
for tool in nginx:nginx-light wrk:wrk; do
  binary=${tool%%:*}
  package=${tool#*:}
  if [ ! -x "/usr/sbin/$binary" ] && ! command -v "$binary" >/dev/null 2>&1; then
    echo "==> installing $package for the benchmark smoke run"
    if ! { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=900 "$package" >/dev/null; }; then
      echo "test.sh: could not install $package (needed by tests/CheckIn.Bench.Tests)" >&2
    fi
  fi
done

echo "==> building"
if ! dotnet build Orleans.CheckIn.sln -c Debug -nologo -v quiet; then
  echo "test.sh: build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

echo "==> running tests"
dotnet test Orleans.CheckIn.sln -c Debug --no-build -nologo \
  --results-directory "$work/results" --logger "trx" --logger "console;verbosity=minimal"
status=$?

passed=0
failed=0
found=0
for trx in "$work"/results/*.trx; do
  [ -f "$trx" ] || continue
  found=$((found + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* error="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done

if [ "$found" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "test.sh: no test results were produced" >&2
  status=1
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host that crashed reports no failed test but a non-zero exit: count it.
  failed=1
fi
echo "==> finished in $(( $(date +%s) - started )) s"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
