#!/usr/bin/env bash
# 1M search only, three alternating rounds (jar of a4d040e): ours in the INT8 layout (built by b1m-i8.sh) and Lucene float.
. /work/bench/env.sh
D=/work/bench/data1m-i8
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/i8/final.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
  --sides ours,lucene --ef 70,80,90,100,120 --seconds 3 --warmup 2 --rounds 3
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
