# depth.gp -- read-depth (reuse-distance) histograms of W_hh and h at three T.
# Data: depth.dat (per (region, T): depth_bytes reads); variables: depth_meta.gp.
load "depth_meta.gp"
NAME = "depth"; W = 1100; HT = 500
load "style.gp"
set multiplot layout 1, 2 title "How deep in the LRU stack each read finds its byte (" . SUB . ")" noenhanced
set logscale xy
set yrange [0.8:*]
set format x "2^{%L}"
set format y "10^{%L}"
set xlabel "read depth d (bytes; bucket 2^k <= d < 2^{k+1})"
set ylabel "reads in the bucket"
set key outside below center horizontal
eval(axes(""))
set style fill transparent solid 0.25
Tshade(i) = i == 1 ? "#9ecae1" : i == 2 ? "#4292c6" : "#08306b"
do for [r = 1:2] {
    B = value(r == 1 ? "BLK_W" : "BLK_h"); TT = value(r == 1 ? "TIT_W" : "TIT_h")
    set title (r == 1 ? "reads of W_{hh}" : "reads of the hidden states h")
    set logscale x 2
    if (words(B) > 0) {
        # one bar per non-empty bucket [2^k, 2^(k+1)), the T side by side inside it
        plot for [i = 1:words(B)] "depth.dat" index wn(B, i) using ($1 * 2 ** (0.25 + 0.25 * i)):2 with impulses lw 5 \
             lc rgb Tshade(i) title field(TT, i)
    }
}
unset multiplot
