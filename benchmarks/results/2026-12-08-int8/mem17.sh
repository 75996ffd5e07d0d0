#!/usr/bin/env bash
# Search-only memory of the INT8 index after the bounded reads (i8c.jar); then JDK 17: int8 index vs PQ index.
. /work/bench/env.sh
JAR=/work/bench/i8/i8c.jar
echo "=== jdk25 int8 search-only $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=/work/bench/data1m-i8 -Dshared.dir=/work/shared -cp $JAR \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
  --sides ours --ef 80,100 --seconds 3 --warmup 2 2>&1 | grep -E "ef=|delta" | grep -v "^|"
J17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
F17=$(echo "$FLAGS" | sed 's/--sun-misc-unsafe-memory-access=allow//; s/--add-modules jdk.incubator.vector//; s/--enable-native-access=ALL-UNNAMED//')
for d in data1m-i8 data1m; do
  echo "=== jdk17 $d $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J17 $F17 -Xmx6g -Dbench.dir=/work/bench/$d -Dshared.dir=/work/shared -cp $JAR \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
    --sides ours --ef 80,100,120 --seconds 3 --warmup 2 2>&1 | grep -E "ef=|delta|rror|xception" | grep -v "^|"
done
echo "=== end $(date -u +%T)"
