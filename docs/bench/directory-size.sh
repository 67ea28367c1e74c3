#!/usr/bin/env bash
# What a directory's size costs the real binary, side by side in one run:
# "users add" (the whole process) and opening the window up to the sign-in
# screen, on a directory of 1,000 users and on one of 1,000,000, in time and
# in resident memory. Run it under an X server:
#
#   xvfb-run -a -s '-screen 0 1280x800x24' bash docs/bench/directory-size.sh bin/sesame WORKDIR [ROUNDS]
#
# The directories are made once in WORKDIR with the command line (init, then
# dev generate) and kept for the next run. Each round runs every case once,
# small and large in turn, so that the machine's noise falls on both alike;
# the medians are printed as a Markdown table.
#
# The window is the real binary under Xvfb: its time runs from the start of
# the process to the window on screen (xdotool sees it; the window is shown
# with the sign-in screen as its content), then one second is left for it
# to draw before its resident memory (VmRSS, and the peak VmHWM) is read
# from /proc. Pages of the memory-mapped database that were touched count
# as resident. Processor time (user and system) is given beside the elapsed
# time: on a busy machine it varies less.
set -euo pipefail

bin=$(realpath "$1") work=$2 rounds=${3:-7}
mkdir -p "$work"
export LANG=en_US.UTF-8

# directory N: the database of N users (an administrator and N-1 generated).
directory() {
	local n=$1 db=$work/directory-$1.db
	if [[ ! -s $db ]]; then
		rm -f "$db" "$db-wal" "$db-shm"
		"$bin" --db "$db" init --company Acme --admin admin@acme.example --name "Alice Admin" >/dev/null 2>&1
		"$bin" --db "$db" dev generate $((n - 1)) >/dev/null 2>&1
	fi
	echo "$db"
}

# add DB I: "users add" of a new user; prints seconds (elapsed, and of
# processor), and KiB of peak RSS.
add() {
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" --db "$1" users add "bench.$2.$RANDOM@acme.example" --name "Bench User $2" >/dev/null 2>&1
	awk '{print $1, $2 + $3, $4}' "$work/time"
}

# window DB: the window up to the sign-in screen; prints seconds (elapsed,
# and of processor), KiB of RSS and KiB of peak RSS; nothing if the window
# did not open within a minute.
window() {
	local start pid wid= shown cpu rss hwm
	start=$(date +%s.%N)
	"$bin" --db "$1" 2>/dev/null &
	pid=$!
	for _ in $(seq 1 6000); do
		wid=$(xdotool search --pid "$pid" --name '^Sésame$' 2>/dev/null | head -n 1 || true)
		[[ -n $wid ]] && break
		sleep 0.01
	done
	shown=$(date +%s.%N)
	cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat")
	if [[ -n $wid ]]; then
		sleep 1
		rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
		hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
		echo "$(echo "$shown - $start" | bc) $cpu $rss $hwm"
	else
		echo "the window did not open" >&2
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

small=$(directory 1000)
large=$(directory 1000000)
: >"$work/results"
for i in $(seq 1 "$rounds"); do
	for size in 1000 1000000; do
		db=$small
		[[ $size == 1000000 ]] && db=$large
		echo "add $size $(add "$db" "$i")" >>"$work/results"
		w=$(window "$db")
		[[ -n $w ]] && echo "window $size $w" >>"$work/results"
	done
done

col() { awk -v c="$1" -v s="$2" -v k="$3" '$1 == c && $2 == s {print $k}' "$work/results" | median; }
echo "| case | 1,000 users | 1,000,000 users | ratio |"
echo "| --- | --- | --- | --- |"
row() {
	local a b
	a=$(col "$1" 1000 "$3") b=$(col "$1" 1000000 "$3")
	printf '| %s | %s %s | %s %s | %.2f× |\n' "$2" "$(fmt "$a" "$4")" "$4" "$(fmt "$b" "$4")" "$4" "$(echo "$b / $a" | bc -l)"
}
fmt() { if [[ $2 == MiB ]]; then echo "scale=1; $1 / 1024" | bc; else echo "scale=0; $1 * 1000 / 1" | bc; fi; }
row add "users add: time" 3 ms
row add "users add: processor time" 4 ms
row add "users add: peak resident memory" 5 MiB
row window "window to the sign-in screen: time" 3 ms
row window "window to the sign-in screen: processor time" 4 ms
row window "window at the sign-in screen: resident memory" 5 MiB
row window "window at the sign-in screen: peak resident memory" 6 MiB
echo
echo "$rounds rounds, medians; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)."
