#!/usr/bin/env bash
# The one test command: starts throwaway PostgreSQL and Redis on 127.0.0.1 (installing Redis if missing),
# installs Chromium for the browser tests if missing, builds the solution (which builds the passenger UI), runs the
# UI's Vitest suite, promtool's checks and rule tests of deploy/prometheus, and every test project, stops the
# services, merges their line and branch coverage of src/ into artifacts/coverage (below 85 % of lines counts as a
# failure), and ends with "N passed, N failed" (all of them). Exits non-zero when anything fails, including a missing
# service, Chromium, Prometheus or Node.js (never a skipped test).
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

# Failures found before any test runs (a tool that could not be installed); added to the final count.
setup_failed=0

# The browser tests (tests/CheckIn.Browser.Tests) drive Debian's Chromium; without it they cannot pass.
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing chromium for the browser tests"
  if ! { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=900 chromium >/dev/null; }; then
    echo "test.sh: could not install chromium (apt-get install chromium), needed by tests/CheckIn.Browser.Tests" >&2
    setup_failed=$((setup_failed + 1))
  fi
fi

# The Prometheus rules are unit-tested with promtool, and tests/CheckIn.Durable.Tests/PrometheusTests.cs scrapes a
# real host with the real prometheus binary: both come with Debian's `prometheus` package.
if ! command -v promtool >/dev/null 2>&1 || [ ! -x /usr/bin/prometheus ]; then
  echo "==> installing prometheus for the rule tests and the Prometheus integration test"
  if ! { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=900 prometheus >/dev/null; }; then
    echo "test.sh: could not install prometheus (apt-get install prometheus), needed by deploy/prometheus's rule tests and tests/CheckIn.Durable.Tests" >&2
    setup_failed=$((setup_failed + 1))
  fi
fi
export CHECKIN_TEST_PROMETHEUS=/usr/bin/prometheus

# The passenger UI (src/CheckIn.Web) is built by the host's build and tested with Vitest: both need Node.js 20.19+.
node_ok=0
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: Node.js 20.19+ and npm are needed to build and test the passenger UI (from nodejs.org or NodeSource: Debian 12's own nodejs package is 18, too old)" >&2
  setup_failed=$((setup_failed + 1))
elif ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "test.sh: Node.js $(node --version) is too old: the passenger UI needs 20.19 or later" >&2
  setup_failed=$((setup_failed + 1))
else
  node_ok=1
fi

# ReportGenerator (a local tool in .config/dotnet-tools.json) merges the coverage files into artifacts/coverage.
echo "==> restoring the local .NET tools"
if ! dotnet tool restore >/dev/null; then
  echo "test.sh: dotnet tool restore failed (ReportGenerator, needed for the coverage report)" >&2
  setup_failed=$((setup_failed + 1))
fi

echo "==> building"
if ! dotnet build Orleans.CheckIn.sln -c Debug -nologo -v quiet; then
  echo "test.sh: build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# The UI's own tests first (seconds); their counts join the .NET ones below.
vitest_passed=0
vitest_failed=0
if [ "$node_ok" -eq 1 ]; then
  echo "==> running the UI's Vitest suite"
  mkdir -p "$work/results"
  junit="$work/results/vitest-junit.xml"
  (
    cd "$root/src/CheckIn.Web" || exit 1
    if [ ! -d node_modules ]; then
      npm ci --no-audit --no-fund >/dev/null || exit 1
    fi
    npx vitest run --reporter=default --reporter=junit --outputFile="$junit"
  )
  vitest_status=$?
  if [ -f "$junit" ]; then
    totals=$(grep -o '<testsuites [^>]*>' "$junit" | head -n 1)
    t=$(echo "$totals" | sed -n 's/.* tests="\([0-9]*\)".*/\1/p')
    f=$(echo "$totals" | sed -n 's/.* failures="\([0-9]*\)".*/\1/p')
    e=$(echo "$totals" | sed -n 's/.* errors="\([0-9]*\)".*/\1/p')
    skipped=$(grep -o '<testsuite [^>]*>' "$junit" | sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
    vitest_failed=$(( ${f:-0} + ${e:-0} ))
    vitest_passed=$(( ${t:-0} - vitest_failed - skipped ))
  fi
  if [ "$vitest_status" -ne 0 ] && [ "$vitest_failed" -eq 0 ]; then
    # npm ci failed, a test file did not load, or no report was written: count it.
    vitest_failed=1
  fi
  if [ "$vitest_passed" -eq 0 ] && [ "$vitest_failed" -eq 0 ]; then
    echo "test.sh: the Vitest suite reported no tests" >&2
    vitest_failed=1
  fi
  echo "==> Vitest: $vitest_passed passed, $vitest_failed failed"
fi

# deploy/prometheus: promtool check config, check rules, and every rule test group (scripts/prometheus-rules.sh).
promtool_passed=0
promtool_failed=0
if command -v promtool >/dev/null 2>&1; then
  echo "==> checking the Prometheus configuration and rules with promtool"
  promtool_summary=$(bash "$root/scripts/prometheus-rules.sh" | tail -n 1)
  promtool_passed=$(echo "$promtool_summary" | sed -n 's/^promtool: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  promtool_failed=$(echo "$promtool_summary" | sed -n 's/^promtool: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$promtool_passed" ] || [ -z "$promtool_failed" ]; then
    echo "test.sh: scripts/prometheus-rules.sh printed no summary" >&2
    promtool_passed=0
    promtool_failed=1
  fi
  echo "==> promtool: $promtool_passed passed, $promtool_failed failed"
fi

echo "==> running tests"
export CHECKIN_TEST_RESULTS="$work/results"
# The screenshot capture (trait Category=Screenshots) is scripts/screenshots.sh's job, not a check: it hung twice
# in ~8 runs mid-capture on the phone viewport (cause not found yet), so the test command leaves it out.
# Every test project collects line and branch coverage of the src assemblies (tests/coverage.runsettings says which
# and what generated code is left out); the host processes the durable and fault tests start add their hits.
dotnet test Orleans.CheckIn.sln -c Debug --no-build -nologo --filter "Category!=Screenshots" \
  --results-directory "$work/results" --logger "trx" --logger "console;verbosity=minimal" \
  --collect "XPlat Code Coverage" --settings "$root/tests/coverage.runsettings"
status=$?
if [ -f "$work/results/browser-summary.txt" ]; then
  echo "==> browser test figures"
  cat "$work/results/browser-summary.txt"
fi

# Coverage gate (issue 15): the merged line coverage of src/ must be at least 85 %; below it counts as one failure.
# The HTML report is artifacts/coverage/index.html; ReportGenerator's JSON summary is artifacts/coverage/Summary.json.
coverage_minimum=85
coverage_failed=0
coverage_dir="$root/artifacts/coverage"
echo "==> coverage report in artifacts/coverage"
rm -rf "$coverage_dir"
mkdir -p "$coverage_dir"
if ! dotnet tool run reportgenerator "-reports:$work/results/*/coverage.cobertura.xml" "-targetdir:$coverage_dir" \
    "-reporttypes:Html;JsonSummary;TextSummary" >"$work/reportgenerator.log" 2>&1 || [ ! -f "$coverage_dir/Summary.json" ]; then
  cat "$work/reportgenerator.log" >&2
  echo "test.sh: no coverage report (were any coverage.cobertura.xml files written under $work/results?)" >&2
  coverage_failed=1
else
  summary_value() { grep -m 1 -o "\"$1\": *[0-9.]*" "$coverage_dir/Summary.json" | sed 's/.*: *//'; }
  covered=$(summary_value coveredlines)
  coverable=$(summary_value coverablelines)
  echo "==> coverage of src/: $(summary_value linecoverage) % of lines ($covered of $coverable), $(summary_value branchcoverage) % of branches ($(summary_value coveredbranches) of $(summary_value totalbranches))"
  grep -E '^CheckIn\.' "$coverage_dir/Summary.txt" | sed 's/^/    /'
  if [ -z "$covered" ] || [ -z "$coverable" ] || [ "$coverable" -eq 0 ]; then
    echo "test.sh: the coverage summary has no line counts" >&2
    coverage_failed=1
  elif [ $((covered * 100)) -lt $((coverable * coverage_minimum)) ]; then
    echo "test.sh: line coverage of src/ is below $coverage_minimum %" >&2
    coverage_failed=1
  fi
fi

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
passed=$((passed + vitest_passed + promtool_passed))
failed=$((failed + vitest_failed + promtool_failed + setup_failed + coverage_failed))
echo "==> finished in $(( $(date +%s) - started )) s"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
