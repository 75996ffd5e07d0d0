#!/usr/bin/env bash
# Issue 20: search speed before (main 6287d3e) and after (annpkg 05cf64b) the package redesign, on the SAME index
# files (--reuse true: the homes the last build left), 4 alternating rounds per data set.
. /work/bench/env.sh
run() {
  local jar=$1; shift
  $J $FLAGS -Dbench.dir=/work/bench/data -Dshared.dir=/work/shared -cp /work/bench/$jar.jar \
    dev.neuralsearch.bench.VectorSearchComparison --sides ours --reuse true "$@" 2>/dev/null | grep -E '^\[ours\] RESULT' | grep -E "QPS|recall"
}
for set in scifact syn100k; do
  for round in 1 2 3 4; do
    for jar in base after; do
      [ $((round % 2)) = 0 ] && jar=$([ $jar = base ] && echo after || echo base)
      echo "=== $set round $round $jar $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
      if [ $set = scifact ]; then run $jar --dataset scifact --ef 15,20 --warmup 5 --seconds 3
      else run $jar --dataset synthetic --size 100000 --ef 25,30 --warmup 5 --seconds 3; fi
    done
  done
done
echo "=== end $(date -u +%T)"
