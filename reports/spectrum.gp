# spectrum.gp -- singular values of W_hh at init and after training, per init.
# Data: spectrum.dat (one block per init: k sv_init sv_final); variables: spectrum_meta.gp.
load "spectrum_meta.gp"
NAME = "spectrum"; W = 1100; HT = 450
load "style.gp"
set multiplot layout 1, 2 title "Singular values of W_{hh} (" . SUB . ")"
set logscale y
set xlabel "index k (largest first)"
set ylabel "singular value {/Symbol s}_k (log scale)"
set key bottom left
set yrange [*:*]
set title "at initialisation"
plot for [i = 1:words(INI)] "spectrum.dat" index (i - 1) using 1:2 with linespoints pt 7 ps 0.4 lw 1.5 \
     lc rgb initcol(word(INI, i)) title field(TIT, i), 1 with lines dt 2 lc rgb "#777777" title "{/Symbol s} = 1"
set title "after training"
plot for [i = 1:words(INI)] "spectrum.dat" index (i - 1) using 1:3 with linespoints pt 7 ps 0.4 lw 1.5 \
     lc rgb initcol(word(INI, i)) title field(TIT, i), 1 with lines dt 2 lc rgb "#777777" title "{/Symbol s} = 1"
unset multiplot
