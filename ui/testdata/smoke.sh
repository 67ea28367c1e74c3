#!/usr/bin/env bash
# Smoke run of Sésame's real window, under an X server such as Xvfb:
#
#   xvfb-run -a -s '-screen 0 1280x800x24' bash ui/testdata/smoke.sh BIN WORKDIR SHOTS
#
# For each language it creates a database with the command line (a company,
# its administrator and an employee, both with temporary passwords), opens
# the window, and drives it from the keyboard alone with xdotool: sign in
# with the temporary password, the enforced reset (a weak password first,
# to show the feedback), the account page, Sign out at the top; then
# "Forgot password?"; then the administrator's own reset and the
# administration, on a directory of 100,000 generated users: a search in
# the table of users, Ctrl+End to the last user by name (checked against
# the command line's list), Jeanne's card where a new password is generated,
# shown, copied (through the real clipboard) and saved with Update, the
# card and the table at 360 px (the sections then a list), the settings,
# the audit log and the e-mails. It saves screenshots of the window
# (ImageMagick's import) in SHOTS: signin-LANG, reset-LANG,
# reset-ready-LANG, account-LANG, signin-narrow-LANG, forgot-LANG,
# admin-LANG, admin-users-LANG, admin-users-end-LANG, admin-card-LANG, admin-card-narrow-LANG,
# admin-narrow-LANG, admin-settings-LANG, admin-audit-LANG and
# admin-mail-LANG (.png), and prints "smoke: LANG ok" when, at the end,
# the administrator's password is their own, Jeanne signs in with the
# password copied from her card, which she must change, and the window
# (a binary built with -race) reported no data race.
set -euo pipefail

# SMOKE_SLOW stretches every wait and keystroke: a binary built with -race
# runs several times slower, and keys typed faster than it reads them are lost.
slow=${SMOKE_SLOW:-1}

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
settle() { sleep $((${1:-1} * slow)); }

for lang in en fr; do
	db=$work/sesame-$lang.db
	rm -f "$db"*
	admin=$("$bin" --db "$db" init --company "Acme" --admin "admin@acme.example" --name "Alice Admin" 2>/dev/null | tail -n 1)
	temp=$("$bin" --db "$db" users add "jeanne.martin@acme.example" --name "Jeanne Martin" 2>/dev/null | tail -n 1)

	log=$work/window-$lang.log
	"$bin" --db "$db" --lang "$lang" 2>"$log" &
	pid=$!
	trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT
	wid=$(timeout 30 xdotool search --sync --name '^Sésame$' | head -n 1)
	xdotool windowsize --sync "$wid" 520 720 || true
	xdotool windowfocus --sync "$wid" || true
	settle 2

	# The e-mail field has the focus when the window opens.
	xdotool type --delay $((20 * slow)) "jeanne.martin@acme.example"
	xdotool key Tab
	xdotool type --delay $((20 * slow)) "$temp"
	settle
	shot "signin-$lang"
	xdotool key Return
	settle 2

	# The reset opens with the focus in the new password: a weak one first.
	xdotool type --delay $((40 * slow)) "jeanne 2026"
	settle
	shot "reset-$lang"
	xdotool key ctrl+a BackSpace
	settle
	xdotool type --delay $((40 * slow)) "$good"
	settle
	xdotool key Return
	settle
	xdotool type --delay $((40 * slow)) "$good"
	settle 2 # every rule checked once the typing pauses
	shot "reset-ready-$lang"
	xdotool key Return
	settle 2
	shot "account-$lang"

	# Sign out, at the top (Tab from Change password goes round to it),
	# then the door, narrow.
	xdotool key Tab space
	settle
	xdotool windowsize --sync "$wid" 360 640 || true
	settle
	shot "signin-narrow-$lang"

	# Forgot password? is after the password, its eye and Sign in.
	xdotool key Tab Tab Tab Tab Return
	settle
	shot "forgot-$lang"
	xdotool key Escape
	settle
	xdotool windowsize --sync "$wid" 520 720 || true
	settle

	# A directory of 100,000 users for the administration, added from the
	# command line while the window is open, as another workstation would.
	"$bin" --db "$db" dev generate 100000 >/dev/null 2>&1

	# The administrator's first sign-in: the same reset, then the
	# administration, its search box focused.
	xdotool type --delay $((20 * slow)) "admin@acme.example"
	xdotool key Tab
	xdotool type --delay $((20 * slow)) "$admin"
	xdotool key Return
	settle 2
	xdotool type --delay $((40 * slow)) "$good"
	settle
	xdotool key Return
	settle
	xdotool type --delay $((40 * slow)) "$good"
	settle 2
	xdotool key Return
	settle 5 # the reset costs several argon2 hashes: slow under -race
	shot "admin-$lang"

	# Users: a search as one types, among 100,000.
	xdotool type --delay $((60 * slow)) "marie mar"
	settle
	shot "admin-users-$lang"

	# The whole directory: Ctrl+End on the table goes to the last user by
	# name; Enter opens the card, whose name field (focused) is copied and
	# compared with the command line's last user by name.
	xdotool key ctrl+a BackSpace
	settle
	xdotool key Down ctrl+End
	settle 2
	shot "admin-users-end-$lang"
	xdotool key Return
	settle
	xdotool key ctrl+a ctrl+c
	settle
	shownLast=$(xclip -o -selection clipboard 2>/dev/null || true)
	wantLast=$("$bin" --db "$db" users list --sort name --desc --limit 1 --json 2>/dev/null |
		sed -n 's/^ *"name": "\(.*\)",$/\1/p' | head -n 1)
	if [ -z "$wantLast" ] || [ "$shownLast" != "$wantLast" ]; then
		echo "smoke: $lang: Ctrl+End shows \"$shownLast\", want the last by name, \"$wantLast\"" >&2
		exit 1
	fi
	xdotool key Escape
	settle
	xdotool key ctrl+f
	settle

	# Jeanne's card: Enter goes to the results, Enter opens the first; Tab
	# five times reaches Generate a new password (name, role, no mailbox,
	# disabled, recovery e-mail); the focus is then on the eye: Enter shows
	# the password; Tab, Space copies it; Tab, Enter is Update.
	xdotool key ctrl+a
	settle
	xdotool type --delay $((20 * slow)) "jeanne.martin@acme"
	xdotool key Return
	settle
	xdotool key Return
	settle
	xdotool key Tab Tab Tab Tab Tab
	settle
	xdotool key Return
	settle
	xdotool key Return
	settle
	shot "admin-card-$lang"
	xdotool key Tab
	settle
	xdotool key space
	settle
	copied=$(xclip -o -selection clipboard 2>/dev/null || true)
	if [ ${#copied} -lt 16 ]; then
		echo "smoke: $lang: the copy button left \"$copied\" on the clipboard" >&2
		exit 1
	fi
	xdotool key Tab
	settle
	xdotool key Return
	settle 2

	# Narrow, the card takes the table's place; Escape gives it back, and
	# the sections are a list.
	xdotool windowsize --sync "$wid" 360 720 || true
	settle
	shot "admin-card-narrow-$lang"
	xdotool key Escape
	settle
	shot "admin-narrow-$lang"
	xdotool windowsize --sync "$wid" 1100 720 || true
	settle

	# Settings, the audit log, the e-mails: Ctrl+F puts the focus in the
	# search box; the section buttons come before it, Your account first
	# going back, then E-mails, Audit log, Settings.
	xdotool key ctrl+f shift+Tab shift+Tab shift+Tab shift+Tab Return
	settle
	shot "admin-settings-$lang"
	xdotool key ctrl+f shift+Tab shift+Tab shift+Tab Return
	settle
	shot "admin-audit-$lang"
	xdotool key ctrl+f shift+Tab shift+Tab Return
	settle
	shot "admin-mail-$lang"

	# Update hashes the new password off the window's goroutine, slowly
	# under -race on a loaded machine: the window is closed once it is saved.
	# (Not "| grep -q": grep leaving early kills the writer, which pipefail
	# takes for a failure, and the loop ran to its end.)
	for _ in $(seq 120); do
		audited=$("$bin" --db "$db" audit --action password.temporary.generated 2>/dev/null || true)
		case $audited in *jeanne.martin*) break ;; esac
		sleep 0.5
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	if grep -q "DATA RACE" "$log"; then
		cat "$log" >&2
		echo "smoke: $lang: the window reported a data race" >&2
		exit 1
	fi

	state=$("$bin" --db "$db" users show admin@acme.example --json 2>/dev/null)
	case $state in
	*'"active"'*) ;;
	*) echo "smoke: $lang: the administrator's password is not their own after the reset: $state" >&2; exit 1 ;;
	esac
	set +e
	printf '%s\n' "$copied" | "$bin" --db "$db" signin jeanne.martin@acme.example >/dev/null 2>&1
	code=$?
	set -e
	if [ "$code" != 3 ]; then
		echo "smoke: $lang: Jeanne cannot sign in with the password copied from her card (exit $code, want 3: must change)" >&2
		exit 1
	fi
	echo "smoke: $lang ok"
done
