#!/usr/bin/env bash
# Smoke run of Sésame's real window, under an X server such as Xvfb:
#
#   xvfb-run -a -s '-screen 0 1280x800x24' bash ui/testdata/smoke.sh BIN WORKDIR SHOTS
#
# For each language it creates a database with the command line (a company,
# its administrator and an employee, both with temporary passwords), opens
# the window, and drives it from the keyboard alone with xdotool: sign in
# with the temporary password, the enforced reset (a weak password first,
# to show the feedback), the account page, sign out; then "Forgot
# password?"; then the administrator's own reset and account. It saves
# screenshots of the window (ImageMagick's import) in SHOTS: signin-LANG,
# reset-LANG, reset-ready-LANG, account-LANG, signin-narrow-LANG,
# forgot-LANG and admin-LANG (.png), and prints "smoke: LANG ok" when both
# passwords are their owners' own at the end.
set -euo pipefail

bin=$1 work=$2 shots=$3
mkdir -p "$work" "$shots"
export LANG=en_US.UTF-8

good='violet tramway umbrella 1987'

# shot NAME: the window alone, cropped from the screen.
shot() {
	local geo
	geo=$(xdotool getwindowgeometry --shell "$wid")
	eval "$geo"
	import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$shots/$1.png"
}

# settle: let the window draw (and argon2 finish) before the next step.
settle() { sleep "${1:-1}"; }

for lang in en fr; do
	db=$work/sesame-$lang.db
	rm -f "$db"*
	admin=$("$bin" --db "$db" init --company "Acme" --admin "admin@acme.example" --name "Alice Admin" 2>/dev/null | tail -n 1)
	temp=$("$bin" --db "$db" users add "jeanne.martin@acme.example" --name "Jeanne Martin" 2>/dev/null | tail -n 1)

	"$bin" --db "$db" --lang "$lang" 2>"$work/window-$lang.log" &
	pid=$!
	wid=$(timeout 30 xdotool search --sync --name '^Sésame$' | head -n 1)
	xdotool windowsize --sync "$wid" 520 720 || true
	xdotool windowfocus --sync "$wid" || true
	settle 2

	# The e-mail field has the focus when the window opens.
	xdotool type --delay 20 "jeanne.martin@acme.example"
	xdotool key Tab
	xdotool type --delay 20 "$temp"
	settle
	shot "signin-$lang"
	xdotool key Return
	settle 2

	# The reset opens with the focus in the new password: a weak one first.
	xdotool type --delay 20 "jeanne 2026"
	settle
	shot "reset-$lang"
	xdotool key ctrl+a BackSpace
	xdotool type --delay 20 "$good"
	xdotool key Return
	xdotool type --delay 20 "$good"
	settle
	shot "reset-ready-$lang"
	xdotool key Return
	settle 2
	shot "account-$lang"

	# Sign out (Tab from Change password, Space), then the door, narrow.
	xdotool key Tab space
	settle
	xdotool windowsize --sync "$wid" 360 640 || true
	settle
	shot "signin-narrow-$lang"

	# Forgot password? is after Sign in: Tab, Tab, Tab from the e-mail.
	xdotool key Tab Tab Tab Return
	settle
	shot "forgot-$lang"
	xdotool key Escape
	settle
	xdotool windowsize --sync "$wid" 520 720 || true
	settle

	# The administrator's first sign-in: the same reset, then the account
	# with the place of the administration.
	xdotool type --delay 20 "admin@acme.example"
	xdotool key Tab
	xdotool type --delay 20 "$admin"
	xdotool key Return
	settle 2
	xdotool type --delay 20 "$good"
	xdotool key Return
	xdotool type --delay 20 "$good"
	xdotool key Return
	settle 2
	shot "admin-$lang"

	kill "$pid"
	wait "$pid" 2>/dev/null || true

	for who in jeanne.martin@acme.example admin@acme.example; do
		state=$("$bin" --db "$db" users show "$who" --json 2>/dev/null)
		case $state in
		*'"active"'*) ;;
		*) echo "smoke: $lang: the password of $who is not their own after the reset: $state" >&2; exit 1 ;;
		esac
	done
	echo "smoke: $lang ok"
done
