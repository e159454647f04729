# solve_rate.gp -- fraction of seeds that solved the task against T, per init.
# Data: solve_rate.dat (per (panel, init): T rate solved runs); variables: solve_rate_meta.gp.
load "solve_rate_meta.gp"
NAME = "solve_rate"; W = NP > 1 ? 480 * NP + 80 : 760; HT = 480
load "style.gp"
set multiplot layout 1, NP title "Solve rate over seeds against T (labels: solved/runs)"
set logscale x
set xlabel "T (sequence length, timesteps)"
set ylabel "fraction of seeds solved"
set yrange [-0.05:1.15]
set ytics 0, 0.25, 1
set key outside below center horizontal
set offsets graph 0.05, graph 0.08, 0, 0
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); I = value(sprintf("INI_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    eval(axes(sprintf("_%d", p)))
    plot for [i = 1:words(B)] "solve_rate.dat" index wn(B, i) using 1:2 with linespoints pt 7 ps 1 lw 2 \
         lc rgb initcol(word(I, i)) title word(I, i), \
         for [i = 1:words(B)] "" index wn(B, i) using 1:2:(sprintf("%d/%d", $3, $4)) with labels \
         offset 0, (i == 1 ? 0.9 : -0.9) font ",8" tc rgb initcol(word(I, i)) notitle
}
unset multiplot
