#!/usr/bin/env bash
# Issue 20 A/B at 1M: one index built by the new code (after.jar), then searched by both jars alternately.
. /work/bench/env.sh
D=/work/bench/data1m
run() {
  local jar=$1; shift
  $J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/$jar.jar \
    dev.neuralsearch.bench.VectorSearchComparison --sides ours --dataset synthetic --size 1000000 --heap 8g "$@" 2>/dev/null \
    | grep -E '^\[ours\] RESULT|^dataset' | grep -E "QPS|recall|build|bytes|dataset"
}
echo "=== build after $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
run after --ef 100 --seconds 1
echo "=== build done $(date -u +%T)"
[ "${BUILD_ONLY:-0}" = 1 ] && exit 0
for round in 1 2 3 4; do
  for jar in base after; do
    [ $((round % 2)) = 0 ] && jar=$([ $jar = base ] && echo after || echo base)
    echo "=== syn1m round $round $jar $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    run $jar --reuse true --ef 100,120 --warmup 10 --seconds 3
  done
done
echo "=== end $(date -u +%T)"
