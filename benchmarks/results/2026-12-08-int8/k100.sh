#!/usr/bin/env bash
# 100k: the default (exact traversal from the vector file) vs the int8 layout forced on (pqThreshold 50,000).
. /work/bench/env.sh
JAR=/work/bench/i8/i8d.jar
mkdir -p /work/bench/data100k-i8
for f in /work/bench/data100k/synthetic-100000-*; do ln -sf $f /work/bench/data100k-i8/; done
for round in 1 2; do
for cfg in "default|/work/bench/data100k|" "int8|/work/bench/data100k-i8|-Dbench.ours.pqThreshold=50000 -Dbench.ours.pqLayout=INT8"; do
  IFS='|' read label dir extra <<< "$cfg"
  reuse=true; [ $round = 1 ] && [ $label = int8 ] && reuse=false
  echo "=== $label round $round $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS $extra -Xmx3g -Dbench.dir=$dir -Dshared.dir=/work/shared -cp $JAR \
    dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 100000 --heap 2g --reuse $reuse --sides ours \
    --ef 15,20,22,25,30,40 --seconds 2 --warmup 1 2>&1 | grep -E "ef=|build time|delta" | grep -v "^|"
done; done
