#!/usr/bin/env bash
# Issue 23 item 1 at 1M: Lucene 10.6 float / sq8 / sq4 / bq1 built on both cores (run 1), then every side
# searched in one run from the same page-cache state (run 2; ours was built by after.jar earlier).
. /work/bench/env.sh
D=/work/bench/data1mq
echo "=== build start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/after.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g \
  --sides lucene,lucene-sq8,lucene-sq4,lucene-bq1 --ef 100 --seconds 1 --warmup 1
echo "=== build end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/after.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g --reuse true \
  --sides ours,lucene,lucene-sq8,lucene-sq4,lucene-bq1 --ef 80,100,120,160,240,320,480,640 --seconds 3 --warmup 3
echo "=== search end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
