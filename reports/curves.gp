# curves.gp -- training curves per task, ortho vs random (the seed's headline figure).
# Data: curves.dat (one block per run: epoch loss metric); variables: curves_meta.gp.
# Redraw: gnuplot curves.gp   (gnuplot -e "fmt='svg'" curves.gp for SVG)
load "curves_meta.gp"
NAME = "curves"; W = NP > 1 ? 420 * NP + 80 : 820; HT = 720
load "style.gp"
set multiplot layout 2, NP title "Training curves: orthogonal vs random W_{hh} (thin lines: seeds; dashed verticals: solved epoch)"
set xlabel "epoch"
set key outside top center horizontal
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); I = value(sprintf("INI_%d", p)); TT = value(sprintf("TIT_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    set logscale y
    set format y "10^{%L}"
    set ylabel "training loss (log scale)"
    set xrange [1:value(sprintf("EMAX_%d", p))]
    plot for [i = 1:words(B)] "curves.dat" index wn(B, i) using 1:2 with lines lw 1.3 lc rgb initcol(word(I, i)) \
         title (word(TT, i) eq "-" ? "" : word(TT, i))
}
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); I = value(sprintf("INI_%d", p)); S = value(sprintf("SOL_%d", p))
    M = value(sprintf("METRIC_%d", p)); C = value(sprintf("CHANCE_%d", p)); TH = value(sprintf("THR_%d", p))
    LOWER = value(sprintf("LOWER_%d", p))
    unset logscale y
    set format y "%g"
    set title ""
    set ylabel (LOWER ? M . " (lower is better)" : M . " (higher is better)") noenhanced
    if (LOWER) { set yrange [0:*] } else { set yrange [0:1.05] }
    unset arrow
    do for [i = 1:words(S)] {
        if (word(S, i) ne "NaN") {
            set arrow from wn(S, i), graph 0 to wn(S, i), graph 1 nohead dt 2 lw 1 lc rgb initcol(word(I, i))
        }
    }
    plot for [i = 1:words(B)] "curves.dat" index wn(B, i) using 1:3 with lines lw 1.3 lc rgb initcol(word(I, i)) notitle, \
         C with lines dt 2 lw 1.5 lc rgb "#777777" title "chance", \
         TH with lines dt 3 lw 1.5 lc rgb "#333333" title "solve threshold"
    set yrange [*:*]
    unset arrow
}
unset multiplot
