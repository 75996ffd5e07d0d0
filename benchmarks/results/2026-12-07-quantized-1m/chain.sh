#!/usr/bin/env bash
# After q1m.sh: the memory-bounded 1M run with every side, the 100k build A/B, then the 100k run with a finer ef grid.
. /work/bench/env.sh
while pgrep -f "q1m.sh" >/dev/null; do sleep 10; done
CG=/sys/fs/cgroup/memory/nsbench
mkdir -p $CG; echo 1750M > $CG/memory.limit_in_bytes; echo "cgroup limit $(cat $CG/memory.limit_in_bytes)"
echo "=== bounded start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=/work/bench/data1mq -Dshared.dir=/work/shared -cp /work/bench/after.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 1g --reuse true \
  --drop-caches true --cgroup $CG --sides ours,lucene,lucene-sq8,lucene-sq4,lucene-bq1 --ef 100,160,320 \
  --seconds 5 --warmup 5 > /work/bench/q1m-bounded.log 2>&1
echo "=== bounded end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
/work/bench/buildab.sh > /work/bench/buildab.log 2>&1
/work/bench/q100k2.sh > /work/bench/q100k2.log 2>&1
echo "=== chain end $(date -u +%T)"
