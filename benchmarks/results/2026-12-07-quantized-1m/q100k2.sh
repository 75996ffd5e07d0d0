#!/usr/bin/env bash
# Issue 23 at 100k again, with the build scores of BuildScores (b1.jar) and a finer ef grid; every index built here.
. /work/bench/env.sh
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf /work/bench/data100k2/index-*
$J $FLAGS -Xmx3g -Dbench.dir=/work/bench/data100k2 -Dshared.dir=/work/shared -cp /work/bench/b1.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 100000 \
  --sides ours,lucene,lucene-sq8,lucene-sq4,lucene-bq1 --ef 20,22,25,28,30,35,40,60,80,120,160 --seconds 3 --warmup 3 --heap 2g
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
