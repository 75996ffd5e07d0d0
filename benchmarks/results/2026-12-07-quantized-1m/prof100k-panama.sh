#!/usr/bin/env bash
# Where ours' 100k build time goes: a JFR recording of the build child (niced: a 1M Lucene build runs beside it).
. /work/bench/env.sh
cd /work/bench/prof100k
rm -rf index-ours-synthetic-100000
nice -n 19 $J $FLAGS -Xmx3g -XX:StartFlightRecording=filename=/work/bench/prof100k/build-panama-%p.jfr,settings=profile -Djvector.vectorization_provider=panama \
  -Dbench.dir=/work/bench/prof100k -cp /work/bench/after.jar dev.neuralsearch.bench.VectorSearchComparison \
  --dataset synthetic --size 100000 --sides ours --ef 30 --seconds 1 --warmup 1 --heap 2g --page-cache-reset false
