#!/usr/bin/env bash
# Build time at 100k: b0 = main 781144a (JVector's build scores: its native provider on JDK 25), b1 = BuildScores
# (our Vector API scores), b0p = b0 with -Djvector.vectorization_provider=panama. Rounds alternate the order.
. /work/bench/env.sh
D=/work/bench/prof100k
run() { # jar label extra
  rm -rf $D/index-ours-synthetic-100000
  echo "=== $2 $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS $3 -Xmx3g -Dbench.dir=$D -cp $1 dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic \
    --size 100000 --sides ours --ef 20,25,30 --seconds 2 --warmup 2 --heap 2g --page-cache-reset false 2>&1 \
    | grep -E "RESULT ours.(build time|ef (20|25|30): (recall|QPS 1))" | sed "s/^/$2 /"
}
for r in 1 2; do
  if [ $((r % 2)) = 1 ]; then
    run /work/bench/b0.jar b0 ""; run /work/bench/b1.jar b1 ""; run /work/bench/b0.jar b0p -Djvector.vectorization_provider=panama
  else
    run /work/bench/b1.jar b1 ""; run /work/bench/b0.jar b0p -Djvector.vectorization_provider=panama; run /work/bench/b0.jar b0 ""
  fi
done
echo "=== end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
