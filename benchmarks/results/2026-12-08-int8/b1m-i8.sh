#!/usr/bin/env bash
# 1M build of ours in the INT8 layout (jar i8b.jar), then ef sweep on the fresh index.
. /work/bench/env.sh
D=/work/bench/data1m-i8
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Dbench.ours.pqLayout=INT8 -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/i8/i8b.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g \
  --sides ours --ef 60,70,80,90,100,120 --seconds 3 --warmup 3
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
