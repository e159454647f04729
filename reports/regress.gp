# regress.gp -- the regression history: each recorded figure relative to its first value.
# Data: regress.dat (per figure: days value relative); variables: regress_meta.gp.
load "regress_meta.gp"
NAME = "regress"; W = 1000; HT = 560
load "style.gp"
set title "Regression history (each figure / its first recorded value)"
set xlabel "recorded run (in order): commit"
eval(axes(""))
set xtics rotate by -30
set ylabel "value relative to the first record"
set key outside below left vertical noenhanced
plot for [i = 1:N] "regress.dat" index (i - 1) using 1:3 with linespoints pt 7 lw 1.5 title field(NAMES, i)
