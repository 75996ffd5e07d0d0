#!/usr/bin/env bash
# SciFact (real embeddings), INT8 forced (pqThreshold 1000): rescoring the best 2k of the beam against all of it.
. /work/bench/env.sh
JAR=/work/bench/i8/rescore.jar
rm -rf /work/bench/data/index-ours-scifact*
for r in 0 2 1; do
  reuse=true; [ $r = 0 ] && reuse=false
  echo "=== rescore=$r $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  $J $FLAGS -Dbench.ours.pqThreshold=1000 -Dbench.ours.pqLayout=INT8 -Dbench.ours.rescore=$r -Xmx3g \
    -Dbench.dir=/work/bench/data -Dshared.dir=/work/shared -cp $JAR dev.neuralsearch.bench.VectorSearchComparison \
    --dataset scifact --sides ours --reuse $reuse --ef 15,20,40,100 --seconds 2 --warmup 1 2>&1 | grep "RESULT" | grep "recall"
done
rm -rf /work/bench/data/index-ours-scifact*
