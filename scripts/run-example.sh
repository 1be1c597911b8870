#!/usr/bin/env bash
# Builds nbio and starts the example server on the auto-selected backend.
# Arguments go to the `nbio` command; the default is the HTTP server on port 8080
# (`echo --port 9000` runs the echo server, `--help` lists the commands).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh
./mvnw -q -B -ntp package -DskipTests
if [ "$#" -eq 0 ]; then
  set -- http --port 8080
fi
exec java -jar nbio-examples/target/nbio.jar "$@"
