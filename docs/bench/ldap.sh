#!/usr/bin/env bash
# Start-up and search, whole process, against OpenLDAP holding the same
# directory: `sesame users list --query dupont --limit 50` and the same
# question to a running slapd through ldapsearch, side by side in one
# hyperfine run. Installs what is missing (Debian: slapd, ldap-utils,
# hyperfine), builds Sésame, makes both directories of N users once (kept
# in $SESAME_BENCH_DIR, /var/tmp/sesame-bench by default) and starts a
# throwaway slapd on a loopback port, stopped at the end.
# Run from the repository's root: bash docs/bench/ldap.sh   (N=1000000)
set -euo pipefail
N=${N:-1000000}
SEED=${SEED:-1}
PORT=${PORT:-38912}
RUNS=${RUNS:-200}
dir=${SESAME_BENCH_DIR:-/var/tmp/sesame-bench}
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
mkdir -p "$dir"

missing=$(for p in slapd ldap-utils hyperfine; do dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q 'ok installed' || echo $p; done)
if [ -n "$missing" ]; then
	echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi

CGO_ENABLED=1 go build -tags sqlite_fts5 -o "$dir/sesame" .
sesame="$dir/sesame"
# The database is made anew when the schema changes (the migrations).
schema=$(cat data/sqlite/migrations/*.sql | sha256sum | cut -c1-12)
db="$dir/sesame-$N-$SEED-$schema.db"
if [ ! -f "$db.done" ]; then
	rm -f "$db" "$db-wal" "$db-shm"
	"$sesame" --db "$db" init --company Acme --admin admin@acme.example --name "Alice Admin" >/dev/null
	"$sesame" --db "$db" dev generate "$N" --seed "$SEED"
	touch "$db.done"
fi

ldap="$dir/ldap-$N-$SEED"
cat > "$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $dir/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=acme,dc=example"
rootdn "cn=admin,dc=acme,dc=example"
directory $ldap
maxsize 8589934592
index objectClass eq
index cn,mail eq,sub
CONF
if [ ! -f "$ldap/done" ]; then
	rm -rf "$ldap" && mkdir -p "$ldap"
	go run ./docs/bench/ldif -n "$N" -seed "$SEED" > "$dir/users.ldif"
	time slapadd -q -f "$dir/slapd.conf" -l "$dir/users.ldif"
	rm "$dir/users.ldif"
	touch "$ldap/done"
fi

slapd -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$PORT/"
trap 'kill "$(cat "$dir/slapd.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	ldapsearch -x -H "ldap://127.0.0.1:$PORT" -b dc=acme,dc=example -s base >/dev/null 2>&1 && break
	sleep 0.2
done

query="$sesame --db $db users list --query dupont --limit 50"
# sizelimit exceeded (50 entries returned, more match) is exit status 4.
search="ldapsearch -x -LLL -H ldap://127.0.0.1:$PORT -b ou=people,dc=acme,dc=example -z 50 (|(cn=*dupont*)(mail=*dupont*)) cn mail"
echo "Sésame: $($query 2>/dev/null | tail -n +2 | wc -l) users; OpenLDAP: $($search 2>/dev/null | grep -c '^dn:') entries"
# The base cost of a process of each (no database, no server), for scale.
hyperfine -N -i --warmup 10 --runs "$RUNS" --export-json "$dir/ldap.json" \
	-n "sesame users list --query dupont --limit 50" "$query" \
	-n "ldapsearch (|(cn=*dupont*)(mail=*dupont*)) -z 50" "$search" \
	-n "sesame help" "$sesame help" \
	-n "ldapsearch -VV" "ldapsearch -VV"
# The machine is shared: the minimum and the median say more than the mean.
python3 - "$dir/ldap.json" <<'PY'
import json, statistics, sys
rs = json.load(open(sys.argv[1]))["results"]
print("| command | min | median | mean ± σ | user + system (mean) |")
print("| --- | --- | --- | --- | --- |")
for r in rs:
    t = [x * 1000 for x in r["times"]]
    print(f"| `{r['command']}` | {min(t):.1f} ms | {statistics.median(t):.1f} ms | {statistics.mean(t):.1f} ± {statistics.stdev(t):.1f} ms | {(r['user'] + r['system']) * 1000:.1f} ms |")
PY
