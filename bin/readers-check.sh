#!/usr/bin/env bash
# Issue 20's deployment, end to end with the real launcher: one `nsearch index` process writes a home and commits
# every 200 documents while other processes read the same home.
#   - `nsearch stats` and `nsearch search` run eight times during the ingest: every call succeeds and the document
#     count never goes back;
#   - an `nsearch serve` started mid-ingest reports a larger count later, without a restart, and the final count
#     once the writer is done.
#   bin/readers-check.sh [BEIR dir, default ../shared/data/scifact] [model, default all-minilm-l6-v2-q]
# Exits 0 when every check holds; skips (exit 0, with a message) when the data set is absent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/../shared/data/scifact}"
MODEL="${2:-all-minilm-l6-v2-q}"
CORPUS="$DATA/corpus.jsonl"
if [ ! -f "$CORPUS" ]; then
  echo "readers-check: skipped, no $CORPUS"
  exit 0
fi
NSEARCH="$ROOT/nsearch"
"$NSEARCH" --version >/dev/null # builds the command line once, before anything is timed

WORK=$(mktemp -d)
HOME_DIR="$WORK/home"
writer_pid="" serve_pid=""
cleanup() {
  for p in $serve_pid $writer_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "readers-check: FAIL: $*" >&2; exit 1; }
# "documents": N from a JSON object on stdin (no jq needed)
documents_of() { sed -n 's/.*"documents" *: *\([0-9][0-9]*\).*/\1/p' | head -n1; }

expected=$(grep -c '"_id"' "$CORPUS")
echo "== nsearch index $CORPUS ($expected documents, $MODEL, --commit-every 200)"
"$NSEARCH" index --home "$HOME_DIR" --model "$MODEL" --commit-every 200 --no-progress "$CORPUS" \
  >"$WORK/index.out" 2>"$WORK/index.err" &
writer_pid=$!

# wait for the first commit
for _ in $(seq 1 1200); do
  grep -q '^committed ' "$WORK/index.out" 2>/dev/null && break
  kill -0 "$writer_pid" 2>/dev/null || { cat "$WORK/index.err" >&2; fail "the writer ended before its first commit"; }
  sleep 0.25
done
grep -q '^committed ' "$WORK/index.out" || fail "no commit within 5 minutes"

echo "== nsearch serve started mid-ingest ($(grep -c '^committed ' "$WORK/index.out") commits so far)"
"$NSEARCH" serve --home "$HOME_DIR" --port 0 --refresh-every 0.5 >"$WORK/serve.out" 2>"$WORK/serve.err" &
serve_pid=$!
url=""
for _ in $(seq 1 600); do
  url=$(sed -n 's/^serving \(http[^ ]*\).*/\1/p' "$WORK/serve.out" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$WORK/serve.err" >&2; fail "serve ended at start"; }
  sleep 0.25
done
[ -n "$url" ] || fail "serve did not start"
served() { curl -fsS "${url}api/stats" | documents_of; }
served_first=$(served)
echo "serve at $url reports $served_first documents"

last=0
for i in 1 2 3 4 5 6 7 8; do
  stats=$("$NSEARCH" stats --home "$HOME_DIR" --json 2>"$WORK/stats.err") || { cat "$WORK/stats.err" >&2; fail "stats $i failed"; }
  n=$(echo "$stats" | documents_of)
  [ -n "$n" ] || fail "stats $i printed no document count: $stats"
  [ "$n" -ge "$last" ] || fail "stats $i: the count went back from $last to $n"
  last=$n
  hits=$("$NSEARCH" search --home "$HOME_DIR" "cerebral white matter development in newborns" --k 3 --json \
    2>"$WORK/search.err") || { cat "$WORK/search.err" >&2; fail "search $i failed"; }
  [ "$(echo "$hits" | grep -c .)" = 3 ] || fail "search $i did not return 3 hits: $hits"
  alive=no; kill -0 "$writer_pid" 2>/dev/null && alive=yes
  echo "read $i: stats $n documents, search 3 hits, writer still running: $alive"
done
kill -0 "$writer_pid" 2>/dev/null || echo "note: the writer finished during the reads (a fast machine); the reads still ran beside its commits"

served_later=$served_first
for _ in $(seq 1 1200); do
  served_later=$(served)
  [ "$served_later" -gt "$served_first" ] && break
  sleep 0.25
done
[ "$served_later" -gt "$served_first" ] || fail "serve stayed at $served_first documents"
echo "serve now reports $served_later documents (was $served_first), no restart"

wait "$writer_pid" || { cat "$WORK/index.err" >&2; fail "the writer failed"; }
writer_pid=""
final=$("$NSEARCH" stats --home "$HOME_DIR" --json | documents_of)
[ "$final" = "$expected" ] || fail "stats after the ingest: $final documents, expected $expected"
for _ in $(seq 1 120); do
  [ "$(served)" = "$expected" ] && break
  sleep 0.25
done
[ "$(served)" = "$expected" ] || fail "serve reports $(served) documents after the ingest, expected $expected"
echo "readers-check: OK ($expected documents; stats, search and serve followed $(grep -c '^committed ' "$WORK/index.out") commits)"
