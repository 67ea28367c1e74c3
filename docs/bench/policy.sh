#!/usr/bin/env bash
# Measures the password policy against lists that it was not built from:
#  - held out: sqlmap's password list (Debian package sqlmap, 1.6 million
#    passwords gathered from breaches), which no list of the filter holds
#    whole (John the Ripper's list, in SecLists, is in the filter entirely);
#  - false positives: diceware phrases of the EFF's list (Debian package
#    diceware) and Sésame's own generated passwords.
# The lists are fetched as Debian packages, unpacked in a temporary folder
# and never shipped. Run from the repository's root: bash docs/bench/policy.sh
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download sqlmap diceware >/dev/null 2>&1 || { apt-get update -qq && apt-get download sqlmap diceware >/dev/null; }
for deb in *.deb; do dpkg-deb -x "$deb" root; done
python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); open("sqlmap.txt","wb").write(z.read(z.namelist()[0]))' \
	root/usr/share/sqlmap/data/txt/wordlist.tx_
cp root/usr/lib/python3/dist-packages/diceware/wordlists/wordlist_en_eff.txt eff.txt
cd - >/dev/null
go run -tags sqlite_fts5 ./docs/bench/policy -heldout "$work/sqlmap.txt" -diceware "$work/eff.txt" "$@"
