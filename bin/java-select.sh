# Sourced by ./nsearch and .ci/run: chooses the JDK.
# Newest JDK 21+ ($JAVA_HOME if it is 21+, else the newest under /usr/lib/jvm); else 17+ with a warning; else an error.
java_major() { # $1 = path to a java binary
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1
}

select_java() {
  local best="" best_major=0 candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then best="$JAVA_HOME"; best_major=$major; fi
  fi
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/*; do
      [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
      major=$(java_major "$candidate/bin/java")
      if [ "${major:-0}" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
    done
    if [ -z "$best" ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
      best="$JAVA_HOME"; best_major=$(java_major "$JAVA_HOME/bin/java")
    fi
    if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
      candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
      best="$candidate"; best_major=$(java_major "$candidate/bin/java")
    fi
  fi
  if [ -z "$best" ] || [ "${best_major:-0}" -lt 17 ]; then
    echo "neural-search needs a full JDK 17 or newer (21+ recommended, 25 best): none found in JAVA_HOME, /usr/lib/jvm or PATH." >&2
    return 1
  fi
  if [ "$best_major" -lt 21 ]; then
    echo "warning: using JDK $best_major at $best; JDK 21+ is markedly faster (JVector SIMD needs 20+, its MemorySegment reader 22+)." >&2
  fi
  export JAVA_HOME="$best"
  export JAVA_MAJOR="$best_major"
}

# JVM flags the dependencies need (kept equal to the parent pom's jvm.flags.*).
jvm_flags() {
  local flags="--add-modules jdk.incubator.vector --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true --enable-native-access=ALL-UNNAMED"
  if [ "${JAVA_MAJOR:-17}" -ge 23 ]; then flags="$flags --sun-misc-unsafe-memory-access=allow"; fi
  echo "$flags"
}

# A JDK 17 for the smoke run, if there is one.
find_jdk17() {
  local candidate
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    if [ "$(java_major "$candidate/bin/java")" = "17" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}
