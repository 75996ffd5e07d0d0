#!/usr/bin/env bash
# Issue 23: 1M build on both cores, ours (with BuildScores, main 6c8750e) and Lucene 10.6 float, same run; then a
# short search at ef 100/120/160 from a dropped page cache per side.
. /work/bench/env.sh
D=/work/bench/data1m
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/base.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g \
  --sides ours,lucene --ef 100,120,160 --seconds 3 --warmup 3
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
