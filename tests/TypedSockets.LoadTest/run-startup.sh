#!/usr/bin/env bash
# Builds the same benchmark server (tests/TypedSockets.LoadTest.Targets, typed hub, JSON parser) several ways and
# measures each from the moment its process starts, then writes the "## Startup: JIT, ReadyToRun and Native AOT"
# section of docs/benchmarks.md. Every connection is on the loopback interface.
#
#   tests/TypedSockets.LoadTest/run-startup.sh           full run: every variant, 3 repeats (about 20 minutes plus 5-15 for the builds)
#   tests/TypedSockets.LoadTest/run-startup.sh --quick   jit only, small N, one repeat, report in a temporary folder
#   options: --variants "jit r2r aot"  --repeats N  --duration S  --clients N  --idle-clients N  --doc FILE  --no-publish
#
# Variants (a build plus runtime settings given as environment variables):
#   jit            dotnet publish -c Release (framework-dependent, our code compiled by the JIT at run time)
#   jit-nopgo      the jit build with DOTNET_TieredPGO=0 (no instrumented tier between tier 0 and tier 1)
#   jit-notiering  the jit build with DOTNET_TieredCompilation=0 (every method fully optimized at its first call)
#   r2r            -r linux-x64 --self-contained false -p:PublishReadyToRun=true (our assemblies precompiled)
#   r2r-nopgo      the r2r build with DOTNET_TieredPGO=0
#   r2r-composite  -r linux-x64 --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true
#                  (the runtime, ASP.NET Core and our code precompiled together into one image)
#   aot            -r linux-x64 -p:PublishTargetAot=true (Native AOT; see the Targets csproj for why not PublishAot on the
#                  command line) with -p:TreatWarningsAsErrors=false until the libraries are AOT-clean
# Native AOT needs clang and zlib1g-dev (Debian: apt-get install -y clang zlib1g-dev).
#
# Per variant and repeat two runs of the load tool's startup scenario, each starting a fresh server pinned to core 0
# (the tool runs on core 1): "idle" (time to the first answered handshake, RSS then and with --idle-clients held) and
# "echo" (the same start-up figures, then --clients closed-loop echo clients with round-trips and CPU counted per
# second since the process start, for --duration seconds). Variants are interleaved per repeat so that background
# load on the machine spreads over all of them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

all_variants="jit jit-nopgo jit-notiering r2r r2r-nopgo r2r-composite aot"
variants="$all_variants"
repeats=3
duration=50
clients=1000
idle_clients=1000
settle=3
doc="docs/benchmarks.md"
quick=0
publish=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --variants) variants="$2"; shift ;;
    --repeats) repeats="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --idle-clients) idle_clients="$2"; shift ;;
    --doc) doc="$2"; shift ;;
    --no-publish) publish=0 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  [ "$variants" = "$all_variants" ] && variants="jit"
  repeats=1; duration=4; clients=20; idle_clients=20; settle=1
  [ "$doc" = "docs/benchmarks.md" ] && doc="$(mktemp -d)/benchmarks.md"
fi
for variant in $variants; do
  case " $all_variants " in *" $variant "*) ;; *) echo "unknown variant $variant (known: $all_variants)" >&2; exit 2 ;; esac
done

server_cpu=0
tool_cpu=1
project="tests/TypedSockets.LoadTest.Targets/TypedSockets.LoadTest.Targets.csproj"
builds="tests/TypedSockets.LoadTest.Targets/bin/startup"
work="$(mktemp -d)"
results="$work/startup.jsonl"
trap 'rm -rf "$work"' EXIT

# build_of VARIANT: the publish folder the variant runs from.
build_of() {
  case "$1" in
    jit|jit-*) echo jit ;;
    r2r|r2r-nopgo) echo r2r ;;
    *) echo "$1" ;;
  esac
}

# publish_args BUILD: the dotnet publish arguments of one build.
publish_args() {
  case "$1" in
    jit) echo "-c Release" ;;
    r2r) echo "-c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true" ;;
    r2r-composite) echo "-c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true" ;;
    aot) echo "-c Release -r linux-x64 -p:PublishTargetAot=true -p:TreatWarningsAsErrors=false" ;;
  esac
}

# env_of VARIANT: runtime settings of the variant (environment variables for the server).
env_of() {
  case "$1" in
    *-nopgo) echo "DOTNET_TieredPGO=0" ;;
    *-notiering) echo "DOTNET_TieredCompilation=0" ;;
  esac
}

needed_builds="$(for v in $variants; do build_of "$v"; done | awk '!seen[$0]++' | xargs)"
publish_log="$work/publish.log"
for build in $needed_builds; do
  if [ "$publish" = 1 ] || [ ! -x "$builds/$build/TypedSockets.LoadTest.Targets" ]; then
    echo "[$(date +%T)] dotnet publish $project $(publish_args "$build") -o $builds/$build"
    rm -rf "$builds/$build"
    # The builds share obj/ and publish one at a time. The RID-specific intermediate folder goes first: an incremental
    # publish would otherwise reuse what the previous build left there (e.g. the IL-only component assemblies of the
    # composite image in place of the ReadyToRun ones).
    rm -rf tests/TypedSockets.LoadTest.Targets/obj/Release/net10.0/linux-x64
    # shellcheck disable=SC2046
    if ! dotnet publish "$project" $(publish_args "$build") -o "$builds/$build" --nologo -v q >"$publish_log" 2>&1; then
      cat "$publish_log" >&2
      echo "publishing the $build build failed" >&2
      exit 1
    fi
    grep -oE 'warning IL[0-9]+' "$publish_log" | sort | uniq -c | sed "s/^/  $build: /" || true
  fi
done

dotnet build -c Release --nologo -v q tests/TypedSockets.LoadTest/TypedSockets.LoadTest.csproj >/dev/null
tool="tests/TypedSockets.LoadTest/bin/Release/net10.0/TypedSockets.LoadTest.dll"

# run VARIANT REPEAT MODE CLIENTS ARGS...: one startup run; the tool starts the server itself (pinned to its core,
# without the tool's own socket setting) on a free port and kills it at the end.
run() {
  local variant="$1" repeat="$2" mode="$3" n="$4"
  shift 4
  local build
  build="$(build_of "$variant")"
  local server=(env -u DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS $(env_of "$variant")
    taskset -c $server_cpu "$builds/$build/TypedSockets.LoadTest.Targets" --target typedsockets --parser json --port '{port}')
  echo "[$(date +%T) load $(cut -d' ' -f1 /proc/loadavg)] $variant $mode --clients $n $* (repeat $repeat)"
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c $tool_cpu \
    dotnet "$tool" startup --mode "$mode" --protocol socketio --target "$variant" --clients "$n" "$@" \
      --publish-dir "$builds/$build" --repeat "$repeat" --results "$results" -- "${server[@]}" \
    || { echo "  run failed (exit $?)" >&2; return 1; }
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
failed=0
for repeat in $(seq 1 "$repeats"); do
  for variant in $variants; do
    run "$variant" "$repeat" idle "$idle_clients" --settle "$settle" || failed=1
    run "$variant" "$repeat" echo "$clients" --duration "$duration" || failed=1
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

meta="$work/meta.md"
{
  echo "- Started: $started; finished: $(date -u '+%H:%M UTC'); command: \`tests/TypedSockets.LoadTest/run-startup.sh$([ "$quick" = 1 ] && echo ' --quick') --variants \"$variants\" --repeats $repeats --duration $duration --clients $clients --idle-clients $idle_clients\`"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
  echo "- Load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end (other work on the machine included)"
  echo "- .NET SDK $(dotnet --version); server on core $server_cpu, load tool on core $tool_cpu (\`taskset\`); payload 32 bytes; $repeats repeat(s), medians"
  echo
  echo "Builds (\`dotnet publish $project ... -o $builds/<build>\`):"
  echo
  for build in $needed_builds; do echo "- \`$build\`: \`$(publish_args "$build")\`"; done
  echo
  echo "Variants: the build, plus runtime settings:"
  echo
  for variant in $variants; do echo "- \`$variant\`: the \`$(build_of "$variant")\` build$([ -n "$(env_of "$variant")" ] && echo ", \`$(env_of "$variant")\`")"; done
  echo
  echo "Each repeat runs, per variant, \`dotnet $tool startup --mode idle --clients $idle_clients --settle $settle ... -- <server>\` and"
  echo "\`... startup --mode echo --clients $clients --duration $duration ... -- <server>\`, each starting its own server."
} >"$meta"

mkdir -p "$(dirname "$doc")"
dotnet "$tool" startup-report --results "$results" --doc "$doc" --meta "$meta" --notes tests/TypedSockets.LoadTest/startup-notes.md
if [ "$quick" = 0 ]; then
  # Kept so the report can be written again (dotnet "$tool" startup-report ...) without measuring again.
  mkdir -p tests/TypedSockets.LoadTest/results
  cp "$results" tests/TypedSockets.LoadTest/results/startup-last-run.jsonl
  cp "$meta" tests/TypedSockets.LoadTest/results/startup-last-run-meta.md
fi
echo "Report: $doc"
exit $failed
