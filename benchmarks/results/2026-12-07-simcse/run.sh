#!/usr/bin/env bash
# Issue 22 item 3: SimCSE on the SciFact corpus (unlabelled), with and without the supervised stage, all-MiniLM-L6-v2.
set -x
cd /work/main
S=../shared/data/scifact
M=/work/simcse
# 1. SimCSE only: 150 steps of 16 corpus texts (2,400 texts), 128 tokens, lr 3e-5
[ -f $M/minilm-simcse/model.onnx ] || ./nsearch train bi-encoder --model all-minilm-l6-v2 --beir $S --split train \
  --simcse $S/corpus.jsonl --simcse-steps 150 --max-steps 150 --batch 16 --lr 3e-5 --max-length 128 --seed 42 \
  --output $M/minilm-simcse --quiet
# 2. the supervised stage of the 2-epoch recipe, from the SimCSE model
[ -f $M/minilm-simcse-sup/model.onnx ] || ./nsearch train bi-encoder --model $M/minilm-simcse --beir $S --split train \
  --epochs 2 --batch 16 --lr 5e-5 --max-length 256 --seed 42 --output $M/minilm-simcse-sup --quiet
for m in minilm-simcse minilm-simcse-sup; do
  ./nsearch eval --beir $S --split test --model $M/$m --no-ann --cache-dir /work/eval-cache --json $M/$m-test.json --quiet
done
echo done $(date -u +%T)
