#!/usr/bin/env bash
# After b1m.sh: (1) SciFact and (2) 100k, ours vs Lucene float and sq8, 3 alternating rounds (medians), jar of main
# with searchIds (ids.jar); (3) SciFact, ours only, hydrated hits (base.jar) vs ids (ids.jar), interleaved.
. /work/bench/env.sh
while pgrep -f "b1m.sh" >/dev/null; do sleep 10; done
echo "=== scifact start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx3g -Dbench.dir=/work/bench/data -Dshared.dir=/work/shared -cp /work/bench/ids.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset scifact --sides ours,lucene,lucene-sq8 \
  --ef 12,15,18,20,25,40,100 --seconds 2 --warmup 1 --rounds 3
echo "=== 100k start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
$J $FLAGS -Xmx3g -Dbench.dir=/work/bench/data100k -Dshared.dir=/work/shared -cp /work/bench/ids.jar \
  dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic --size 100000 --sides ours,lucene,lucene-sq8 \
  --ef 20,22,25,28,30,35,40,60 --seconds 2 --warmup 1 --heap 2g --rounds 3
echo "=== hydrate-vs-ids start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in 1 2 3; do
  for jar in base ids; do
    $J $FLAGS -Xmx3g -Dbench.dir=/work/bench/data -Dshared.dir=/work/shared -cp /work/bench/$jar.jar \
      dev.neuralsearch.bench.VectorSearchComparison --dataset scifact --sides ours --reuse true \
      --ef 15,100 --seconds 2 --warmup 1 --page-cache-reset false 2>&1 | grep "^ours ef" | sed "s/^/$jar round $r: /"
  done
done
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
