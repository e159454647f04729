# cells_regions.gp -- per cell, the share of each region class of one step's ByteDMD cost against
# T, stacked.  Data: cells_regions.dat (one block per cell: T, seven shares in percent, their
# running sums); variables: cells_regions_meta.gp (NP panels, CELL_p, axes, SUB).
load "cells_regions_meta.gp"
NAME = "cells_regions"; W = 420 * NP + 260; HT = 500
load "style.gp"
# equal panels; the key to their right, outside every panel
set multiplot layout 1, NP margins 0.05, 0.80, 0.12, 0.88 spacing 0.06 \
    title "Where one training step's ByteDMD cost goes, per cell (" . SUB . ")" noenhanced
set ylabel "share of the step's ByteDMD cost (%)"
set xlabel "T (sequence length, timesteps)"
set yrange [0:100]
set logscale x
set style fill solid 0.85 noborder
do for [p = 1:NP] {
    set title value(sprintf("CELL_%d", p)) noenhanced
    eval(axes(sprintf("_%d", p)))
    if (p == NP) { set key at screen 0.995, screen 0.86 right top vertical } else { unset key }
    plot "cells_regions.dat" index (p - 1) using 1:(0):9 with filledcurves lc rgb "#3b75af" title "recurrent matrices (all gates)", \
         "" index (p - 1) using 1:9:10 with filledcurves lc rgb "#e6550d" title "their gradients", \
         "" index (p - 1) using 1:10:11 with filledcurves lc rgb "#9ecae1" title "h (hidden states)", \
         "" index (p - 1) using 1:11:12 with filledcurves lc rgb "#31a354" title "c (LSTM cell state)", \
         "" index (p - 1) using 1:12:13 with filledcurves lc rgb "#c7e9c0" title "gate activations", \
         "" index (p - 1) using 1:13:14 with filledcurves lc rgb "#fdae6b" title "backward states (dh, dz, ...)", \
         "" index (p - 1) using 1:14:15 with filledcurves lc rgb "#bdbdbd" title "the rest", \
         "" index (p - 1) using 1:9 with points pt 7 ps 0.5 lc rgb "#222222" notitle
}
unset multiplot
