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
# as resident.
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

# add DB I: "users add" of a new user; prints seconds and KiB of peak RSS.
add() {
	/usr/bin/time -f '%e %M' -o "$work/time" "$bin" --db "$1" users add "bench.$2.$RANDOM@acme.example" --name "Bench User $2" >/dev/null 2>&1
	cat "$work/time"
}

# window DB: the window up to the sign-in screen; prints seconds, KiB of
# RSS and KiB of peak RSS.
window() {
	local start pid wid=
	start=$(date +%s.%N)
	"$bin" --db "$1" 2>/dev/null &
	pid=$!
	for _ in $(seq 1 2000); do
		wid=$(xdotool search --pid "$pid" --name '^Sésame$' 2>/dev/null | head -n 1 || true)
		[[ -n $wid ]] && break
		sleep 0.01
	done
	local shown
	shown=$(date +%s.%N)
	[[ -n $wid ]] || { echo "the window did not open" >&2; kill "$pid"; exit 1; }
	sleep 1
	local rss hwm
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	echo "$(echo "$shown - $start" | bc) $rss $hwm"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

small=$(directory 1000)
large=$(directory 1000000)
: >"$work/results"
for i in $(seq 1 "$rounds"); do
	for size in 1000 1000000; do
		db=$small
		[[ $size == 1000000 ]] && db=$large
		read -r t m <<<"$(add "$db" "$i")"
		echo "add $size $t $m" >>"$work/results"
		read -r t r h <<<"$(window "$db")"
		echo "window $size $t $r $h" >>"$work/results"
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
row add "users add: peak resident memory" 4 MiB
row window "window to the sign-in screen: time" 3 ms
row window "window at the sign-in screen: resident memory" 4 MiB
row window "window at the sign-in screen: peak resident memory" 5 MiB
echo
echo "$rounds rounds, medians; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)."
