# depth.gp -- read-depth (reuse-distance) histograms of W_hh and h at three T.
# Data: depth.dat (per (region, T): depth_bytes reads); variables: depth_meta.gp.
load "depth_meta.gp"
NAME = "depth"; W = 1100; HT = 460
load "style.gp"
set multiplot layout 1, 2 title "How deep in the LRU stack each read finds its byte (" . SUB . ")" noenhanced
set logscale xy
set format x "2^{%L}"
set format y "10^{%L}"
set xlabel "read depth d (bytes; bucket 2^k <= d < 2^{k+1})"
set ylabel "reads in the bucket"
set key top left
set offsets graph 0.03, graph 0.03, graph 0.05, 0
set style fill transparent solid 0.25
Tshade(i) = i == 1 ? "#9ecae1" : i == 2 ? "#4292c6" : "#08306b"
do for [r = 1:2] {
    B = value(r == 1 ? "BLK_W" : "BLK_h"); TT = value(r == 1 ? "TIT_W" : "TIT_h")
    set title (r == 1 ? "reads of W_{hh}" : "reads of the hidden states h")
    set logscale x 2
    if (words(B) > 0) {
        plot for [i = 1:words(B)] "depth.dat" index wn(B, i) using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb Tshade(i) title field(TT, i)
    }
}
unset multiplot
