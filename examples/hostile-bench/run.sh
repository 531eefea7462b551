#!/usr/bin/env bash
# Time and peak memory of `byline annotate` on hostile articles of growing size.
#
#   cargo build --release -p byline-cli
#   bash examples/hostile-bench/run.sh [BINARY] [SIZE ...]
#
# Prints kind, bytes, seconds and peak RSS (MB) per article. Linear stages show time and
# memory growing in step with the size (apart from ~57 MB of model at start). Articles
# over 2 MiB go to the dead letters (max_article_bytes) rather than being annotated.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$here/../../target}/release/byline}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen.py" "$work" "$@"
printf "%-16s %10s %8s %8s\n" kind bytes seconds peak_MB
for file in "$work"/*.jsonl; do
  name=$(basename "$file" .jsonl)
  /usr/bin/time -f "%e %M" -o "$work/time" \
    timeout 300 "$bin" -q annotate --data-dir "$work/state" "$file" > /dev/null || true
  read -r seconds kb < <(tail -n 1 "$work/time") || true
  printf "%-16s %10d %8s %8d\n" "${name%-*}" "$(stat -c %s "$file")" "$seconds" $((kb / 1024))
done
