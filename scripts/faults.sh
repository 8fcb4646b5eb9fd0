#!/usr/bin/env bash
# The fault suite (issue 15, README "Fault suite"): three CheckIn.Host processes on their own PostgreSQL and Redis,
# a concurrent workload through all three, and the seed's faults (kill -9 with restarts on the same and on a new silo
# port, SIGTERM, PostgreSQL paused, Redis restarted empty); then the checks. Writes artifacts/faults/report.json.
#
#   scripts/faults.sh                 # the CI-sized run (about 3 minutes), a random seed
#   scripts/faults.sh --soak          # five rounds of every fault, about 10 minutes
#   scripts/faults.sh --seed 4242     # replay a seed (the report and the test output name it)
#   scripts/faults.sh --recheck FILE  # check a run's seat-history.jsonl again (verdict, steps per seat, seconds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
profile=ci
seed=
recheck=
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) profile=soak ;;
    --seed) seed=${2:?--seed needs a number}; shift ;;
    --recheck) recheck=$(realpath "${2:?--recheck needs a seat-history.jsonl}"); shift ;;
    *) echo "usage: $0 [--soak] [--seed N] | --recheck FILE" >&2; exit 2 ;;
  esac
  shift
done
dotnet build tests/CheckIn.Faults -c Debug -nologo -v quiet
if [ -n "$recheck" ]; then
  CHECKIN_FAULTS_RECHECK=$recheck dotnet test tests/CheckIn.Faults -c Debug --no-build -nologo \
    --filter "FullyQualifiedName~SeatHistoryRecheckTests" --logger "console;verbosity=detailed"
  exit
fi
CHECKIN_FAULTS_PROFILE=$profile CHECKIN_FAULTS_SEED=$seed \
  dotnet test tests/CheckIn.Faults -c Debug --no-build -nologo --filter "Category=Faults" --logger "console;verbosity=normal"
echo "report: $root/artifacts/faults/report.json"
