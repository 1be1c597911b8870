#!/usr/bin/env bash
# TCP echo ping-pong, side by side: nbio (io_uring and NIO backends) against Netty 4.2
# (io_uring and epoll transports), the same load client for all.
#
#   scripts/bench-echo.sh [--quick]
#
# Builds nbio-bench once, then for each round and each server (in an order that rotates
# from round to round): starts the server alone on core 0 (taskset -c 0), runs the client
# alone on core 1 (taskset -c 1): CONNECTIONS connections, each sending a SIZE-byte message
# and waiting for its echo, WARMUP seconds unmeasured then DURATION seconds measured; then
# stops the server. Prints a table of medians, with ratios to the best Netty transport.
#
# Full mode: 3 rounds of 5 s warm-up + 10 s measured per server (about 5 minutes on a quiet
# machine). --quick: 1 round of 2 s + 3 s, to check that everything runs.
#
# The machine may be shared: before each run the script waits (up to QUIET_WAIT seconds)
# until both cores are nearly idle, and a run during which other processes used more than
# MAX_OTHER of a core is run again (up to RETRIES times, while the whole benchmark is within
# BUDGET seconds); of a server's attempts in a round, the least disturbed one is kept. Every
# run, kept or not, is in all-runs.tsv.
#
# Settings (environment): SERVERS, CONNECTIONS (64), SIZE (64), ROUNDS, WARMUP, DURATION,
# QUIET_WAIT (60), MAX_OTHER (0.15), RETRIES (2), BUDGET (540), OUT (the results folder).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh

if [ "${1:-}" = "--quick" ]; then
  ROUNDS=${ROUNDS:-1}; WARMUP=${WARMUP:-2}; DURATION=${DURATION:-3}
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--quick]" >&2; exit 2
else
  ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-5}; DURATION=${DURATION:-10}
fi
read -r -a SERVERS <<< "${SERVERS:-nbio-uring nbio-nio netty-io_uring netty-epoll}"
CONNECTIONS=${CONNECTIONS:-64}
SIZE=${SIZE:-64}
QUIET_WAIT=${QUIET_WAIT:-60}
MAX_OTHER=${MAX_OTHER:-0.15}
RETRIES=${RETRIES:-2}
BUDGET=${BUDGET:-540}
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
ALL_RUNS="$OUT/all-runs.tsv"
ATTEMPTS="$OUT/attempts.tsv"
RUN="$OUT/run.tsv"
: > "$RESULTS"
: > "$ALL_RUNS"
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
  while :; do
    busy=$(busy_both_cores)
    if awk -v b="$busy" 'BEGIN { exit !(b <= 0.10) }'; then
      return
    fi
    if [ "$waited" -ge "$QUIET_WAIT" ]; then
      echo "   (cores still $busy busy after ${QUIET_WAIT}s of waiting; running anyway)"
      return
    fi
    waited=$((waited + 1))
  done
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

# run_one SERVER ROUND: one server start, one client run; the client's result goes to $RUN.
run_one() {
  local impl=$1 round=$2 log="$OUT/server-$1-round$2.log" port=""
  wait_until_quiet
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
  sed -n '1p' "$log" | sed 's/^/   /'
  rm -f "$RUN"
  taskset -c 1 java "${JVM_OPTS[@]}" -jar "$JAR" client --port "$port" --server-pid "$SERVER_PID" \
      --connections "$CONNECTIONS" --size "$SIZE" --warmup "$WARMUP" --duration "$DURATION" \
      --label "$impl" --round "$round" --out "$RUN" | sed 's/^/   /'
  stop_server
}

# column NAME FILE: the number of the column called NAME in FILE's header line.
column() {
  head -1 "$2" | tr '\t' '\n' | grep -n "^$1\$" | cut -d: -f1
}

for round in $(seq "$ROUNDS"); do
  n=${#SERVERS[@]}
  for i in $(seq 0 $((n - 1))); do
    impl=${SERVERS[$(( (i + round - 1) % n ))]}   # each round starts one server later
    : > "$ATTEMPTS"
    for attempt in $(seq 0 "$RETRIES"); do
      echo "== round $round/$ROUNDS: $impl$([ "$attempt" -gt 0 ] && echo " (again: other load)")"
      run_one "$impl" "$round"
      [ -s "$RESULTS" ] || head -1 "$RUN" > "$RESULTS"
      [ -s "$ALL_RUNS" ] || head -1 "$RUN" | sed 's/$/\tkept/' > "$ALL_RUNS"
      tail -1 "$RUN" >> "$ATTEMPTS"
      other=$(tail -1 "$RUN" | cut -f "$(column other_cpu "$RUN")")
      if awk -v o="$other" -v m="$MAX_OTHER" 'BEGIN { exit !(o <= m) }' \
          || [ $((SECONDS - START)) -ge "$BUDGET" ]; then
        break
      fi
    done
    # Keep the attempt that other processes disturbed least.
    best=$(awk -F'\t' -v c="$(column other_cpu "$RESULTS")" \
        'NR == 1 || $c < min { min = $c; line = NR } END { print line }' "$ATTEMPTS")
    awk -v keep="$best" '{ print $0 "\t" (NR == keep ? "yes" : "no") }' "$ATTEMPTS" >> "$ALL_RUNS"
    sed -n "${best}p" "$ATTEMPTS" >> "$RESULTS"
  done
done
rm -f "$RUN" "$ATTEMPTS"

echo
echo "== $(nproc) cores, Linux $(uname -r), $(java -version 2>&1 | head -1); $CONNECTIONS connections x $SIZE bytes;" \
     "$ROUNDS round(s) of ${WARMUP}s warm-up + ${DURATION}s measured; took $((SECONDS - START))s"
java "${JVM_OPTS[@]}" -jar "$JAR" report "$RESULTS"
echo
echo "Runs: $RESULTS (kept), $ALL_RUNS (all, with the ones run again)"
