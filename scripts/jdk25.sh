#!/usr/bin/env bash
# Sourced by the other scripts: points JAVA_HOME at a JDK 25 or newer, since the machine's
# default java may be older (nbio needs Java 25 to build and run).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
  :
else
  found=""
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      found="$candidate"
      break
    fi
  done
  if [ -z "$found" ]; then
    echo "nbio needs a JDK 25 or newer: set JAVA_HOME to one (none found under /usr/lib/jvm)" >&2
    exit 1
  fi
  export JAVA_HOME="$found"
fi
export PATH="$JAVA_HOME/bin:$PATH"
