# cells_solve_rate.gp -- fraction of seeds that solved the task against T, per cell (colour,
# marker) and init (solid line and filled marker: ortho; dashed and open: random).  Data: cells_solve_rate.dat (per (panel, cell,
# init): T rate solved runs); variables: cells_solve_rate_meta.gp.
load "cells_solve_rate_meta.gp"
# one row of panels, two rows for four
NR = NP >= 4 ? 2 : 1; NC = (NP + NR - 1) / NR
NAME = "cells_solve_rate"; W = 480 * NC + 230 * NC; HT = 500 * NR
load "style.gp"
set multiplot layout NR, NC title "Solve rate over seeds against T, per cell and init"
set logscale x
set xlabel "T (sequence length, timesteps)"
set ylabel "fraction of seeds solved"
set yrange [-0.05:1.1]
set ytics 0, 0.25, 1
set key outside right top vertical font ",9"
set offsets graph 0.05, graph 0.08, 0, 0
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); CE = value(sprintf("CELL_%d", p)); I = value(sprintf("INI_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    eval(axes(sprintf("_%d", p)))
    plot for [i = 1:words(B)] "cells_solve_rate.dat" index wn(B, i) using 1:2 with linespoints \
         pt cellinitpt(word(CE, i), word(I, i)) ps 1.1 lw 2 dt initdt(word(I, i)) lc rgb cellcol(word(CE, i)) \
         title word(CE, i) . ", " . word(I, i)
}
unset multiplot
