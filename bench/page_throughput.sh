#!/bin/sh
# Public page throughput (issue 10): gunicorn with 2 workers, DEBUG off, wrk from a second
# process; each page against the minimal view (/bench/minimal) on the same server.
#
#   GONGKAI_SQLITE_PATH=/tmp/perf.sqlite3 bench/page_throughput.sh cached   # REDIS_URL needed
#   GONGKAI_SQLITE_PATH=/tmp/perf.sqlite3 bench/page_throughput.sh uncached
#
# The database must hold the demonstration district (manage.py migrate && manage.py load_demo).
# Each line: wrk's requests a second, and the CPU time gunicorn's processes spent a request.
# Environment: PORT (18606), DURATION (10s), CONNECTIONS (8), DOCUMENT (a public document's id,
# default: the newest), PAGES (paths; default the minimal view, home, a document, catalogue,
# search), ENCODING (gzip: every request, the minimal view's too, sends Accept-Encoding: gzip;
# decision 0047).
set -eu
mode=${1:-cached}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/work/main/.venv/bin/python}
gunicorn=${GUNICORN:-$(dirname "$python")/gunicorn}
port=${PORT:-18606}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
encoding=${ENCODING:-}
case $encoding in
  '') accept="" ;;
  gzip) accept="Accept-Encoding: gzip" ;;
  *) echo "ENCODING: gzip or nothing" >&2; exit 2 ;;
esac

export GONGKAI_BENCH_VIEWS=1 DJANGO_DEBUG=0 GONGKAI_LOG_LEVEL=WARNING
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export GONGKAI_RATE_SEARCH=${GONGKAI_RATE_SEARCH:-1000000/60}  # the benchmark is one client
case $mode in
  cached) export GONGKAI_PAGE_CACHE=1 ;;
  uncached) export GONGKAI_PAGE_CACHE=0 ;;
  *) echo "usage: $0 cached|uncached" >&2; exit 2 ;;
esac

cd "$here"
document=${DOCUMENT:-$("$python" manage.py shell -v 0 -c \
  "from gongkai.catalogue.selectors.public import published_documents as p; print(p().order_by('-published_at').values_list('pk', flat=True).first())")}
pages=${PAGES:-"/bench/minimal / /documents/$document/ /catalogue/ /search/?q=%E5%85%AC%E5%BC%80"}

"$gunicorn" gongkai.wsgi:application --workers 2 --bind "127.0.0.1:$port" \
  --log-level warning >"${TMPDIR:-/tmp}/page_throughput.$port.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  curl -fso /dev/null "http://127.0.0.1:$port/bench/minimal" && break
  sleep 0.2
done

# The CPU time (clock ticks) of gunicorn's processes, the master and its workers: what the
# server spent, whatever else the machine runs (wall-time rates move with the machine's load).
ticks() {
  for pid in $server $(pgrep -P "$server"); do cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null
  done | awk '{ sum += $1 + $2 } END { print sum + 0 }'
}
hertz=$(getconf CLK_TCK)

echo "# $mode${encoding:+, $accept}, $(date -u +%Y-%m-%dT%H:%MZ)," \
  "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for page in $pages; do
  url="http://127.0.0.1:$port$page"
  for _ in 1 2 3; do curl -so /dev/null -H "$accept" "$url"; done  # warm up: workers, cache
  head=$(curl -s -D - -o /dev/null -H "$accept" "$url" | tr -d '\r')
  cache=$(echo "$head" | sed -n 's/^X-Cache: //p')
  bytes=$(echo "$head" | sed -n 's/^Content-Length: //p')
  coding=$(echo "$head" | sed -n 's/^Content-Encoding: //p')
  before=$(ticks)
  if [ -n "$accept" ]; then
    out=$(wrk -t1 -c"$connections" -d"$duration" -H "$accept" "$url")
  else
    out=$(wrk -t1 -c"$connections" -d"$duration" "$url")
  fi
  after=$(ticks)
  rate=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
  count=$(echo "$out" | sed -n 's/^ *\([0-9][0-9]*\) requests in.*/\1/p')
  cpu=$(awk -v t=$((after - before)) -v n="$count" -v hz="$hertz" \
    'BEGIN { if (n > 0) printf "%.0f", t / hz / n * 1e6 }')
  printf '%-40s %10s req/s %6s µs CPU a request %7s B %-4s %s\n' "$page" "$rate" "$cpu" \
    "$bytes" "$coding" "${cache:+X-Cache: $cache}"
done
