# SPDX-License-Identifier: GPL-2.0
#
# ratios.gp - gnuplot script of scripts/bench-plot.sh: the ratio kslab/SLUB
# per measurement (below 1: kslab faster or smaller), wall and icount
# clocks side by side, cut at 2; time workloads in the top panel, memory
# (pages) in the bottom one. Variables: timedat, memdat, out, meta.
set terminal pngcairo size 2400,1400 font ",10"
set output out
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key outside top center horizontal
set xtics rotate by -60 nomirror
set yrange [0:2]
set multiplot layout 2,1 title "kslab / SLUB, median, same boot (".meta."); absolute ns under TCG mean nothing"
set title "time per operation (W1-W6); bars above 2 are cut at 2"
set ylabel "ratio kslab/SLUB (ns/op)"
plot timedat using 2:xtic(1) title "wall" lc rgb "#4477aa", \
     '' using 3 title "icount" lc rgb "#ee6677", \
     1 with lines lc rgb "black" dt 2 notitle
set title "memory: pages held for the same live objects (M; defrag: after each wave, kslab defragmented)"
set ylabel "ratio kslab/SLUB (pages)"
plot memdat using 2:xtic(1) title "wall" lc rgb "#4477aa", \
     '' using 3 title "icount" lc rgb "#ee6677", \
     1 with lines lc rgb "black" dt 2 notitle
unset multiplot
