#!/usr/bin/env bash
# An experiment before the layout existed: a temporary jar (not on main) whose -Dneuralsearch.int8=true quantized
# the PQ index's vector file at open, and whose -Dneuralsearch.rerankLimit=N reranked only the best N candidates.
. /work/bench/env.sh
D=/work/bench/data1m
JAR=/work/bench/i8/i8.jar
run() { # label, extra flags, sides, efs
  echo "=== $1 $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS $2 -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp $JAR \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
    --sides $3 --ef $4 --seconds 3 --warmup 2 2>&1 | grep -E "ef=|memory|RESULT.*(MB|open)|summary|rror|xception" | grep -v "^|"
}
run int8-all "-Dneuralsearch.int8=true" ours 20,30,40,60,80,100
run int8-r20 "-Dneuralsearch.int8=true -Dneuralsearch.rerankLimit=20" ours 30,40,60,80,100
run pq "" ours 100,120
run lucene "" lucene 60,80,100
echo "=== end $(date -u +%T)"
