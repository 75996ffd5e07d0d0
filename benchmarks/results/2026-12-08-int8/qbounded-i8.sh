#!/usr/bin/env bash
# 1M in a 1.75 GB memory cgroup (v1), page cache dropped before each side: ours in the INT8 layout (final.jar, the
# index of b1m-i8.sh) and Lucene sq8 (the fastest side in 3j's bounded run), as 3j measured them.
. /work/bench/env.sh
CG=/sys/fs/cgroup/memory/nsbench
mkdir -p $CG; echo 1750M > $CG/memory.limit_in_bytes; echo "cgroup limit $(cat $CG/memory.limit_in_bytes)"
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=/work/bench/data1m-i8 -Dshared.dir=/work/shared -cp /work/bench/i8/final.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 1g --reuse true \
  --drop-caches true --cgroup $CG --sides ours --ef 80,100,160 --seconds 5 --warmup 5 2>&1 | grep "RESULT\|ef="
echo "=== end $(date -u +%T)"
