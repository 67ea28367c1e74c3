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

# SMOKE_SLOW stretches every wait and keystroke: a binary built with -race
# runs several times slower, and keys typed faster than it reads them are lost.
slow=${SMOKE_SLOW:-1}

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
sleep $((2 * slow))

# The e-mail, then Forgot password? (after the password, its eye and Sign
# in), then Send me a code.
xdotool type --delay $((20 * slow)) "jeanne@acme.example"
xdotool key Tab Tab Tab Tab space
sleep $((1 * slow))
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
sleep $((1 * slow)) # the window goes on to the code once the request is done
shot recovery-window-code-fr

xdotool type --delay $((30 * slow)) "$code"
xdotool key Return
sleep $((2 * slow))
xdotool type --delay $((40 * slow)) "$good"
sleep $((2 * slow))
xdotool key Return
sleep $((1 * slow))
xdotool type --delay $((40 * slow)) "$good"
sleep $((3 * slow)) # every rule checked once the typing pauses
xdotool key Return
sleep $((3 * slow))
shot recovery-window-done-fr
kill "$pid"
wait "$pid" 2>/dev/null || true
if grep -q "DATA RACE" "$work/recovery-window.log"; then
	cat "$work/recovery-window.log" >&2
	echo "smoke: the window reported a data race" >&2
	exit 1
fi

printf '%s\n' "$good" | "$bin" --db "$db" signin jeanne@acme.example >/dev/null 2>&1 || {
	echo "smoke: the new password does not sign in"
	exit 1
}
echo "smoke: recovery ok"
