#!/usr/bin/env bash
# The long fuzz run (docs/reliability.md): every target for ITERATIONS mutated inputs (10 million by default), each
# capped at MINUTES, niced so that it yields the CPU to everything else. Failures are written under findings/<target>/
# (input .bin and exception .txt); the summary lines are in findings/long-run.log.
#   tests/TypedSockets.Fuzz/run-long.sh [target ...]     (default: every target)
# Environment: ITERATIONS (10000000), MINUTES (60), SEED (1).
set -euo pipefail
cd "$(dirname "$0")"
iterations=${ITERATIONS:-10000000}
minutes=${MINUTES:-60}
seed=${SEED:-1}
dotnet build -c Release --nologo -v quiet . >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(dotnet bin/Release/net10.0/TypedSockets.Fuzz.dll list | awk '{print $1}')
fi

mkdir -p findings
status=0
for target in "${targets[@]}"; do
  nice -n 19 dotnet bin/Release/net10.0/TypedSockets.Fuzz.dll run "$target" \
    --iterations "$iterations" --minutes "$minutes" --seed "$seed" --findings findings | tee -a findings/long-run.log || status=1
done
exit $status
