#!/usr/bin/env bash
# Experiment: at 1M, rerank only the best fraction of the ef PQ candidates (rf.jar, -Dns.rerankFraction).
. /work/bench/env.sh
D=/work/bench/data1m
for round in 1 2; do
for f in 1 0.5 0.3; do
  echo "=== fraction $f round $round $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS -Dns.rerankFraction=$f -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/rf.jar \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
    --sides ours --ef 100,120,160,200,240 --seconds 2 --warmup 1 --page-cache-reset false 2>&1 | grep "^ours ef"
done
done
