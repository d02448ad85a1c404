#!/usr/bin/env bash
# The soak run (issue 15): 10,000 connections for 10 minutes against the soak target (SoakHub, connection state
# recovery on) with mixed traffic and 1%/s reconnect churn; appends the result line (results/soak-runs.jsonl), writes
# the log and meta of the last run, the RSS samples (CSV) and the
# RSS chart (PNG). Not part of ./test.sh: tests/TypedSockets.LoadTest.Tests/SoakTests.cs runs a short version.
#
#   tests/TypedSockets.LoadTest/run-soak.sh --warmup 180            the documented run: 10,000 clients, 600 s (the
#                                                                   default warm-up is also 180 s at 600 s)
#   tests/TypedSockets.LoadTest/run-soak.sh --clients 500 --duration 60    any load-tool soak option passes through
#   environment: OUT (default tests/TypedSockets.LoadTest/results), CHART (default docs/images/soak-rss.png)
#
# The server and the load tool are separate processes (each holds 10,000 sockets: with 20,000 open files per process,
# both ends in one process would not fit), the server on core 0 and the load tool on core 1 (taskset), as
# run-benchmarks.sh does. Exit code: the load tool's (0 = every invariant held, 1 = one failed).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

out="${OUT:-tests/TypedSockets.LoadTest/results}"
chart="${CHART:-docs/images/soak-rss.png}"
port="${PORT:-5700}"
server_cpu=0
tool_cpu=1
mkdir -p "$out"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release --nologo -v q tests/TypedSockets.LoadTest/TypedSockets.LoadTest.csproj >/dev/null
dotnet build -c Release --nologo -v q tests/TypedSockets.LoadTest.Targets/TypedSockets.LoadTest.Targets.csproj >/dev/null
tool="tests/TypedSockets.LoadTest/bin/Release/net10.0/TypedSockets.LoadTest.dll"
targets_dll="tests/TypedSockets.LoadTest.Targets/bin/Release/net10.0/TypedSockets.LoadTest.Targets.dll"

taskset -c $server_cpu dotnet "$targets_dll" --target soak --port "$port" >"$work/target.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/stats" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/stats" >/dev/null || { echo "the soak target did not start:" >&2; cat "$work/target.log" >&2; exit 1; }

started="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "[$started, load $load_start] soak against pid $pid on port $port: $*"
set +e
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c $tool_cpu \
  dotnet "$tool" soak --target soak --port "$port" --server-pid "$pid" \
  --csv "$out/soak-rss.csv" --chart "$chart" --results "$out/soak-runs.jsonl" "$@" 2>&1 | tee "$out/soak-last-run.log"
status=${PIPESTATUS[0]}
set -e
{
  echo "- Started: $started; finished: $(date -u '+%H:%M:%S UTC'); command: \`tests/TypedSockets.LoadTest/run-soak.sh $*\`"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); open files per process: $(ulimit -n)"
  echo "- Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- .NET SDK $(dotnet --version); server on core $server_cpu, load tool on core $tool_cpu (taskset); exit code $status"
} >"$out/soak-last-run-meta.md"
cat "$out/soak-last-run-meta.md"
exit "$status"
