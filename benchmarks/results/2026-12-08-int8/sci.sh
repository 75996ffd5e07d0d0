#!/usr/bin/env bash
# SciFact (real embeddings): recall and QPS of the default (exact traversal) vs the int8 and PQ layouts forced on.
. /work/bench/env.sh
JAR=/work/bench/i8/final.jar
for cfg in "default|" "int8|-Dbench.ours.pqThreshold=1000 -Dbench.ours.pqLayout=INT8" "pq|-Dbench.ours.pqThreshold=1000 -Dbench.ours.pqLayout=IN_MEMORY"; do
  label=${cfg%%|*}; extra=${cfg#*|}
  rm -rf /work/bench/data/index-ours-scifact*
  echo "=== $label $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS $extra -Xmx3g -Dbench.dir=/work/bench/data -Dshared.dir=/work/shared -cp $JAR \
    dev.neuralsearch.bench.VectorSearchComparison --dataset scifact --sides ours --ef 10,15,20,40,100 --seconds 2 --warmup 1 2>&1 \
    | grep -E "ef=|build time" | grep -v "^|"
done
rm -rf /work/bench/data/index-ours-scifact*
