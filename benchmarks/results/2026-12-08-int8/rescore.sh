#!/usr/bin/env bash
# SearchOptions.rescore at 1M (INT8 index of b1m-i8.sh): rescoring the best 2k of the beam against all of it, first in
# the 1.75 GB cgroup (page cache dropped per child, as qbounded-i8.sh), then unbounded; ours only, one round each.
. /work/bench/env.sh
CG=/sys/fs/cgroup/memory/nsbench
mkdir -p $CG; echo 1750M > $CG/memory.limit_in_bytes
JAR=/work/bench/i8/rescore.jar
for r in 2 0; do
  echo "=== bounded rescore=$r $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS -Dbench.ours.rescore=$r -Xmx6g -Dbench.dir=/work/bench/data1m-i8 -Dshared.dir=/work/shared -cp $JAR \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 1g --reuse true \
    --drop-caches true --cgroup $CG --sides ours --ef 80,100,160 --seconds 5 --warmup 5 2>&1 | grep "RESULT" | grep -v "bytes on disk"
done
for r in 2 0 2 0; do
  echo "=== unbounded rescore=$r $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS -Dbench.ours.rescore=$r -Xmx6g -Dbench.dir=/work/bench/data1m-i8 -Dshared.dir=/work/shared -cp $JAR \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
    --sides ours --ef 80,100 --seconds 3 --warmup 2 2>&1 | grep "RESULT" | grep -E "QPS|recall|RssFile"
done
echo "=== end $(date -u +%T)"
