#!/usr/bin/env bash
# After after1m.sh: ours' 1M build again on a quiet machine (b1m.sh built it while another session's tests ran;
# Lucene's build in b1m.sh ran at load 1.0-1.6). Same jar, same command, ours only.
. /work/bench/env.sh
D=/work/bench/data1m
while pgrep -f "after1m.sh" >/dev/null; do sleep 10; done
echo "=== start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/base.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 1000000 --heap 8g \
  --sides ours --ef 120 --seconds 3 --warmup 3
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
