#!/usr/bin/env bash
# After qsci.sh: the memory-bounded 1M run for Lucene's 8-bit side alone (the float side thrashed, see 3j).
. /work/bench/env.sh
while pgrep -f "qsci.sh" >/dev/null; do sleep 10; done
CG=/sys/fs/cgroup/memory/nsbench
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg) limit $(cat $CG/memory.limit_in_bytes)"
$J $FLAGS -Xmx6g -Dbench.dir=/work/bench/data1mq -Dshared.dir=/work/shared -cp /work/bench/b1.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 1g --reuse true \
  --drop-caches true --cgroup $CG --sides lucene-sq8 --ef 120,160 --seconds 5 --warmup 5
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
