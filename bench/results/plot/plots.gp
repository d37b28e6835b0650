set terminal pngcairo size 720,480 font ",10"
set grid
set key left top
set output 'bench/scaling-instructions.png'
set logscale xy
set title 'klp-convert: instructions by relocations'
set xlabel 'relocations'
set ylabel 'instructions'
plot 'bench/results/plot/grid-b1.dat' using 1:3 with linespoints title '1 build(s)', 'bench/results/plot/grid-b2.dat' using 1:3 with linespoints title '2 build(s)', 'bench/results/plot/grid-b4.dat' using 1:3 with linespoints title '4 build(s)', 'bench/results/plot/grid-b8.dat' using 1:3 with linespoints title '8 build(s)'
unset logscale
set output 'bench/scaling-wall.png'
set logscale xy
set title 'klp-convert: wall time (s) by relocations'
set xlabel 'relocations'
set ylabel 'wall time (s)'
plot 'bench/results/plot/grid-b1.dat' using 1:2 with linespoints title '1 build(s)', 'bench/results/plot/grid-b2.dat' using 1:2 with linespoints title '2 build(s)', 'bench/results/plot/grid-b4.dat' using 1:2 with linespoints title '4 build(s)', 'bench/results/plot/grid-b8.dat' using 1:2 with linespoints title '8 build(s)'
unset logscale
set output 'bench/scaling-rss.png'
set logscale xy
set title 'klp-convert: peak RSS (KB) by relocations'
set xlabel 'relocations'
set ylabel 'peak RSS (KB)'
plot 'bench/results/plot/grid-b1.dat' using 1:4 with linespoints title '1 build(s)', 'bench/results/plot/grid-b2.dat' using 1:4 with linespoints title '2 build(s)', 'bench/results/plot/grid-b4.dat' using 1:4 with linespoints title '4 build(s)', 'bench/results/plot/grid-b8.dat' using 1:4 with linespoints title '8 build(s)'
unset logscale
set output 'bench/size.png'
set title 'livepatch .ko size by declared builds (10,000 relocations)'
set xlabel 'builds'
set ylabel 'bytes'
plot 'bench/results/plot/size.dat' using 1:2 with linespoints title 'same relocations', 'bench/results/plot/size.dat' using 1:3 with linespoints title 'differing relocations'
set output 'bench/variants.png'
set logscale x 2
set title 'series: insmod of the target under a livepatch with N variants (median)'
set xlabel 'declared variants'
set ylabel 'ms'
set yrange [0:*]
plot 'bench/results/plot/variants.dat' using 1:2 with linespoints title 'keyed', 'bench/results/plot/variants.dat' using 1:3 with linespoints title 'builds'
unset logscale
set autoscale y
set output 'bench/resolve.png'
set style data histograms
set style fill solid 0.6
set title 'insmod of the target, 10,000 relocations (median ms)'
set xlabel ''
set ylabel 'ms'
set key left top
plot 'bench/results/plot/resolve.dat' using 2:xtic(1) title 'pristine 6.12', '' using 3 title 'series'
