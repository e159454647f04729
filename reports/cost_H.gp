# cost_H.gp -- ByteDMD per training step against H at fixed T, log-log, one line per T,
# fitted exponent in the legend.  Data: cost_H.dat (one block per line: H cost);
# variables: cost_H_meta.gp.
load "cost_H_meta.gp"
NAME = "cost_H"; W = (NP > 1 ? 1200 : 700); HT = 440 * ((NP + 1) / 2) + 40
load "style.gp"
set multiplot layout (NP + 1) / 2, (NP > 1 ? 2 : 1) title "ByteDMD cost of one training step against the hidden size H"
set logscale xy
set xlabel "H (hidden units)"
set ylabel "ByteDMD per training step (cost units)"
set key top left
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set autoscale yfix
Tgrey(i) = i == 1 ? "#222222" : i == 2 ? "#666666" : i == 3 ? "#999999" : "#bbbbbb"
do for [p = 1:NP] {
    B = value(sprintf("BLK_%d", p)); CE = value(sprintf("CELL_%d", p)); TT = value(sprintf("TIT_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    eval(axes(sprintf("_%d", p)))
    FB = value(sprintf("FBLK_%d", p)); FT = value(sprintf("FTIT_%d", p))
    if (words(FB) > 0) {
        plot for [i = 1:words(B)] "cost_H.dat" index wn(B, i) using 1:2 with linespoints pt (4 + 2 * i) ps 1 lw 2 \
             dt celldt(word(CE, i)) lc rgb Tgrey(i) title field(TT, i), \
             for [i = 1:words(FB)] "cost_H.dat" index wn(FB, i) using 1:2 with lines lw 1.5 dt 2 \
             lc rgb Tgrey(i) title field(FT, i)
    } else {
        plot for [i = 1:words(B)] "cost_H.dat" index wn(B, i) using 1:2 with linespoints pt (4 + 2 * i) ps 1 lw 2 \
             dt celldt(word(CE, i)) lc rgb Tgrey(i) title field(TT, i)
    }
}
unset multiplot
