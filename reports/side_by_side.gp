# side_by_side.gp -- ByteDMD next to Callgrind's simulated D1/LL misses (and PAPI's, where
# counted) across T.  Data: side_by_side.dat (T bytedmd D1 LL Ir papiL1 papiL2 papiL3);
# variables: side_by_side_meta.gp (PAPI = 1 when PAPI columns have values).
load "side_by_side_meta.gp"
NAME = "side_by_side"; W = 1200; HT = 480
load "style.gp"
eval(axes(""))
set multiplot layout 1, 2 title "One training step: ByteDMD vs cache misses across T"
set logscale xy
set xlabel "T (sequence length, timesteps)"
set key top left
set ylabel "ByteDMD per step (cost units)"
set y2label "misses per step"
set logscale y2
set format y2 "10^{%L}"
set ytics nomirror
set y2tics
PAPIPLOT = PAPI ? ', "" using 1:6 axes x1y2 with linespoints dt 2 lw 1.5 pt 4 lc rgb "#2ca02c" title "PAPI L1 misses (right)", "" using 1:8 axes x1y2 with linespoints dt 2 lw 1.5 pt 8 lc rgb "#8c564b" title "PAPI L3 misses (right)"' : ""
plot "side_by_side.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#000000" title "ByteDMD (left axis)", \
     "" using 1:3 axes x1y2 with linespoints lw 1.5 pt 5 lc rgb "#2ca02c" title "Callgrind D1 misses (right)", \
     "" using 1:4 axes x1y2 with linespoints lw 1.5 pt 9 lc rgb "#8c564b" title "Callgrind LL misses (right)" @PAPIPLOT
unset y2label
unset y2tics
unset logscale y2
set ytics mirror
set ylabel "relative to the smallest T"
set yrange [*:*]
set ytics auto
set format y "%g"
stats "side_by_side.dat" using 2 nooutput name "C"
stats "side_by_side.dat" using 3 nooutput name "D"
stats "side_by_side.dat" using 4 nooutput name "L"
stats "side_by_side.dat" using 1 nooutput name "T"
plot "side_by_side.dat" using 1:($2 / C_min) with linespoints lw 2 pt 7 lc rgb "#000000" title "ByteDMD", \
     "" using 1:($3 / D_min) with linespoints lw 1.5 pt 5 lc rgb "#2ca02c" title "D1 misses", \
     "" using 1:($4 / L_min) with linespoints lw 1.5 pt 9 lc rgb "#8c564b" title "LL misses", \
     "" using 1:($1 / T_min) with lines dt 2 lc rgb "#777777" title "proportional to T"
unset multiplot
