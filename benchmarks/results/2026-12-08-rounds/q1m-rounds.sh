#!/usr/bin/env bash
# After b1m-ours.sh: 1M search only, ours (searchIds, ids.jar) and Lucene float, three alternating rounds.
. /work/bench/env.sh
D=/work/bench/data1m
while pgrep -f "b1m-ours.sh" >/dev/null; do sleep 10; done
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/ids.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
  --sides ours,lucene --ef 100,120,160 --seconds 3 --warmup 2 --rounds 3
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
