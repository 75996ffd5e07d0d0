#!/usr/bin/env bash
# Builds examples/host-app against the installed artifacts (run `./mvnw install` first) and runs it the way a
# host application runs: its own build (its unit tests use the neural-search-test fixtures), then its main under a
# bare `java -cp`, no JVM flags. Checks that document "1" ranks first and that the 3-document home stays under 10 MB.
#   bin/host-app-check.sh JAVA_HOME...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$ROOT/examples/host-app"
status=0
for jdk in "$@"; do
  major=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  echo "== examples/host-app on JDK $major ($jdk), no JVM flags"
  (cd "$ROOT" && JAVA_HOME="$jdk" ./mvnw -B -q -ntp -f "$APP/pom.xml" clean verify \
      dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
  home=$(mktemp -d)
  rm -rf "$home" # the index creates its home
  out=$(env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS "$jdk/bin/java" \
      -cp "$APP/target/classes:$(cat "$APP/target/classpath.txt")" com.example.hostapp.HostApp "$home" 2>&1) || {
    echo "$out"; echo "host-app failed on JDK $major" >&2; status=1; rm -rf "$home"; continue; }
  echo "$out"
  rm -rf "$home"
  first=$(echo "$out" | grep -m1 -E '^[0-9]+\. ' || true)
  bytes=$(echo "$out" | sed -n 's/^home bytes \([0-9]*\).*/\1/p')
  if [[ "$first" != "1. 1 "* ]]; then echo "host-app on JDK $major: document 1 is not first" >&2; status=1; fi
  if [ -z "$bytes" ] || [ "$bytes" -ge $((10 * 1024 * 1024)) ]; then
    echo "host-app on JDK $major: the 3-document home takes ${bytes:-?} bytes, not under 10 MB" >&2; status=1
  fi
done
exit $status
