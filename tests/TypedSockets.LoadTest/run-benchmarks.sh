#!/usr/bin/env bash
# Runs every benchmark target and load scenario with repeats, then writes the "## Load test" section of
# docs/benchmarks.md and its charts under docs/images/. Every connection is on the loopback interface.
#
#   tests/TypedSockets.LoadTest/run-benchmarks.sh            full run (about 10 minutes per repeat, 3 repeats)
#   tests/TypedSockets.LoadTest/run-benchmarks.sh --quick    small N, one repeat, report in a temporary folder
#   options: --repeats N  --targets "typedsockets-json typedsockets-msgpack node signalr raw"  --doc FILE  --images DIR
#
# The server runs on core 0 and the load tool on core 1 (taskset). Targets are interleaved per repeat so that
# background load on the machine spreads over all of them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

quick=0
repeats=3
targets="typedsockets-json typedsockets-msgpack node signalr raw"
doc="docs/benchmarks.md"
images="docs/images"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; repeats=1 ;;
    --repeats) repeats="$2"; shift ;;
    --targets) targets="$2"; shift ;;
    --doc) doc="$2"; shift ;;
    --images) images="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ] && [ "$doc" = "docs/benchmarks.md" ]; then
  out="$(mktemp -d)"
  doc="$out/benchmarks.md"
  images="$out/images"
fi

server_cpu=0
tool_cpu=1
port=5600
work="$(mktemp -d)"
results="$work/results.jsonl"
commands="$work/commands.txt"
trap 'stop_target; rm -rf "$work"' EXIT

dotnet build -c Release --nologo -v q tests/TypedSockets.LoadTest/TypedSockets.LoadTest.csproj >/dev/null
dotnet build -c Release --nologo -v q tests/TypedSockets.LoadTest.Targets/TypedSockets.LoadTest.Targets.csproj >/dev/null
tool="tests/TypedSockets.LoadTest/bin/Release/net10.0/TypedSockets.LoadTest.dll"
targets_dll="tests/TypedSockets.LoadTest.Targets/bin/Release/net10.0/TypedSockets.LoadTest.Targets.dll"
node_dir="tests/TypedSockets.LoadTest.Targets/node"
if [[ " $targets " == *" node "* ]] && [ ! -d "$node_dir/node_modules/socket.io" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

pid=""
stop_target() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}

start_target() {
  stop_target
  port=$((port + 1))
  case "$1" in
    typedsockets-json) taskset -c $server_cpu dotnet "$targets_dll" --target typedsockets --parser json --port $port >"$work/target.log" 2>&1 & ;;
    typedsockets-msgpack) taskset -c $server_cpu dotnet "$targets_dll" --target typedsockets --parser msgpack --port $port >"$work/target.log" 2>&1 & ;;
    signalr|raw) taskset -c $server_cpu dotnet "$targets_dll" --target "$1" --port $port >"$work/target.log" 2>&1 & ;;
    node) taskset -c $server_cpu node --expose-gc "$node_dir/server.mjs" $port >"$work/target.log" 2>&1 & ;;
    *) echo "unknown target $1" >&2; exit 2 ;;
  esac
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/stats" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "target $1 did not start:" >&2
  cat "$work/target.log" >&2
  exit 1
}

protocol_of() {
  case "$1" in
    typedsockets-msgpack) echo socketio-msgpack ;;
    typedsockets-*|node) echo socketio ;;
    *) echo "$1" ;;
  esac
}

# run TARGET REPEAT SCENARIO ARGS...: one load-tool run against the running target, appended to the results.
run() {
  local target="$1" repeat="$2" scenario="$3"
  shift 3
  local args=(--protocol "$(protocol_of "$target")" --target "$target" --port "$port" --server-pid "$pid" "$@")
  echo "loadtest $scenario --protocol $(protocol_of "$target") --target $target $*" >>"$commands"
  echo "[$(date +%T) load $(cut -d' ' -f1 /proc/loadavg)] $target $scenario $* (repeat $repeat)"
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c $tool_cpu \
    dotnet "$tool" "$scenario" "${args[@]}" --repeat "$repeat" --results "$results" \
    || echo "  run failed (exit $?)" >&2
}

# warm TARGET SECONDS: an echo run and a fan-out run (half as long) that are not recorded, so that every target runs
# its optimized code when measured. On one core the .NET runtime takes about a minute under load to finish tiered
# compilation of code that is not precompiled (ours; most of Kestrel is ReadyToRun): echo at 1000 clients climbed from
# 27k to 40k round-trips/s over the first 50 seconds in a probe run.
warm() {
  local clients=1000
  [ "$quick" = 1 ] && clients=50
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c $tool_cpu \
    dotnet "$tool" echo --protocol "$(protocol_of "$1")" --target "$1" --port "$port" --clients "$clients" --warmup 0 --duration "$2" >/dev/null \
    || echo "  warm-up failed (exit $?)" >&2
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c $tool_cpu \
    dotnet "$tool" fanout --protocol "$(protocol_of "$1")" --target "$1" --port "$port" --clients "$clients" --warmup 0 --duration "$(( ($2 + 1) / 2 ))" >/dev/null \
    || echo "  warm-up failed (exit $?)" >&2
}

if [ "$quick" = 1 ]; then
  echo_clients="50"; fanout_clients="50"; idle_clients="200"; storm_clients="200"; big_idle=""
  timing=(--warmup 0.5 --duration 1)
  rate=500
  warmup_seconds=1
else
  echo_clients="100 1000"; fanout_clients="1000 10000"; idle_clients="10000"; storm_clients="5000"; big_idle="19000"
  timing=(--warmup 6 --duration 8)
  rate=10000
  warmup_seconds=50
fi

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
for repeat in $(seq 1 "$repeats"); do
  for target in $targets; do
    start_target "$target"
    warm "$target" "$warmup_seconds"
    for n in $echo_clients; do run "$target" "$repeat" echo --clients "$n" "${timing[@]}"; done
    run "$target" "$repeat" echo --clients "${echo_clients##* }" --rate "$rate" "${timing[@]}"
    for n in $fanout_clients; do run "$target" "$repeat" fanout --clients "$n" "${timing[@]}"; done
    for n in $storm_clients; do run "$target" "$repeat" storm --clients "$n" --connect-concurrency 64; done
    # Idle memory on a fresh server, so earlier scenarios do not blur the baseline.
    for n in $idle_clients; do start_target "$target"; run "$target" "$repeat" idle --clients "$n" --settle 5; done
    if [ -n "$big_idle" ] && [[ "$target" == typedsockets-* ]]; then
      start_target "$target"
      run "$target" "$repeat" idle --clients "$big_idle" --settle 5 --per-process 10000
    fi
  done
done
stop_target
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

meta="$work/meta.md"
{
  echo "- Started: $started; finished: $(date -u '+%H:%M UTC'); command: \`tests/TypedSockets.LoadTest/run-benchmarks.sh$([ "$quick" = 1 ] && echo ' --quick') --repeats $repeats\`"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); open files per process: $(ulimit -n)"
  echo "- Load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end"
  echo "- .NET SDK $(dotnet --version); Node $(node --version); npm socket.io $(node -p "require('./$node_dir/node_modules/socket.io/package.json').version" 2>/dev/null || echo '?')"
  echo "- Server on core $server_cpu, load tool on core $tool_cpu (\`taskset\`); clients spread over 127.0.0.1-127.0.0.8; payload 32 bytes"
  echo "- Targets: \`typedsockets-json\` and \`typedsockets-msgpack\` (this repository: a typed hub, \`TypedBenchmarkHub\`, with the"
  echo "  JSON or the MessagePack parser), \`node\` (npm socket.io, \`node --expose-gc server.mjs\`),"
  echo "  \`signalr\` (ASP.NET Core SignalR hub, JSON protocol), \`raw\` (Kestrel WebSocket echo written the plain way: one"
  echo "  \`SendAsync\` per message, a 4 KiB receive buffer per connection). Sources: \`tests/TypedSockets.LoadTest.Targets/\`."
  echo
  echo "How it was measured: each row is the median of these load-tool commands (\`dotnet tests/TypedSockets.LoadTest/bin/Release/net10.0/TypedSockets.LoadTest.dll ...\`,"
  echo "with \`--port\`, \`--server-pid\`, \`--repeat\` and \`--results\` added by the script), each run against a target started by the script"
  echo "and warmed by an unrecorded $warmup_seconds-second echo run and a $(( (warmup_seconds + 1) / 2 ))-second fan-out run of $([ "$quick" = 1 ] && echo 50 || echo 1000) clients (idle runs use a fresh target):"
  echo
  echo '```'
  sort -u "$commands"
  echo '```'
} >"$meta"

mkdir -p "$(dirname "$doc")"
notes="tests/TypedSockets.LoadTest/benchmark-notes.md"
dotnet "$tool" report --results "$results" --doc "$doc" --images "$images" --meta "$meta" --notes "$notes"
if [ "$quick" = 0 ]; then
  # Kept so the report can be written again (dotnet "$tool" report ...) without measuring again.
  mkdir -p tests/TypedSockets.LoadTest/results
  cp "$results" tests/TypedSockets.LoadTest/results/last-run.jsonl
  cp "$meta" tests/TypedSockets.LoadTest/results/last-run-meta.md
fi
echo "Report: $doc"
