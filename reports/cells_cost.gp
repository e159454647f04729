# cells_cost.gp -- the cells side by side: ByteDMD per training step against T (at equal H, at
# equal parameter count) and against H and the parameter count at fixed T; log-log, one line per
# cell (colour, marker), fitted exponent in the legend.  Data: cells_cost.dat (one block per line:
# x cost); variables: cells_cost_meta.gp (NP panels; TITLE_p, XL_p, BLK_p, CELL_p, TIT_p, axes).
load "cells_cost_meta.gp"
NAME = "cells_cost"; W = (NP > 1 ? 1200 : 700); HT = 430 * ((NP + 1) / 2) + 40
load "style.gp"
set multiplot layout (NP + 1) / 2, (NP > 1 ? 2 : 1) title "ByteDMD cost of one training step per cell"
set logscale xy
set ylabel "ByteDMD per training step (cost units)"
set key top left
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set autoscale yfix
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); CE = value(sprintf("CELL_%d", p)); TT = value(sprintf("TIT_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    set xlabel value(sprintf("XL_%d", p))
    eval(axes(sprintf("_%d", p)))
    plot for [i = 1:words(B)] "cells_cost.dat" index wn(B, i) using 1:2 with linespoints pt cellpt(word(CE, i)) \
         ps 0.9 lw 2 lc rgb cellcol(word(CE, i)) title field(TT, i)
}
unset multiplot
