#!/usr/bin/env bash
# The report page in a real browser: headless Chromium opens a copy of
# index.html (beside it, so relative links resolve the same) with a few lines
# of test-only script appended that record, after the load event, whether
# every <img> decoded (complete, naturalWidth > 0) and how many body rows each
# table has; --dump-dom prints them.  Every image must load, every table must
# have rows; a screenshot is saved as REPORTDIR/screenshot.png.
# Exit 77 (ctest: skipped) with the reason when Chromium is not installed.
# usage: report_browser.sh REPORTDIR   (written by report_page.sh)
set -u
dir=$1
. "$(dirname "$0")/../lib.sh"
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "SKIP: Chromium not installed (apt-get install chromium; scripts/setup tries it)"; exit 77; }
[ -s "$dir/index.html" ] || { echo "FAIL: no $dir/index.html (report_page must run first)"; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --virtual-time-budget=10000)
python3 - "$dir/index.html" "$dir/browser_check.html" <<'PY'
import sys
page = open(sys.argv[1]).read()
js = """<script>window.addEventListener("load", function () {
  var out = [], im = document.images, t = document.getElementsByTagName("table");
  for (var i = 0; i < im.length; i++)
    out.push("IMG " + (im[i].complete && im[i].naturalWidth > 0 ? "ok" : "broken") + " " + im[i].getAttribute("src"));
  for (var j = 0; j < t.length; j++) out.push("TABLE " + t[j].tBodies[0].rows.length);
  var p = document.createElement("pre"); p.id = "dmdprof-check"; p.textContent = out.join("\\n");
  document.body.appendChild(p);
});</script>"""
assert "</body>" in page
open(sys.argv[2], "w").write(page.replace("</body>", js + "</body>"))
PY
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$(cd "$dir" && pwd)/browser_check.html" >"$tmp/dom.html" 2>"$tmp/chromium.log"
rc=$?
[ $rc = 0 ] && ok || bad "chromium --dump-dom exit $rc: $(grep -v dbus "$tmp/chromium.log" | tail -2)"
sed -n '/<pre id="dmdprof-check">/,/<\/pre>/p' "$tmp/dom.html" | sed 's/<[^>]*>//g' >"$tmp/check.txt"
imgs=$(grep -c '^IMG ' "$tmp/check.txt")
broken=$(grep -c '^IMG broken' "$tmp/check.txt")
expect=$(grep -o '<img ' "$dir/index.html" | wc -l)
[ "$imgs" -gt 0 ] && [ "$imgs" = "$expect" ] && [ "$broken" = 0 ] && ok ||
  bad "images: $imgs seen of $expect in index.html, $broken broken: $(grep broken "$tmp/check.txt")"
tables=$(grep -c '^TABLE ' "$tmp/check.txt")
empty=$(grep -c '^TABLE 0$' "$tmp/check.txt")
[ "$tables" -gt 0 ] && [ "$tables" = "$(grep -o '<table>' "$dir/index.html" | wc -l)" ] && [ "$empty" = 0 ] && ok ||
  bad "tables: $tables seen, $empty without rows"
echo "browser: $imgs images loaded, $tables tables with rows"
rm -f "$dir/browser_check.html"
timeout 120 "$chromium" "${flags[@]}" --window-size=1300,2400 --screenshot="$(cd "$dir" && pwd)/screenshot.png" \
  "file://$(cd "$dir" && pwd)/index.html" >/dev/null 2>>"$tmp/chromium.log"
head -c 4 "$dir/screenshot.png" 2>/dev/null | grep -q PNG && ok || bad "no screenshot"
echo "screenshot: $dir/screenshot.png"
finish
