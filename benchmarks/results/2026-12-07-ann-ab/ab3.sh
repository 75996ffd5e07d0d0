#!/usr/bin/env bash
# Issue 20 A/B, part 3: 100k exact ef 30 (6 alternating rounds), then a 100k PQ index (pqThreshold 50000, built
# once by the new code) searched by both (4 alternating rounds).
. /work/bench/env.sh
run() {
  local jar=$1 dir=$2; shift 2
  $J $FLAGS $EXTRA -Dbench.dir=$dir -Dshared.dir=/work/shared -cp /work/bench/$jar.jar \
    dev.neuralsearch.bench.VectorSearchComparison --sides ours "$@" 2>/dev/null | grep -E '^\[ours\] RESULT' | grep -E "QPS|recall|build"
}
for round in 1 2 3 4 5 6; do
  for jar in base after; do
    [ $((round % 2)) = 0 ] && jar=$([ $jar = base ] && echo after || echo base)
    echo "=== syn100k round $round $jar $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    run $jar /work/bench/data --reuse true --dataset synthetic --size 100000 --ef 30 --warmup 5 --seconds 3
  done
done
mkdir -p /work/bench/data-pq && cp -n /work/bench/data/synthetic-100000* /work/bench/data-pq/ 2>/dev/null
ls /work/bench/data-pq
export EXTRA="-Dbench.ours.pqThreshold=50000"
echo "=== pq build after $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
run after /work/bench/data-pq --dataset synthetic --size 100000 --ef 40 --seconds 1
for round in 1 2 3 4; do
  for jar in base after; do
    [ $((round % 2)) = 0 ] && jar=$([ $jar = base ] && echo after || echo base)
    echo "=== pq100k round $round $jar $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    run $jar /work/bench/data-pq --reuse true --dataset synthetic --size 100000 --ef 40,100 --warmup 5 --seconds 3
  done
done
echo "=== end $(date -u +%T)"
