#!/usr/bin/env bash
# Before/after figures of issue 17, two checkouts back to back on the same databases:
#   bench/before_after.sh /path/to/old-checkout /path/to/new-checkout [OUT_DIR]
# Each checkout needs its own .venv (pip install -e ".[test]" gunicorn waitress). The databases
# (scale_bench, national_bench, the SQLite province under /tmp/ir-bench) must be at the newer
# checkout's migration ("ir-app db upgrade"); the older code reads them unchanged.
# Run it on a quiet machine: the figures are worth what the machine's load lets them be.
set -u
BEFORE=$1 AFTER=$2 OUT=${3:-/tmp/ir-bench-figures}
mkdir -p "$OUT"
run() {
  local name=$1; shift
  echo "== $name $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$@" > "$OUT/$name.txt" 2>&1
  echo "   done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
}
NATION="--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/national_bench --province-code Q31 --communes 147 --incidents 8853"
PROVINCE="--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/scale_bench"
for target in "pg" "sqlite" "nation"; do
  for side in before after; do
    dir=$BEFORE; [ $side = after ] && dir=$AFTER
    case $target in
      pg) args="--only pg --seconds 6" ;;
      sqlite) args="--only sqlite --seconds 6" ;;
      nation) args="--only pg --seconds 6 $NATION" ;;
    esac
    (cd "$dir" && run "http_${target}_$side" env PYTHONPATH=. .venv/bin/python bench/bench_http.py $args)
  done
done
for side in before after; do
  dir=$BEFORE; [ $side = after ] && dir=$AFTER
  (cd "$dir" && run "profile_pg_$side" env PYTHONPATH=. .venv/bin/python bench/profile_pages.py $PROVINCE --repeat 10)
  (cd "$dir" && run "scheduler_pg_$side" env PYTHONPATH=. .venv/bin/python bench/bench_scheduler.py --only pg --no-smtp)
done
cd "$AFTER"
run profile_nation_after env PYTHONPATH=. .venv/bin/python bench/profile_pages.py --repeat 10 $NATION
run memory_pg_after env PYTHONPATH=. .venv/bin/python bench/worker_memory.py --times 3
run memory_sqlite_after env PYTHONPATH=. .venv/bin/python bench/worker_memory.py --sqlite --times 3
run bundle_after env PYTHONPATH=. .venv/bin/python bench/bench_documents.py --province-bundle $PROVINCE
run documents_after env PYTHONPATH=. .venv/bin/python bench/bench_documents.py -n 20
echo "== figures in $OUT"
