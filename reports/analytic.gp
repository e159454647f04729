# analytic.gp -- measured W_hh and hidden-state costs against the closed-form estimates.
# Data: analytic.dat (T Whh_measured Whh_estimate h_measured h_estimate); variables: analytic_meta.gp.
load "analytic_meta.gp"
NAME = "analytic"; W = 900; HT = 480
load "style.gp"
eval(axes(""))
set title "Measured ByteDMD vs the analytic model (" . SUB . ")" noenhanced
set logscale xy
set xlabel "T (sequence length, timesteps)"
set ylabel "ByteDMD cost of the region's reads (cost units)"
set key top left
set offsets graph 0.04, graph 0.04, graph 0.1, graph 0.04
plot "analytic.dat" using 1:3 with lines lw 2 lc rgb "#3b75af" title "W_{hh}: analytic estimate", \
     "" using 1:2 with points pt 7 ps 1.2 lc rgb "#3b75af" title "W_{hh}: measured", \
     "" using 1:5 with lines lw 2 lc rgb "#e6550d" title "h: analytic estimate", \
     "" using 1:4 with points pt 5 ps 1.2 lc rgb "#e6550d" title "h: measured"
