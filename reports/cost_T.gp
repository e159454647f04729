# cost_T.gp -- ByteDMD per training step against T, log-log, one line per H (colour) and cell
# (dashes), fitted exponent in the legend; thin dashed: the order-independent floor (FBLK_p).  Data: cost_T.dat (one block per line: T cost);
# variables: cost_T_meta.gp.
load "cost_T_meta.gp"
NAME = "cost_T"; W = (NP > 1 ? 1200 : 700); HT = 440 * ((NP + 1) / 2) + 40
load "style.gp"
set multiplot layout (NP + 1) / 2, (NP > 1 ? 2 : 1) title "ByteDMD cost of one training step against sequence length T"
set logscale xy
set xlabel "T (sequence length, timesteps)"
set ylabel "ByteDMD per training step (cost units)"
set key top left
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set autoscale yfix
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); C = value(sprintf("COL_%d", p)); CE = value(sprintf("CELL_%d", p))
    TT = value(sprintf("TIT_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    eval(axes(sprintf("_%d", p)))
    FB = value(sprintf("FBLK_%d", p)); FC = value(sprintf("FCOL_%d", p)); FT = value(sprintf("FTIT_%d", p))
    if (words(FB) > 0) {
        plot for [i = 1:words(B)] "cost_T.dat" index wn(B, i) using 1:2 with linespoints pt 7 ps 0.7 lw 2 \
             dt celldt(word(CE, i)) lc rgb Hcol(wn(C, i)) title field(TT, i), \
             for [i = 1:words(FB)] "cost_T.dat" index wn(FB, i) using 1:2 with lines lw 1.5 dt 2 \
             lc rgb Hcol(wn(FC, i)) title field(FT, i)
    } else {
        plot for [i = 1:words(B)] "cost_T.dat" index wn(B, i) using 1:2 with linespoints pt 7 ps 0.7 lw 2 \
             dt celldt(word(CE, i)) lc rgb Hcol(wn(C, i)) title field(TT, i)
    }
}
unset multiplot
