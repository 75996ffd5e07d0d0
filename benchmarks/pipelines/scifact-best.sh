#!/usr/bin/env bash
# Reproduces the best SciFact pipeline of issue 22 from scratch ($PIPELINE, default
# benchmarks/pipelines/scifact-best.yaml):
#   1. when the pipeline names the fine-tuned model bge-small-en-v1.5-noinstr-scifact: fine-tunes bge-small-en-v1.5
#      (without its query instruction) on SciFact qrels/train.tsv with `nsearch train bi-encoder` (the trainer
#      refuses test and dev queries), unless the model is already there;
#   2. runs `nsearch eval --pipeline` on the test split: route rows, bm25, and the fused row named "pipeline",
#      with the fusion weights fitted on the train queries;
#   3. prints the JSON report, and writes the pipeline with its fitted weights ($FITTED) for
#      `nsearch index/search --pipeline` (docs/cli.md, "Deploying an evaluated pipeline").
# Environment (all optional):
#   SCIFACT        the BEIR folder                    (default: ../shared/data/scifact)
#   NSEARCH_MODELS where trained models are written   (default: target/models)
#   CACHE_DIR      corpus embedding cache             (default: target/eval-cache)
#   OUT            the JSON report                    (default: target/pipelines/scifact-best.json)
#   PIPELINE       the pipeline file                  (default: benchmarks/pipelines/scifact-best.yaml)
#   FITTED         the pipeline with every fit resolved (default: target/pipelines/scifact-best.fitted.yaml)
#   RETRAIN=1      train again even if the model exists (else an interrupted training resumes from its checkpoint)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SCIFACT="${SCIFACT:-../shared/data/scifact}"
export NSEARCH_MODELS="${NSEARCH_MODELS:-target/models}"
CACHE_DIR="${CACHE_DIR:-target/eval-cache}"
OUT="${OUT:-target/pipelines/scifact-best.json}"
PIPELINE="${PIPELINE:-benchmarks/pipelines/scifact-best.yaml}"
FITTED="${FITTED:-target/pipelines/scifact-best.fitted.yaml}"
MODEL="$NSEARCH_MODELS/bge-small-en-v1.5-noinstr-scifact"

if [ ! -d "$SCIFACT/qrels" ]; then
  echo "SciFact not found at $SCIFACT (set SCIFACT=<BEIR folder>)" >&2
  exit 1
fi
if ! grep -v '^[[:space:]]*#' "$PIPELINE" | grep -q 'bge-small-en-v1.5-noinstr-scifact'; then
  echo "== $PIPELINE trains nothing" >&2
elif [ "${RETRAIN:-0}" = 1 ] || [ ! -f "$MODEL/model.onnx" ]; then
  echo "== training $MODEL on $SCIFACT qrels/train.tsv (2 epochs, lr 5e-5, batch 16, 256 tokens)" >&2
  mkdir -p "$NSEARCH_MODELS"
  RESUME=()
  if [ "${RETRAIN:-0}" != 1 ] && [ -d "$MODEL.ckpt" ] && [ -n "$(ls -A "$MODEL.ckpt")" ]; then
    echo "== resuming from the checkpoint in $MODEL.ckpt (an interrupted run)" >&2
    RESUME=(--resume)
  else
    rm -rf "$MODEL.ckpt"
  fi
  rm -rf "$MODEL"
  ./nsearch train bi-encoder --model bge-small-en-v1.5-noinstr --beir "$SCIFACT" --split train \
    --epochs 2 --batch 16 --lr 5e-5 --max-length 256 --seed 42 --output "$MODEL" \
    --checkpoint-dir "$MODEL.ckpt" --checkpoint-every 20 --quiet ${RESUME[@]+"${RESUME[@]}"} >&2
  rm -rf "$MODEL.ckpt"
else
  echo "== $MODEL exists (RETRAIN=1 trains it again)" >&2
fi

echo "== evaluating the pipeline on $SCIFACT test" >&2
mkdir -p "$(dirname "$OUT")" "$(dirname "$FITTED")"
./nsearch eval --beir "$SCIFACT" --split test --pipeline "$PIPELINE" \
  --cache-dir "$CACHE_DIR" --json "$OUT" --fitted-pipeline "$FITTED" --quiet >&2
echo "== the fitted pipeline, for nsearch index/search --pipeline: $FITTED" >&2
cat "$OUT"
