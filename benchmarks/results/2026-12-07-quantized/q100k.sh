#!/usr/bin/env bash
# Issue 23 item 1 at 100k: ours vs Lucene 10.6 float / sq8 / sq4 / bq1 (rescored), every index built in the run.
. /work/bench/env.sh
while pgrep -f 'ab4' >/dev/null; do sleep 15; done
G=$(for s in run.sh run2.sh run3.sh; do pgrep -xf "bash ./$s"; done); echo "pausing process groups: $G"
for g in $G; do kill -STOP -- -$g; done
trap 'for g in $G; do kill -CONT -- -$g; done' EXIT
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx3g -Dbench.dir=/work/bench/data100kq -Dshared.dir=/work/shared -cp /work/bench/after.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 100000 \
  --sides ours,lucene,lucene-sq8,lucene-sq4,lucene-bq1 --ef 20,30,40,60,80,120,160 --seconds 3 --warmup 3 --heap 2g
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
