#!/usr/bin/env bash
# Issue 22 item 4: a MiniLM cross-encoder distilled from the scifact-stock fused ranking, then the SciFact test eval
# of scifact-stock + rerank with the depth and mix chosen on held-out train queries. Run from the repository root:
#   benchmarks/results/2026-12-07-distill/run.sh teacher|train|eval
# W (default /work/distill-run) holds the teacher file, the model and the checkpoints; the JSON goes next to this
# script. Stages: teacher (fused top 30 of 807 train queries + PSEUDO pseudo-queries), train (1 epoch, listwise),
# eval (test split; rerank depth auto, mix fit, on the 20 % of train queries the trainer held out).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
W="${W:-/work/distill-run}"
DATA="${DATA:-/work/shared/data/scifact}"
CACHE="${CACHE:-/work/eval-cache}"
PSEUDO="${PSEUDO:-2000}"       # pseudo-queries written by the teacher stage
USE_PSEUDO="${USE_PSEUDO:-1600}" # of those, used for training (the file is cut to the train queries + these)
MAXLEN="${MAXLEN:-192}"
mkdir -p "$W"
case "${1:-}" in
  teacher)
    ./nsearch eval --beir "$DATA" --split train --pipeline benchmarks/pipelines/scifact-stock.yaml \
      --cache-dir "$CACHE" --teacher-out "$W/teacher.jsonl" --teacher-depth 30 --pseudo-queries "$PSEUDO" \
      --pseudo-seed 42 --quiet --json "$HERE/teacher-train-eval.json"
    ;;
  train)
    n=$(grep -c '"kind":"train"' "$W/teacher.jsonl")
    head -n $((n + USE_PSEUDO)) "$W/teacher.jsonl" > "$W/teacher-used.jsonl"
    ./nsearch train cross-encoder --backbone all-minilm-l6-v2 --beir "$DATA" --distill "$W/teacher-used.jsonl" \
      --loss listwise --teacher-temperature 1 --negatives 3 --batch 8 --lr 4e-5 --warmup 0.1 \
      --max-length "$MAXLEN" --validation 0.2 --seed 42 --epochs 1 \
      --output "$W/ce-minilm-distill" --checkpoint-dir "$W/ckpt" --checkpoint-every 100 ${MAX_STEPS:+--max-steps $MAX_STEPS}
    cp "$W/ce-minilm-distill/training.json" "$HERE/training.json"
    ;;
  eval)
    NSEARCH_CE="$W/ce-minilm-distill" ./nsearch eval --beir "$DATA" --split test \
      --pipeline benchmarks/pipelines/scifact-stock-distill.yaml --cache-dir "$CACHE" --quiet \
      --json "$HERE/eval-test-stock-distill.json"
    ;;
  *)
    echo "usage: $0 teacher|train|eval" >&2
    exit 2
    ;;
esac
