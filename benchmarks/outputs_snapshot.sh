#!/bin/bash
# What the bot says, saved for a byte-for-byte comparison across a refactor (issue 22 used it):
#   benchmarks/outputs_snapshot.sh /tmp/before      # on the old commit
#   benchmarks/outputs_snapshot.sh /tmp/after       # on the new one
#   diff -r /tmp/before /tmp/after                  # only the line naming the results file differs
# Saves `hoibao ask --json` over the seed's development questions, `hoibao eval` on the three question
# sets (news, zalo, mlqa, as `make eval` runs them) and `make bench-conversations`. Reads
# ../shared/data and the seed index in var/index (built first if missing). Several minutes on 2 cores.
set -euo pipefail
out=${1:?usage: benchmarks/outputs_snapshot.sh OUTDIR}
mkdir -p "$out"
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
hoibao() { .venv/bin/python -m bot "$@"; }   # this tree's code, whatever the venv was installed from
data=../shared/data
test -f var/index/current/manifest.json || hoibao index build --index-dir var/index >/dev/null
.venv/bin/python -c 'import json, sys; [print(json.loads(l)["q"]) for l in open(sys.argv[1], encoding="utf-8")]' \
  "$data/seed_dev_qa.jsonl" | while IFS= read -r q; do hoibao ask --json --index-dir var/index "$q"; done > "$out/ask.jsonl"
hoibao eval benchmarks/newsqa/newsqa_vi.json --cache-dir var/evalcache/news --other "$data/mlqa_vi_dev.json" \
  --given-article > "$out/eval_news.txt"
hoibao eval "$data/zalo_qa_vi.json" --cache-dir var/evalcache/zalo --other "$data/mlqa_vi_dev.json" > "$out/eval_zalo.txt"
hoibao eval "$data/mlqa_vi_dev.json" --cache-dir var/evalcache/mlqa --other "$data/zalo_qa_vi.json" > "$out/eval_mlqa.txt"
.venv/bin/python benchmarks/conversation_subject.py > "$out/conversations.txt"
cp benchmarks/results/conversation_subject.json "$out/"
