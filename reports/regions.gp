# regions.gp -- share of each region of one step's ByteDMD cost against T, stacked.
# Data: regions.dat (T, five shares in percent, their running sums); variables: regions_meta.gp.
load "regions_meta.gp"
NAME = "regions"; W = 900; HT = 480
load "style.gp"
eval(axes(""))
set title "Where one training step's ByteDMD cost goes (" . SUB . ")" noenhanced
set xlabel "T (sequence length, timesteps)"
set ylabel "share of the step's ByteDMD cost (%)"
set yrange [0:100]
set logscale x
set key outside right top
set style fill solid 0.85 noborder
plot "regions.dat" using 1:(0):7 with filledcurves lc rgb "#3b75af" title "W_{hh} (recurrent weights)", \
     "" using 1:7:8 with filledcurves lc rgb "#9ecae1" title "h (hidden states)", \
     "" using 1:8:9 with filledcurves lc rgb "#e6550d" title "dW_{hh} (its gradient)", \
     "" using 1:9:10 with filledcurves lc rgb "#fdae6b" title "dh, dz (backward states)", \
     "" using 1:10:11 with filledcurves lc rgb "#bdbdbd" title "the rest", \
     "" using 1:7 with points pt 7 ps 0.5 lc rgb "#222222" notitle
