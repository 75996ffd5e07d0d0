#!/usr/bin/env bash
# Ours in the 1.75 GB cgroup with MADV_RANDOM on the adjacency of PQ segments (b2.jar) against without (b1.jar).
. /work/bench/env.sh
CG=/sys/fs/cgroup/memory/nsbench
for jar in b2 b1; do
  echo "=== $jar $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS -Xmx6g -Dbench.dir=/work/bench/data1mq -Dshared.dir=/work/shared -cp /work/bench/$jar.jar \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 1g --reuse true \
    --drop-caches true --cgroup $CG --sides ours --ef 100,160 --seconds 5 --warmup 5 2>&1 | grep "RESULT" | sed "s/^/$jar /"
done
echo "=== end $(date -u +%T)"
