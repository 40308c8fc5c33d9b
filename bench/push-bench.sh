#!/usr/bin/env bash
# Push-core benchmarks: starts Halley push servers and load processes (pinned apart with taskset),
# runs one scenario, prints a summary, and stops everything it started.
#
#   bench/push-bench.sh idle        [CONNECTIONS]   idle connections on each transport: memory per connection
#   bench/push-bench.sh fanout      [CONNECTIONS]   100 rooms, each client in 10, 50-byte events at RATE/s
#   bench/push-bench.sh broadcast   [CONNECTIONS]   one event to every client, once a second
#   bench/push-bench.sh latency     [CONNECTIONS]   push-API call to receipt at RATE events/s
#   bench/push-bench.sh storm       [CONNECTIONS]   every connection cut at once; time until all resumed, events lost
#
# Settings (environment): SERVERS (1), LOADS (1), TRANSPORTS (idle: all five; else websocket),
# RATE, SECONDS (10), SHARDS (1 per server), SERVER_CPUS (0), LOAD_CPUS (1), SERVER_JVM, LOAD_JVM.
# A process may hold at most 20,000 files here, so use several SERVERS and LOADS beyond ~18,000.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java.sh
halley_find_jdk >/dev/null

SCENARIO=${1:?usage: bench/push-bench.sh idle|fanout|broadcast|latency|storm [CONNECTIONS]}
CONNECTIONS=${2:-2000}
SERVERS=${SERVERS:-1}
LOADS=${LOADS:-1}
SECONDS_=${SECONDS_RUN:-${SECONDS_:-10}}
SHARDS=${SHARDS:-1}
SERVER_CPUS=${SERVER_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
# A fixed, pre-touched heap: RSS growth is then what lives outside the heap (direct buffers, thread
# stacks), and the heap's own growth is read after a full GC.
SERVER_JVM=${SERVER_JVM:-"-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseParallelGC"}
LOAD_JVM=${LOAD_JVM:-"-Xmx2g"}
NATIVE="--enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=bench/src/main/resources/logback-bench.xml"
SECRET=bench-secret-0123456789abcdef
case "$SCENARIO" in
  idle) DEFAULT_TRANSPORTS="websocket sse xhr-streaming iframe long-polling"; DEFAULT_RATE=0 ;;
  fanout) DEFAULT_TRANSPORTS=websocket; DEFAULT_RATE=1000 ;;
  latency) DEFAULT_TRANSPORTS=websocket; DEFAULT_RATE=10000 ;;
  storm) DEFAULT_TRANSPORTS=websocket; DEFAULT_RATE=500 ;;
  broadcast) DEFAULT_TRANSPORTS=websocket; DEFAULT_RATE=0 ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
TRANSPORTS=${TRANSPORTS:-$DEFAULT_TRANSPORTS}
RATE=${RATE:-$DEFAULT_RATE}

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [ ! -f bench/target/classpath.txt ] || [ -n "$(find push/src bench/src config/src -newer bench/target/classpath.txt -print -quit)" ]; then
  echo "bench: building (mvn package)..."
  mvn -B -q -pl bench -am package -DskipTests -Dautobahn.skip=true dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt >/dev/null
fi
CP="bench/target/classes:$(cat bench/target/classpath.txt)"

WORK=$(mktemp -d /tmp/halley-bench.XXXXXX)
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "bench: logs in $WORK"
}
trap cleanup EXIT INT TERM

free_port() { "$JAVA_HOME/bin/java" -cp "$CP" org.halley.bench.push.FreePort; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# Java heap in use (all generations, not metaspace), KiB, after a full GC.
heap_used_kib() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/Metaspace|class space/ {next} /used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); gsub(/[K,]/, "", v); s += v}} END {print s + 0}'
}
# Kernel slab memory (socket structures, TCP control blocks, buffers), KiB: both ends of loopback.
slab_kib() { awk '/^Slab:/ {print $2}' /proc/meminfo; }
# Server-side sum: heap after GC, RSS, slab.
measure() {  # measure PIDS... -> "heap rss slab"
  local heap=0 rss=0 p
  for p in "$@"; do jcmd "$p" GC.run >/dev/null 2>&1 || true; done
  sleep 1
  for p in "$@"; do rss=$((rss + $(rss_kib "$p"))); heap=$((heap + $(heap_used_kib "$p"))); done
  echo "$heap $rss $(slab_kib)"
}

run_once() {  # run_once TRANSPORT
  local transport=$1 targets="" spids=() i
  for i in $(seq 1 "$SERVERS"); do
    local port
    port=$(free_port)
    taskset -c "$SERVER_CPUS" "$JAVA_HOME/bin/java" $NATIVE $SERVER_JVM -cp "$CP" org.halley.bench.push.BenchServer \
        127.0.0.1 "$port" "n$i" "$SHARDS" "$SECRET" > "$WORK/server$i-$transport.log" 2>&1 &
    PIDS+=($!); spids+=($!)
    for _ in $(seq 200); do grep -q READY "$WORK/server$i-$transport.log" 2>/dev/null && break; sleep 0.1; done
    grep -q READY "$WORK/server$i-$transport.log" || { echo "server $i did not start:"; cat "$WORK/server$i-$transport.log"; exit 1; }
    targets="$targets${targets:+,}127.0.0.1:$port"
  done
  sleep 1
  local lpids=() j per=$((CONNECTIONS / LOADS))
  start_load() {  # start_load INDEX CONNECTIONS HOLD
    local sources="" k
    for k in 2 3 4 5; do sources="$sources${sources:+,}127.0.$1.$k"; done
    taskset -c "$LOAD_CPUS" "$JAVA_HOME/bin/java" $NATIVE $LOAD_JVM -cp "$CP" org.halley.bench.push.PushLoad --mode "$SCENARIO" \
        --targets "$targets" --sources "$sources" --transport "$transport" --connections "$2" --rate "$RATE" \
        --seconds "$SECONDS_" --secret "$SECRET" --hold "$3" > "$WORK/load$1-$transport.log" 2>&1 &
    PIDS+=($!); lpids+=($!)
  }
  await_holding() {  # await_holding INDEX
    for _ in $(seq 900); do grep -q -e HOLDING -e Exception "$WORK/load$1-$transport.log" 2>/dev/null && break; sleep 0.2; done
    sleep 2
  }
  if [ "$SCENARIO" = idle ]; then
    # Memory per connection is the slope between two measurements, half the connections apart, so
    # what the first connections warm up once (JIT code, classes, allocator chunks) is left out.
    local half=$((CONNECTIONS / 2)) m1 m2
    start_load 1 "$half" 600
    await_holding 1
    m1=$(measure "${spids[@]}")
    start_load 2 "$half" 600
    await_holding 2
    m2=$(measure "${spids[@]}")
    read -r h1 r1 k1 <<< "$m1"
    read -r h2 r2 k2 <<< "$m2"
    local hb=$(( (h2 - h1) * 1024 / half )) nb=$(( (r2 - r1) * 1024 / half )) kb=$(( (k2 - k1) * 1024 / half ))
    echo "RESULT idle-memory transport=$transport connections=$CONNECTIONS heap_bytes_per_conn=$hb \
rss_bytes_per_conn=$nb (heap is pre-touched: RSS growth is off-heap) kernel_slab_bytes_per_conn_both_ends=$kb \
server_total_bytes_per_conn=$((hb + nb + kb / 2)) (kernel counted half: the other end is the load's)"
    jcmd "${spids[0]}" GC.class_histogram 2>/dev/null | head -25 > "$WORK/histogram-$transport.txt" || true
    echo "bench: heap histogram (top) of server 1: $WORK/histogram-$transport.txt"
    sed -n 4,16p "$WORK/histogram-$transport.txt"
    grep -h RESULT "$WORK"/load*-"$transport".log || true
    for p in "${lpids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    for p in "${spids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    return
  fi
  for j in $(seq 1 "$LOADS"); do start_load "$j" "$per" 0; done
  local cpu0=()
  for p in "${spids[@]}"; do cpu0+=("$(awk '{print $14 + $15}' "/proc/$p/stat")"); done
  for p in "${lpids[@]}"; do wait "$p" || echo "bench: a load process failed (see $WORK)"; done
  local ticks=0 n=0
  for p in "${spids[@]}"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat") - ${cpu0[$n]})); n=$((n + 1)); done
  grep -h RESULT "$WORK"/load*-"$transport".log || true
  grep -h -e Exception -e refused "$WORK"/load*-"$transport".log | head -5 || true
  echo "RESULT server-cpu transport=$transport cpu_seconds_during_run=$(awk "BEGIN {print $ticks / $(getconf CLK_TCK)}")"
  for p in "${spids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

echo "bench: $SCENARIO, $CONNECTIONS connections, $SERVERS server(s) on cpu $SERVER_CPUS, $LOADS load(s) on cpu $LOAD_CPUS; $(nproc) cores"
echo "bench: load before: $(uptime)"
for t in $TRANSPORTS; do run_once "$t"; done
echo "bench: load after: $(uptime)"
