# arms.gp -- the open-question arms: ByteDMD to solution per arm, one panel per experiment.
# Data: arms.dat (per panel: a solved block "arm median min max", then an unsolved block
# "arm cost_of_whole_run" with one row per seed that never solved); variables: arms_meta.gp
# (NP panels; TITLE_p, YT_p arm labels, YR_p; the shared x range XR/XT; HT the height; MODEL the
# ByteDMD model(s) of the arms' costs).
load "arms_meta.gp"
NAME = "arms"; W = 1100
load "style.gp"
set multiplot layout NP, 1 title sprintf("ByteDMD until solved, per arm (%s model)", MODEL) noenhanced
set logscale x
set lmargin 44
set key at screen 0.99, screen 0.995 right top vertical font ",9"
do for [p = 1:NP] {
    set title value(sprintf("TITLE_%d", p)) noenhanced
    eval(axes(""))
    eval("set ytics (" . value(sprintf("YT_%d", p)) . ")")
    eval("set yrange " . value(sprintf("YR_%d", p)))
    set ytics noenhanced font ",9"
    if (p == NP) { set xlabel "ByteDMD to solution (cost units, log scale)" } else { unset xlabel }
    plot "arms.dat" index (2 * p - 2) using 2:1:3:4 with xerrorbars pt 7 ps 1.1 lw 1.5 lc rgb "#1f77b4" \
             title (p == NP ? "median, range over solved seeds" : ""), \
         "" index (2 * p - 1) using 2:1 with points pt 8 ps 1.2 lw 1.2 lc rgb "#d62728" \
             title (p == NP ? "a seed that never solved (cost of its whole run)" : "")
}
unset multiplot
