# sched_T.gp -- ByteDMD (live) per training step against T, one line per BPTT schedule
# (points), with the floors (dashed: each schedule's OPT floor of its own event order in the
# schedule's colour, the order-independent floor in grey) when measure reports them; one
# panel per H.  Data: sched_T.dat (one block per line: T cost); variables: sched_T_meta.gp
# (written by scripts/sched-rank: SBLK_p/STIT_p schedules, FBLK_p/FTIT_p floors).
load "sched_T_meta.gp"
NAME = "sched_T"; W = (NP > 1 ? 1200 : 700); HT = 520 * ((NP + 1) / 2) + 40
load "style.gp"
set multiplot layout (NP + 1) / 2, (NP > 1 ? 2 : 1) title "ByteDMD (live) of one training step per BPTT schedule"
set logscale xy
set xlabel "T (sequence length, timesteps)"
set ylabel "ByteDMD per training step (cost units)"
set key below font ",8" maxrows 4 width -2
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set autoscale yfix
if (exists("XT")) eval("set xtics (" . XT . ")")
schedcol(s) = strstrt(s, "bptt") ? "#000000" : strstrt(s, "dwafter") ? "#1f77b4" : strstrt(s, "alt") ? "#2ca02c" : \
              strstrt(s, "fused") ? "#d62728" : strstrt(s, "ckpt") ? "#9467bd" : "#999999"
do for [p = 1:NP] {
    SB = value(sprintf("SBLK_%d", p)); ST = value(sprintf("STIT_%d", p))
    FB = value(sprintf("FBLK_%d", p)); FT = value(sprintf("FTIT_%d", p))
    set title value(sprintf("TITLE_%d", p)) noenhanced
    if (words(FB) > 0) {
        plot for [i = 1:words(SB)] "sched_T.dat" index wn(SB, i) using 1:2 with linespoints pt 7 ps 0.7 lw 2 \
                 lc rgb schedcol(field(ST, i)) title field(ST, i) noenhanced, \
             for [i = 1:words(FB)] "sched_T.dat" index wn(FB, i) using 1:2 with lines lw 1.5 dt 2 \
                 lc rgb schedcol(field(FT, i)) title field(FT, i) noenhanced
    } else {
        plot for [i = 1:words(SB)] "sched_T.dat" index wn(SB, i) using 1:2 with linespoints pt 7 ps 0.7 lw 2 \
                 lc rgb schedcol(field(ST, i)) title field(ST, i) noenhanced
    }
}
unset multiplot
