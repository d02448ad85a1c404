#!/usr/bin/env bash
# Runs every test project of the solution and prints the totals as the last line:
#   N passed, N failed, N skipped
# Exit code: non-zero when the build or any test failed.
set -uo pipefail
cd "$(dirname "$0")"

# npm packages of the sample and the test projects (their fixtures also check; this makes a fresh clone work).
for lock in $(git ls-files '*package-lock.json' 2>/dev/null); do
  dir=$(dirname "$lock")
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$lock" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "test.sh: npm ci failed in $dir" >&2; exit 1; }
  fi
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test TypedSockets.sln --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# One summary line per test project, e.g. "Passed!  - Failed:     0, Passed:    70, Skipped:     0, Total:    70".
read -r passed failed skipped projects < <(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
    line = $0
    gsub(/[^0-9,]/, " ", line)
    split(line, parts, ",")
    f += parts[1]; p += parts[2]; s += parts[3]; n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")

expected=$(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj 2>/dev/null | wc -l)
if [ "$projects" -lt "$expected" ]; then
  echo "test.sh: only $projects of $expected test projects reported results (a build failure or a crashed test host)." >&2
  [ "$rc" -eq 0 ] && rc=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
