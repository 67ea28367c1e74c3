#!/usr/bin/env bash
# Smoke run of the import in Sésame's real window, under an X server such
# as Xvfb:
#
#   xvfb-run -a -s '-screen 0 1280x800x24' bash ui/testdata/smoke-import.sh BIN WORKDIR SHOTS FIXTURE
#
# For each language it creates a database with the command line (a
# company, its administrator with a password of their own, 2,000 generated
# users), opens the window with HOME in WORKDIR, where the file FIXTURE
# waits, signs in, opens Administration → Users → Import…, chooses the file
# in the system's dialog (with the mouse: the dialog has no field for a
# path), selects a row with an error, confirms, and saves the hand-out as
# PDF through the save dialog. It saves screenshots (import-LANG,
# import-preview-LANG, import-confirm-LANG, import-result-LANG) in SHOTS and
# prints "smoke: import LANG ok" when the users of the file are in the
# database and the hand-out is a PDF readable by its owner only that holds
# their logins.
set -euo pipefail

slow=${SMOKE_SLOW:-1}
bin=$1 work=$2 shots=$3 fixture=$4
mkdir -p "$work" "$shots"
export LANG=en_US.UTF-8
good='violet tramway umbrella 1987'

shot() {
	local geo
	geo=$(xdotool getwindowgeometry --shell "$wid")
	eval "$geo"
	import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$shots/$1.png"
}
settle() { sleep $((${1:-1} * slow)); }
# click X Y: a click at a point of the window.
click() {
	local geo
	geo=$(xdotool getwindowgeometry --shell "$wid")
	eval "$geo"
	xdotool mousemove --sync $((X + $1)) $((Y + $2))
	sleep 0.3
	xdotool click 1
}

for lang in en fr; do
	db=$work/sesame-$lang.db home=$work/home-$lang
	rm -rf "$db"* "$home"
	mkdir -p "$home"
	cp "$fixture" "$home/"
	temp=$("$bin" --db "$db" init --company "Acme" --admin "admin@acme.example" --name "Alice Admin" 2>/dev/null | tail -n 1)
	printf '%s\n%s\n%s\n' "$temp" "$good" "$good" | "$bin" --db "$db" passwd admin@acme.example >/dev/null 2>&1
	"$bin" --db "$db" dev generate 2000 >/dev/null 2>&1

	log=$work/window-$lang.log
	HOME=$home "$bin" --db "$db" --lang "$lang" 2>"$log" &
	pid=$!
	trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT
	wid=$(timeout 30 xdotool search --sync --name '^Sésame$' | head -n 1)
	xdotool windowsize --sync "$wid" 1100 720 || true
	xdotool windowfocus --sync "$wid" || true
	settle 2
	xdotool type --delay $((20 * slow)) "admin@acme.example"
	xdotool key Tab
	xdotool type --delay $((20 * slow)) "$good"
	xdotool key Return
	settle 3
	# The search box has the focus; Import… is next.
	xdotool key Tab Return
	settle
	shot "import-$lang"
	# Choose a file… has the focus: the dialog opens in HOME.
	xdotool key Return
	settle 2
	click 445 200 # the file
	settle
	click 914 637 # Open
	settle 3
	click 850 540 # a row of the preview
	settle
	shot "import-preview-$lang"
	click 652 693 # Import, then the question
	settle
	shot "import-confirm-$lang"
	xdotool key Tab Return # the question's Import
	settle 5
	shot "import-result-$lang"
	# Save the hand-out as PDF… has the focus; the dialog proposes a name.
	xdotool key Return
	settle 2
	xdotool key Return
	settle 2
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	if grep -q "DATA RACE" "$log"; then
		cat "$log" >&2
		echo "smoke: import $lang: the window reported a data race" >&2
		exit 1
	fi
	"$bin" --db "$db" users show elodie.garnier@acme.example >/dev/null 2>&1 || {
		echo "smoke: import $lang: the file's users were not imported" >&2
		exit 1
	}
	pdf=$(ls "$home"/*.pdf 2>/dev/null | head -n 1)
	if [ -z "$pdf" ] || [ "$(stat -c %a "$pdf")" != 600 ] || [[ "$(pdftotext "$pdf" - 2>/dev/null || true)" != *elodie.garnier@acme.example* ]]; then
		echo "smoke: import $lang: no hand-out PDF, readable by its owner only, with the logins: ${pdf:-none}" >&2
		ls -l "$home" >&2
		exit 1
	fi
	echo "smoke: import $lang ok"
done
