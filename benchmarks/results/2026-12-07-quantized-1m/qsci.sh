#!/usr/bin/env bash
# After chain.sh: SciFact with every side (b1.jar), finer ef grid; ef 100 = the defaults' overquery 10 (recall guard).
. /work/bench/env.sh
while pgrep -f "chain.sh" >/dev/null; do sleep 10; done
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx3g -Dbench.dir=/work/bench/data -Dshared.dir=/work/shared -cp /work/bench/b1.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset scifact \
  --sides ours,lucene,lucene-sq8,lucene-sq4,lucene-bq1 --ef 10,12,15,18,20,25,30,40,80,100 --seconds 3 --warmup 3
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
