# ADD latency against the number of pods already attached (bench.sh passes outfile, datafile).
set terminal pngcairo size 900,540 font ",11"
set output outfile
set title "ADD latency (median) with pods already attached: osvif and its baselines"
set xlabel "existing pods"
set ylabel "ADD wall time, median (ms)"
set key top left
set grid
set yrange [0:*]
plot for [col=2:*] datafile using 1:col with linespoints lw 2 pt 7 title columnheader(col)
