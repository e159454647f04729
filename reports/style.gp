# style.gp -- what every figure of the report shares (loaded by reports/<figure>.gp).
# Before loading: NAME (the figure's file name), W, HT (size in pixels);
# fmt = "png" (default) or "svg" may be given with gnuplot -e "fmt='svg'".
if (!exists("fmt")) fmt = "png"
if (fmt eq "svg") {
    set terminal svg size W, HT dynamic enhanced font "Sans,11" background "#ffffff"
} else {
    set terminal pngcairo size W, HT enhanced font "Sans,10" background "#ffffff"
}
set output NAME . "." . fmt
set datafile missing "NaN"
set grid lc rgb "#dddddd"
set border lc rgb "#444444"
set key noopaque samplen 2.5 spacing 1.1
# the x range ends at the data (not at the next decade); figures pad with set offsets
set autoscale xfix
# one colour per init, the same in every figure
initcol(s) = s eq "ortho" ? "#1f77b4" : s eq "random" ? "#d62728" : s eq "identity" ? "#2ca02c" : \
             s eq "identity+relu" ? "#9467bd" : "#7f7f7f"
# one colour per H (plasma-like, from small to large), the same in every figure
Hcol(h) = h <= 4 ? "#e0a000" : h <= 8 ? "#f48c3c" : h <= 16 ? "#e66b5b" : h <= 32 ? "#c6417d" : \
          h <= 64 ? "#8f1fa0" : h <= 128 ? "#4c02a1" : h <= 256 ? "#2a0f70" : "#000000"
# dash type per cell (model) and per epoch of the gradient figure
celldt(s) = s eq "vanilla" ? 1 : s eq "gru" ? 2 : s eq "lstm" ? 4 : 5
# one colour and one point type per cell, the same in every figure that compares cells
cellcol(s) = s eq "vanilla" ? "#444444" : s eq "gru" ? "#2ca02c" : s eq "lstm" ? "#ff7f0e" : "#7f7f7f"
cellpt(s) = s eq "vanilla" ? 7 : s eq "gru" ? 5 : s eq "lstm" ? 13 : 11
# the same marker filled for ortho (with or without a gate-bias suffix: "ortho+chrono"), open for the other
# inits (gnuplot: the open shape is pt - 1)
cellinitpt(c, i) = cellpt(c) - (strstrt(i, "ortho") == 1 ? 0 : 1)
# dash type per init where colour is taken by the cell: ortho solid, random dashed, a gate-bias suffix
# dotted (+chrono) or dash-dot (+gbX), a learning-rate suffix (+lrX) long dashes, anything else dash-dot-dot
initdt(s) = s eq "ortho" ? 1 : s eq "random" ? 2 : strstrt(s, "+lr") > 0 ? 4 : strstrt(s, "+chrono") > 0 ? 3 : \
            strstrt(s, "+gb") > 0 ? 5 : 6
# a whole word list as numbers: w(s, i)
wn(s, i) = word(s, i) + 0
# the i-th field of a "|"-separated list (titles may contain spaces)
field(s, i) = (i <= 1) ? (strstrt(s, "|") ? s[1:strstrt(s, "|") - 1] : s) : field(s[strstrt(s, "|") + 1:], i - 1)
# axis ranges and tics the report computed from the data (XR, XT, YR, YT; per panel with
# a suffix "_p"): axes(SUFFIX) applies those that exist
axes(sfx) = sprintf("%s%s%s%s", \
    exists("XR" . sfx) ? "set xrange " . value("XR" . sfx) . "; " : "", \
    exists("XT" . sfx) ? "set xtics (" . value("XT" . sfx) . "); " : "", \
    exists("YR" . sfx) ? "set yrange " . value("YR" . sfx) . "; " : "", \
    exists("YT" . sfx) ? "set ytics (" . value("YT" . sfx) . "); " : "")
