#!/usr/bin/env bash
# Builds nbio and runs every test: unit tests and the conformance suite on every backend
# this machine can start (the others are reported as skipped, with the cause).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh
exec ./mvnw -B -ntp verify "$@"
