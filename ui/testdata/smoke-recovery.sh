#!/usr/bin/env bash
# Smoke run of "Forgot password?" in Sésame's real window, under an X server
# such as Xvfb, against a real SMTP server (mailpit):
#
#   xvfb-run -a bash ui/testdata/smoke-recovery.sh BIN WORKDIR SHOTS SMTP_PORT API_PORT
#
# It makes a company whose e-mail goes to mailpit, and an employee with a
# recovery address. In the window, from the keyboard alone: the e-mail,
# Forgot password?, Send me a code; the code is read from the message that
# mailpit received (its HTTP API), typed, then a new password twice. It
# saves recovery-window-code-fr.png and recovery-window-done-fr.png in
# SHOTS, and prints "smoke: recovery ok" when the command line then signs
# in with the new password.
set -euo pipefail

bin=$1 work=$2 shots=$3 smtp=$4 api=$5
mkdir -p "$work" "$shots"
export LANG=en_US.UTF-8
db=$work/recovery.db
good='violet tramway umbrella 1987'

"$bin" --db "$db" init --company Acme --admin admin@acme.example --name "Alice Admin" >/dev/null 2>&1
"$bin" --db "$db" users add jeanne@acme.example --name "Jeanne Martin" --recovery jeanne@home.example >/dev/null 2>&1
for kv in "smtp.host 127.0.0.1" "smtp.port $smtp" "smtp.security none" "smtp.from sesame@acme.example"; do
	# shellcheck disable=SC2086
	"$bin" --db "$db" settings $kv >/dev/null 2>&1
done

shot() {
	local geo
	geo=$(xdotool getwindowgeometry --shell "$wid")
	eval "$geo"
	import -window root -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$shots/$1.png"
}

"$bin" --db "$db" --lang fr 2>"$work/recovery-window.log" &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT
wid=$(timeout 30 xdotool search --sync --name '^Sésame$' | head -n 1)
xdotool windowsize --sync "$wid" 520 720 || true
xdotool windowfocus --sync "$wid" || true
sleep 2

# The e-mail, then Forgot password? (after Sign in), then Send me a code.
xdotool type --delay 20 "jeanne@acme.example"
xdotool key Tab Tab Tab space
sleep 1
xdotool key Return

# The window asks mail to leave at once: wait for it in mailpit.
code=""
for _ in $(seq 1 50); do
	# The only message so far is the code, to the recovery address.
	code=$(curl -s "http://127.0.0.1:$api/api/v1/messages" | grep -oE '\b[0-9]{4} [0-9]{4}\b' | head -n 1 || true)
	[ -n "$code" ] && break
	sleep 0.2
done
[ -n "$code" ] || { echo "smoke: no recovery code reached the mailbox"; exit 1; }
shot recovery-window-code-fr

xdotool type --delay 30 "$code"
xdotool key Return
sleep 2
xdotool type --delay 20 "$good"
xdotool key Return
xdotool type --delay 20 "$good"
xdotool key Return
sleep 3
shot recovery-window-done-fr

printf '%s\n' "$good" | "$bin" --db "$db" signin jeanne@acme.example >/dev/null 2>&1 || {
	echo "smoke: the new password does not sign in"
	exit 1
}
echo "smoke: recovery ok"
