# to_solution.gp -- ByteDMD to solution against T, ortho vs random: median and range over
# seeds; unsolved runs as open triangles at the cost of their whole run (a lower bound).
# Data: to_solution.dat (per init: a solved block T median min max nsolved nruns, then an
# unsolved block T cost_of_run); variables: to_solution_meta.gp.
load "to_solution_meta.gp"
NAME = "to_solution"; W = 900; HT = 560
load "style.gp"
eval(axes(""))
set title "ByteDMD until solved (" . SUB . ")" noenhanced
set logscale xy
set xlabel "T (sequence length, timesteps)"
set ylabel "ByteDMD to solution (cost units, log scale)"
set key outside below left vertical maxrows 2
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
set autoscale yfix
plot for [i = 1:words(INI)] "to_solution.dat" index (2 * i - 2) using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lw 1.5 \
         lc rgb initcol(word(INI, i)) title word(INI, i) . ": median, range over solved seeds", \
     for [i = 1:words(INI)] "" index (2 * i - 2) using 1:2 with lines lw 2 lc rgb initcol(word(INI, i)) notitle, \
     for [i = 1:words(INI)] "" index (2 * i - 1) using 1:2 with points pt 8 ps 1.4 lw 1.5 \
         lc rgb initcol(word(INI, i)) title word(INI, i) . ": never solved (cost of the whole run)"
