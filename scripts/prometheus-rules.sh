#!/usr/bin/env bash
# Checks deploy/prometheus with promtool: the configuration, the rule files, and every unit-test group of
# deploy/prometheus/tests/*.yml run on its own (so a failure is counted per group, not per file).
# Prints what failed and ends with "promtool: N passed, N failed"; exits non-zero when anything failed.
# Needs promtool (Debian package `prometheus`; scripts/test.sh installs it).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deploy="$root/deploy/prometheus"
promtool=${PROMTOOL:-promtool}
passed=0
failed=0

check() {
  local what=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "promtool: FAILED $what" >&2
    echo "$out" >&2
  fi
}

if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "promtool: not found (apt-get install prometheus)" >&2
  echo "promtool: 0 passed, 1 failed"
  exit 1
fi

check "check config prometheus.yml" "$promtool" check config "$deploy/prometheus.yml"
for rules in "$deploy"/rules/*.yml; do
  check "check rules $(basename "$rules")" "$promtool" check rules "$rules"
done

split=$(mktemp -d /tmp/promtool-tests.XXXXXX)
trap 'rm -rf "$split"' EXIT
groups=0
for tests in "$deploy"/tests/*.yml; do
  name=$(basename "$tests" .yml)
  # The header (rule_files, evaluation_interval) goes with every group; rule paths become absolute because the
  # split files live elsewhere. A group starts at a "  - name:" line under "tests:".
  awk -v dir="$split" -v name="$name" -v rules="$deploy/rules/" '
    BEGIN { header = ""; n = 0; in_tests = 0 }
    /^tests:/ { in_tests = 1; next }
    !in_tests { gsub(/\.\.\/rules\//, rules); header = header $0 "\n"; next }
    /^  - name:/ { n++; file = sprintf("%s/%s-%02d.yml", dir, name, n); printf "%stests:\n", header > file }
    n > 0 { print >> file }
  ' "$tests"
  found=$(grep -c '^  - name:' "$tests")
  if [ "$found" -eq 0 ]; then
    echo "promtool: $tests has no test group" >&2
    failed=$((failed + 1))
  fi
  groups=$((groups + found))
done
for group in "$split"/*.yml; do
  [ -f "$group" ] || continue
  title=$(sed -n 's/^  - name: *//p' "$group" | head -n 1)
  check "test rules: $title ($(basename "$group"))" "$promtool" test rules "$group"
done
if [ "$groups" -eq 0 ]; then
  echo "promtool: no rule tests found in $deploy/tests" >&2
  failed=$((failed + 1))
fi

echo "promtool: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
