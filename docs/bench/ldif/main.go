// Command ldif writes, as LDIF for OpenLDAP's slapadd, the same fictitious
// users that "sesame dev generate N --seed S" adds to a Sésame database
// (data/sample), so that both answer the same question over the same
// directory (docs/bench/ldap.sh).
//
//	go run ./docs/bench/ldif -n 1000000 -seed 1 > users.ldif
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"sesame/data/sample"
)

// Suffix is the directory's base DN.
const Suffix = "dc=acme,dc=example"

func main() {
	n := flag.Int("n", 1000, "users")
	seed := flag.Int64("seed", 1, "seed of the draw, as dev generate --seed")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	fmt.Fprintf(w, "dn: %s\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: Acme\ndc: acme\n\n", Suffix)
	fmt.Fprintf(w, "dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n", Suffix)
	i := 0
	for u := range sample.Users(*seed, time.Now()) {
		if i == *n {
			break
		}
		i++
		fmt.Fprintf(w, "dn: uid=%d,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %d\n", i, Suffix, i)
		attr(w, "cn", u.Name)
		last := u.Name
		if k := strings.LastIndexByte(last, ' '); k >= 0 {
			last = last[k+1:]
		}
		attr(w, "sn", last)
		attr(w, "mail", u.Email)
		if u.RecoveryEmail != "" {
			attr(w, "mail", u.RecoveryEmail)
		}
		w.WriteString("\n")
	}
}

// attr writes an attribute, in base64 when LDIF (RFC 2849) wants it so.
func attr(w *bufio.Writer, name, value string) {
	safe := utf8.ValidString(value) && !strings.HasPrefix(value, " ") && !strings.HasPrefix(value, ":") && !strings.HasPrefix(value, "<")
	for i := 0; i < len(value) && safe; i++ {
		safe = value[i] >= 0x20 && value[i] < 0x7f
	}
	if safe {
		fmt.Fprintf(w, "%s: %s\n", name, value)
		return
	}
	fmt.Fprintf(w, "%s:: %s\n", name, base64.StdEncoding.EncodeToString([]byte(value)))
}
