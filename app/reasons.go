package app

// kindNames name each kind of part in a reason: one, and several.
var kindNames = map[partKind][2]Message{
	kindCommon:     {Msg("a common password"), Msg("common passwords")},
	kindBreached:   {Msg("a password stolen from other sites"), Msg("passwords stolen from other sites")},
	kindWord:       {Msg("a common word"), Msg("common words")},
	kindFirstName:  {Msg("a first name"), Msg("first names")},
	kindLastName:   {Msg("a last name"), Msg("last names")},
	kindPlace:      {Msg("a place name"), Msg("place names")},
	kindPostalCode: {Msg("a postal code"), Msg("postal codes")},
	kindFamous:     {Msg("a famous person's name"), Msg("famous people's names")},
	kindPhrase:     {Msg("a well-known phrase"), Msg("well-known phrases")},
	kindOwn:        {Msg("your own details (login, name, company)"), Msg("your own details (login, name, company)")},
	kindYear:       {Msg("a year"), Msg("years")},
	kindDate:       {Msg("a date"), Msg("dates")},
	kindKeyboard:   {Msg("a keyboard walk"), Msg("keyboard walks")},
	kindRepeat:     {Msg("a repeat"), Msg("repeats")},
	kindSequence:   {Msg("a sequence"), Msg("sequences")},
}

// maxQuoted is the most parts that a reason quotes.
const maxQuoted = 4

// guessReason says why a password is too easy to guess: the kinds of parts
// that the cheapest cover found, in the order of the password, and what
// they are ("It is made of common words and a year (“soleil”, 2024)").
// The quotes never add up to all the letters and digits of the password:
// the last is left out when they would. The person's own details are quoted by their own
// reasons; repeats and the decorations between parts (separators, marks,
// digits that nothing explains) are not.
func guessReason(c cover, pw []rune) Message {
	var kinds []partKind
	count := map[partKind]int{}
	var found []any
	quotedChars, lastChars := 0, 0
	for _, pt := range c.parts {
		k := pt.kind
		if _, named := kindNames[k]; !named || k == kindRepeat && !hasLetterOrDigit(pt.found) {
			continue
		}
		if count[k] == 0 {
			kinds = append(kinds, k)
		}
		count[k]++
		if k == kindOwn || k == kindRepeat || len(found) == maxQuoted {
			continue
		}
		switch k {
		case kindYear, kindDate, kindPostalCode:
			found = append(found, string(pw[pt.i:pt.j+1]))
		default:
			found = append(found, Msg("“{{.Word}}”", "Word", pt.found))
		}
		lastChars = significantChars(pw[pt.i : pt.j+1])
		quotedChars += lastChars
	}
	if len(found) > 0 && quotedChars >= significantChars(pw) {
		found = found[:len(found)-1]
	}
	if len(kinds) == 0 {
		return Msg("It is too easy to guess. Make it longer, with a few uncommon words.")
	}
	names := make([]any, len(kinds))
	for i, k := range kinds {
		names[i] = kindNames[k][min(count[k], 2)-1]
	}
	if len(found) == 0 {
		return Msg("It is too easy to guess: it is made of {{.Kinds}}, which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
			"Kinds", andList(names))
	}
	return Msg("It is too easy to guess: it is made of {{.Kinds}} ({{.Found}}), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"Kinds", andList(names), "Found", commaList(found))
}

// andList joins items as a sentence does: "a, b and c".
func andList(items []any) any {
	switch len(items) {
	case 1:
		return items[0]
	case 2:
		return Msg("{{.A}} and {{.B}}", "A", items[0], "B", items[1])
	}
	return Msg("{{.A}}, {{.B}}", "A", items[0], "B", andList(items[1:]))
}

// commaList joins items with commas: "a, b, c".
func commaList(items []any) any {
	if len(items) == 1 {
		return items[0]
	}
	return Msg("{{.A}}, {{.B}}", "A", items[0], "B", commaList(items[1:]))
}

// significantChars counts the letters and digits of rs.
func significantChars(rs []rune) int {
	n := 0
	for _, r := range rs {
		if isLetterOrDigit(r) {
			n++
		}
	}
	return n
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if charClass(r) < 2 {
			return true
		}
	}
	return false
}
