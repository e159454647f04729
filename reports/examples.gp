# examples.gp -- one generated input sequence per task (dmdprof example), as a heat map.
# Data: examples.dat (one block per task: t channel value); variables: examples_meta.gp.
load "examples_meta.gp"
NAME = "examples"; W = 1100; HT = 200 * NP + 80
load "style.gp"
set multiplot layout NP, 1 title "One example input per task (rows: input channels; colour: value)"
set palette defined (0 "#ffffff", 0.5 "#9ecae1", 1 "#08306b")
set cbrange [*:*]   # one-hot inputs span 0..1; multiplication's start/end markers are -1
set lmargin 12
set cblabel "input value"
set xlabel "timestep t"
set ylabel "input channel"
unset grid
do for [p = 1:NP] {
    set title value(sprintf("TITLE_%d", p)) noenhanced
    set yrange [-0.5:value(sprintf("NCH_%d", p)) - 0.5]
    set xrange [0.5:value(sprintf("TT_%d", p)) + 0.5]
    YT = value(sprintf("YT_%d", p))
    if (strlen(YT) > 0) { eval("set ytics (" . YT . ")") } else { set ytics 1 }
    plot "examples.dat" index (p - 1) using 1:2:3 with image notitle
}
unset multiplot
