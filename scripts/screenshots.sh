#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png): sign-in, seat map with a hold, check-in with a bag
# and payment due, boarding pass, each on a desktop (1280x800) and a phone (360x740). Runs the browser test with the
# "Screenshots" trait against the real host; needs Debian's chromium (apt-get install -y chromium) and Node.js 20.19+
# for the UI build.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/docs/screenshots"
mkdir -p "$out"

if [ ! -x /usr/bin/chromium ]; then
  echo "screenshots.sh: /usr/bin/chromium is missing: apt-get install -y chromium" >&2
  exit 1
fi

dotnet build tests/CheckIn.Browser.Tests -c Debug -nologo -v quiet
CHECKIN_SCREENSHOTS_DIR="$out" dotnet test tests/CheckIn.Browser.Tests -c Debug --no-build -nologo \
  --filter "Category=Screenshots" --logger "console;verbosity=minimal"
ls -l "$out"/*.png
