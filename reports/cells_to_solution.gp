# cells_to_solution.gp -- ByteDMD to solution against T per cell (colour, marker) and init
# (solid line and filled marker: ortho; dashed and open: random): median and range over the
# solved seeds; every unsolved seed an open down-pointing triangle at the cost of its whole run (a lower bound of its cost to solution).
# Data: cells_to_solution.dat (per series: a solved block T median min max nsolved nruns, then an
# unsolved block T cost_of_run); variables: cells_to_solution_meta.gp (NP panels; BLK_p the
# solved block of each series, CELL_p, INI_p; shared axes).
load "cells_to_solution_meta.gp"
NAME = "cells_to_solution"; W = 660 * NP + 120; HT = 760
load "style.gp"
set multiplot layout 1, NP title "ByteDMD until solved, per cell and init"
set logscale xy
set xlabel "T (sequence length, timesteps)"
set ylabel "ByteDMD to solution (cost units, log scale)"
# the key under each panel (a panel of many series keeps its width)
set key below left horizontal font ",9" width -6
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
eval(axes(""))
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); CE = value(sprintf("CELL_%d", p)); I = value(sprintf("INI_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    # one style per series for the line, its markers and range bars, so that the key shows the dash type
    plot for [i = 1:words(B)] "cells_to_solution.dat" index wn(B, i) using 1:2:3:4 with yerrorlines \
             pt cellinitpt(word(CE, i), word(I, i)) ps 1 lw 1.5 dt initdt(word(I, i)) lc rgb cellcol(word(CE, i)) \
             title word(CE, i) . ", " . word(I, i) . ": median, range", \
         for [i = 1:words(B)] "" index (wn(B, i) + 1) using 1:2 with points pt 10 ps 1.3 lw 1.2 \
             lc rgb cellcol(word(CE, i)) notitle, \
         NaN with points pt 10 ps 1.3 lw 1.2 lc rgb "#555555" title "never solved: cost of the whole run"
}
unset multiplot
