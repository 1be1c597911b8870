#!/usr/bin/env bash
# TCP echo ping-pong, side by side: nbio (io_uring and NIO backends) against Netty 4.2
# (io_uring and epoll transports), the same load client for all, in two shapes (issue 5,
# workload 3):
#   - 50 connections x 64 bytes: throughput (round trips/s, and server CPU per round trip);
#   - 1 connection x 64 bytes: latency (p50 and p99 of each round trip, one message in flight).
#
#   scripts/bench-echo.sh [--quick]
#
# Builds nbio-bench once, then for each round and each server (in an order that rotates
# from round to round): starts the server alone on core 0 (taskset -c 0) and, against that
# one server process, runs the client alone on core 1 (taskset -c 1) once per shape, in the
# order of CONNECTIONS: that many connections, each sending a SIZE-byte message and waiting
# for its whole echo before sending the next; WARMUP seconds unmeasured, then DURATION
# seconds measured; then stops the server. Prints, per shape, a table of medians with ratios
# to the best Netty transport: for a shape with several connections the rate and CPU cost
# (ratio = server's rate / Netty's); for the 1-connection shape p50 and p99 latency (ratio =
# Netty's latency / server's, so there too >= 1.0 means at least as good), with the rate and
# server CPU beside them.
#
# Why both shapes share one server start: the server then serves the latency run as a
# long-running server would, already JIT-compiled by the throughput run, and every server
# gets the same history (the same shapes in the same order), so the comparison stays fair.
# Each client run is a fresh JVM with its own WARMUP, and the rounds and the rotating server
# order are kept, so a slow spell of the machine is spread over the servers as before.
#
# Full mode: 3 rounds, per shape 5 s warm-up + 10 s measured per server (about 8 minutes on
# a quiet machine, up to 16 on a busy one). --quick: 1 round, 2 s + 3 s per shape, to check
# that every server runs both shapes (a smoke test; its numbers are not figures).
#
# The machine may be shared. The client measures in one-second slices and drops a slice in
# which other processes used more than MAX_OTHER of a core (it reads /proc/stat and the two
# processes' CPU time), measuring on until DURATION seconds are kept or MAX_DURATION seconds
# have passed; before each client run the script waits up to QUIET_WAIT seconds for the
# cores to be nearly idle. Every slice, kept or not, is in slices.tsv. With one connection
# the cores idle between round trips and the kernel's tick-sampled busy time reads low, so
# the filter lets through about 0.2 of a core more other load (docs/benchmarks.md, Method).
#
# Settings (environment): SERVERS, CONNECTIONS ("50 1": one shape per count, in that order;
# a count of 1 is reported as latency, more as throughput), SIZE (64), ROUNDS, WARMUP,
# DURATION, MAX_DURATION, MAX_OTHER (0.10), QUIET_WAIT (5), OUT (the results folder).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh

if [ "${1:-}" = "--quick" ]; then
  ROUNDS=${ROUNDS:-1}; WARMUP=${WARMUP:-2}; DURATION=${DURATION:-3}; MAX_DURATION=${MAX_DURATION:-8}
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--quick]" >&2; exit 2
else
  ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-5}; DURATION=${DURATION:-10}; MAX_DURATION=${MAX_DURATION:-25}
fi
read -r -a SERVERS <<< "${SERVERS:-nbio-uring nbio-nio netty-io_uring netty-epoll netty-nio}"
read -r -a SHAPES <<< "${CONNECTIONS:-50 1}"
for conns in "${SHAPES[@]}"; do
  if ! [[ "$conns" =~ ^[1-9][0-9]*$ ]] || [ "$(printf '%s\n' "${SHAPES[@]}" | grep -cx "$conns")" -gt 1 ]; then
    echo "bench-echo: CONNECTIONS must be distinct connection counts of 1 or more, like \"50 1\"; got \"${CONNECTIONS:-}\"" >&2
    exit 2
  fi
done
SIZE=${SIZE:-64}
MAX_OTHER=${MAX_OTHER:-0.10}
QUIET_WAIT=${QUIET_WAIT:-5}
OUT=${OUT:-nbio-bench/target/bench-echo/$(date +%Y%m%d-%H%M%S)}

# Same JVM settings for every server and the client. One visible CPU makes the JVM pick
# SerialGC anyway; it is named so nothing depends on that. Netty uses sun.misc.Unsafe on
# JDK 24+ only when its memory access is allowed; nbio does not use it, so the flag only
# gives Netty its fast path.
JVM_OPTS=(-Xms256m -Xmx256m -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow)
JAR=nbio-bench/target/nbio-bench.jar

if [ "$(nproc)" -lt 2 ]; then
  echo "bench-echo: needs 2 cores (server on core 0, client on core 1); this machine has $(nproc)" >&2
  exit 1
fi

echo "== building $JAR"
./mvnw -q -B -ntp -pl nbio-bench -am package -DskipTests
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
SLICES="$OUT/slices.tsv"
: > "$RESULTS"
: > "$SLICES"
START=$SECONDS

# The busy fraction of cores 0 and 1 together over the next second.
busy_both_cores() {
  local a b
  a=$(awk '/^cpu[01] /{b+=$2+$3+$4+$7+$8; t+=$2+$3+$4+$5+$6+$7+$8+$9} END{print b, t}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu[01] /{b+=$2+$3+$4+$7+$8; t+=$2+$3+$4+$5+$6+$7+$8+$9} END{print b, t}' /proc/stat)
  echo "$a $b" | awk '{ t = $4 - $2; printf "%.2f", (t > 0 ? ($3 - $1) / t : 0) }'
}

wait_until_quiet() {
  local waited=0 busy
  while [ "$waited" -lt "$QUIET_WAIT" ]; do
    busy=$(busy_both_cores)
    if awk -v b="$busy" 'BEGIN { exit !(b <= 0.05) }'; then
      return
    fi
    waited=$((waited + 1))
  done
  echo "   (the cores are ${busy} busy with other work; the client drops the slices it disturbs)"
}

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

start_server() {
  local impl=$1 log=$2 port=""
  taskset -c 0 java "${JVM_OPTS[@]}" -jar "$JAR" server --impl "$impl" > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 150); do
    port=$(sed -n 's/^READY port=//p' "$log")
    [ -n "$port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "bench-echo: server $impl did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  SERVER_PORT=$port
}

# run_server SERVER ROUND: one server start, one client run per shape against it.
run_server() {
  local impl=$1 round=$2 log="$OUT/server-$1-round$2.log"
  wait_until_quiet
  start_server "$impl" "$log"
  sed -n '1p' "$log" | sed 's/^/   /'
  local shape=0 conns
  for conns in "${SHAPES[@]}"; do
    [ $((shape++)) -eq 0 ] || wait_until_quiet
    taskset -c 1 java "${JVM_OPTS[@]}" -jar "$JAR" client --port "$SERVER_PORT" --server-pid "$SERVER_PID" \
        --connections "$conns" --size "$SIZE" --warmup "$WARMUP" --duration "$DURATION" \
        --max-duration "$MAX_DURATION" --max-other "$MAX_OTHER" \
        --label "$impl" --round "$round" --out "$RESULTS" --slices "$SLICES" | sed 's/^/   /'
  done
  stop_server
}

for round in $(seq "$ROUNDS"); do
  n=${#SERVERS[@]}
  for i in $(seq 0 $((n - 1))); do
    impl=${SERVERS[$(( (i + round - 1) % n ))]}   # each round starts one server later
    echo "== round $round/$ROUNDS: $impl (connections: ${SHAPES[*]})"
    run_server "$impl" "$round"
  done
done

echo
echo "== $(nproc) cores, Linux $(uname -r), $(java -version 2>&1 | head -1);" \
     "shapes: ${SHAPES[*]} connection(s) x $SIZE bytes; $ROUNDS round(s) of ${WARMUP}s warm-up + ${DURATION}s kept per shape" \
     "(slices with other load > $MAX_OTHER core dropped); took $((SECONDS - START))s"
# The tables also go to report.md (and nbio's rows to summary.tsv), for scripts/bench.sh's page.
java "${JVM_OPTS[@]}" -jar "$JAR" report "$RESULTS" | tee "$OUT/report.md"
echo
echo "Runs: $RESULTS; every slice: $SLICES"
