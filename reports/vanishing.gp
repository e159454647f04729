# vanishing.gp -- ||dL/dh_t|| against t, ortho vs random, at three epochs.
# Data: vanishing.dat (one block per (init, epoch): t norm); variables: vanishing_meta.gp.
load "vanishing_meta.gp"
NAME = "vanishing"; W = NP > 1 ? 420 * NP + 80 : 760; HT = 540
load "style.gp"
set multiplot layout 1, NP title "Gradient reaching timestep t: ||dL/dh_t|| (loss at t = T)"
set logscale y
set format y "10^{%L}"
set xlabel "timestep t"
set ylabel "||dL/dh_t|| (log scale)"
set key outside below center horizontal maxcols 3
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); I = value(sprintf("INI_%d", p)); D = value(sprintf("DT_%d", p))
    TT = value(sprintf("TIT_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    plot for [i = 1:words(B)] "vanishing.dat" index wn(B, i) using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 \
         dt wn(D, i) lc rgb initcol(word(I, i)) title field(TT, i)
}
unset multiplot
