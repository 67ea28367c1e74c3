package app

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// A login is an e-mail address, and one address is one identity however it
// is typed. CheckEmail gives the one form under which Sésame stores,
// shows, looks up, throttles and audits it, compared as mail systems compare
// addresses:
//
//   - the local part (before the last @) is Unicode NFKC-normalised and
//     lower-cased: full-width letters, ligatures and the case typed do not
//     make another login;
//   - the domain is mapped as UTS #46 maps it for lookup (case, width,
//     U+3002 IDEOGRAPHIC FULL STOP and the like, non-transitional), A-labels
//     ("xn--…") are decoded, and it is kept in its Unicode form, without the
//     trailing dot of a fully qualified name;
//   - the limits of RFC 5321 §4.5.3.1 hold: local part at most 64 octets,
//     each label of the domain at most 63, and the whole address at most
//     254 (a path of 256 with its angle brackets); the domain, which RFC
//     5321 bounds at 255 octets, is bounded as DNS names are, at 253
//     characters in its ASCII form (RFC 1035 §2.3.4: 255 octets on the
//     wire, its length bytes included);
//   - the domain is a name, not a number: its last label is never all
//     digits (RFC 3696 §2), so that an IP address written without the
//     brackets of an address literal (RFC 5321 §4.1.3) is refused, as
//     literals are;
//   - characters that cannot be shown as they are (Hidden: control,
//     format, zero-width, direction, blank…, and stacks of marks) are
//     refused, as in names, and so are spaces.
//
// "Bob＠ACME.example." (with U+FF20 FULLWIDTH COMMERCIAL AT) is
// "bob@acme.example"; "jo@xn--caf-dma.example" is "jo@café.example".

// Limits of RFC 5321 §4.5.3.1 and of DNS, in octets.
const (
	maxLocalPart = 64
	maxDomain    = 253
	maxLabel     = 63
	maxAddress   = 254
)

// domainProfile maps a domain as UTS #46 does for lookup, with the checks
// of RFC 5891 and the Bidi rule of RFC 5893; lengthProfile also checks the
// lengths of DNS (RFC 1035) on the ASCII form.
var (
	domainProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))
	lengthProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false), idna.VerifyDNSLength(true))
)

// CheckEmail validates an e-mail address (a login, a recovery or a sender
// address) and returns its canonical form; see the rules above. A
// fictitious address must still look like one.
func CheckEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", Errorf(EInvalid, "The e-mail address is empty.")
	}
	if !utf8.ValidString(email) {
		return "", Errorf(EInvalid, "The e-mail address holds invisible, control or text-direction characters: type it again without them.")
	}
	if r, stacked, ok := hiddenIn(email, false); ok {
		if stacked {
			return "", Errorf(EInvalid, "The e-mail address has more than {{.Max}} accents or marks stacked on one letter: type it again without them.", "Max", MaxStackedMarks)
		}
		return "", Errorf(EInvalid, "The e-mail address holds a character that cannot be shown as it is ({{.Code}}: invisible, blank, control or text-direction): type it again without it.",
			"Code", codePoint(r))
	}
	// NFKC first, so that a full-width @ separates as the @ it looks like.
	email = norm.NFKC.String(email)
	bad := Errorf(EInvalid, "\"{{.Email}}\" is not a valid e-mail address (expected name@domain).", "Email", clip(email))
	at := strings.LastIndexByte(email, '@')
	if at < 0 || strings.IndexFunc(email, unicode.IsSpace) >= 0 || strings.IndexFunc(email, Hidden) >= 0 {
		return "", bad
	}
	local, err := canonicalLocal(email[:at])
	if err != nil {
		return "", withEmail(err, bad)
	}
	domain, ascii, err := canonicalDomain(email[at+1:])
	if err != nil {
		return "", withEmail(err, bad)
	}
	if n := len(local) + 1 + len(ascii); n > maxAddress {
		return "", Errorf(EInvalid, "The e-mail address is too long ({{.N}} bytes, with the domain in its ASCII form; at most {{.Max}}).", "N", n, "Max", maxAddress)
	}
	return local + "@" + domain, nil
}

// withEmail returns the specific error when there is one, else the general
// one that names the address.
func withEmail(specific, general *Error) *Error {
	if specific.Message.Text != "" {
		return specific
	}
	return general
}

// canonicalLocal lower-cases a local part (already NFKC) and checks that it
// is a dot-atom of RFC 5322, extended to UTF-8 by RFC 6531: no quoted
// strings, no leading, trailing or double dots.
func canonicalLocal(local string) (string, *Error) {
	local = norm.NFKC.String(strings.ToLower(local))
	if local == "" || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", &Error{Code: EInvalid}
	}
	for _, r := range local {
		if r < utf8.RuneSelf && !isAtext(byte(r)) && r != '.' {
			return "", &Error{Code: EInvalid}
		}
	}
	if len(local) > maxLocalPart {
		return "", Errorf(EInvalid, "The part before @ is too long ({{.N}} bytes, at most {{.Max}}).", "N", len(local), "Max", maxLocalPart)
	}
	return local, nil
}

// isAtext reports whether an ASCII byte may appear in an atom (RFC 5322 §3.2.3).
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// canonicalDomain maps a domain (UTS #46) and returns its Unicode and ASCII
// forms, checked against the limits of RFC 5321 and DNS.
func canonicalDomain(domain string) (string, string, *Error) {
	u, err := domainProfile.ToUnicode(domain)
	if err != nil || u == "" {
		return "", "", &Error{Code: EInvalid}
	}
	// A fully qualified name ends in the root's empty label: the same domain.
	u = strings.TrimSuffix(u, ".")
	if u == "" || strings.HasPrefix(u, ".") || strings.HasSuffix(u, ".") || strings.Contains(u, "..") {
		return "", "", &Error{Code: EInvalid} // an empty label
	}
	if tld := u[strings.LastIndexByte(u, '.')+1:]; strings.Trim(tld, "0123456789") == "" {
		return "", "", Errorf(EInvalid, "\"{{.Domain}}\" is a number or an IP address, not a domain name: no top-level domain is made of digits. Type the domain of the address, as in name@example.com.",
			"Domain", clip(u))
	}
	ascii, err := lengthProfile.ToASCII(u)
	if err != nil {
		if n := longestLabel(ascii); n > maxLabel {
			return "", "", Errorf(EInvalid, "A part of the domain between two dots is too long ({{.N}} characters in its ASCII form, at most {{.Max}}).",
				"N", n, "Max", maxLabel)
		}
		if len(ascii) > maxDomain {
			return "", "", Errorf(EInvalid, "The domain after @ is too long ({{.N}} characters in its ASCII form, at most {{.Max}}).",
				"N", len(ascii), "Max", maxDomain)
		}
		return "", "", &Error{Code: EInvalid}
	}
	return u, ascii, nil
}

// longestLabel is the length of the longest label of a domain.
func longestLabel(domain string) int {
	n := 0
	for l := range strings.SplitSeq(domain, ".") {
		n = max(n, len(l))
	}
	return n
}

// EmailKey is the key under which a text is looked up as a login: the
// canonical form of an address (CheckEmail); for a text that is not a
// valid address (a search fragment, a login stored by an older version that
// no longer validates), the text trimmed, NFKC-normalised and lower-cased.
// Stores keep each user's login under EmailKey(login), unique.
func EmailKey(text string) string {
	if c, err := CheckEmail(text); err == nil {
		return c
	}
	return strings.ToLower(norm.NFKC.String(strings.TrimSpace(text)))
}

// LookAlikeKey is the key under which logins that a person cannot tell
// apart meet: the confusable skeleton of UTS #39 (§4) of the canonical
// login, made again after lower-casing, so that "b0b" meets "bob" and "1"
// meets "l" as they do in upper case. skeleton maps a string to its
// skeleton with the data of Unicode's confusables.txt, which this package
// does not ship: the stores pass it, and compute this key for each login.
// Characters that show as nothing are left out first: a login stored by
// an older version with a zero-width space meets the login without it.
func LookAlikeKey(skeleton func(string) string, email string) string {
	seen := strings.Map(func(r rune) rune {
		if Hidden(r) {
			return -1
		}
		return r
	}, EmailKey(email))
	return skeleton(strings.ToLower(skeleton(seen)))
}
