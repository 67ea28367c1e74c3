package app_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"sesame/app"
)

// What a French-speaking attacker tries first, as cracking rules build it
// (hashcat's best64, PRINCE's chains of two or three words): words, names,
// places, postal codes, dates, famous people and phrases, joined by
// separators or in mixed case, with digits, a year, a département or a
// postal code, repeated, in l33t, padded, and known passwords written with
// spaces, separators or capitals. Each is refused, and the reason names
// what was found (the fragment given). The first of each kind are the
// examples that were accepted before; the others are new cases of it.
func TestPolicyRefusesWhatRulesBuild(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	ctx := app.PolicyContext{Login: "marie.curie@acme.example", Name: "Marie Curie", Company: "Acme"}
	kinds := []struct {
		kind  string
		cases map[string]string // password → a fragment of its reasons
	}{
		{"a common or breached password with decorations", map[string]string{
			"Mot2Passe2024!!!": "a year", "M0tDeP4sse2024!": "a well-known phrase and a year (“motdepasse”)", "Mot-De-Passe-2024": "a year",
			"Azerty-2024-!!!": "a common password and a year (“azerty”)", "Jetaime.2024.!!": "a year",
			"MotDePasse_2025_$$": "a year", "Soleil123456789!": "common", "Azertyuiop-1990!": "a common password and a year",
		}},
		{"a word with a year or marks", map[string]string{
			"Bonjour-2024-!!!": "a common word and a year (“bonjour”)", "Chocolat.2019.??": "a year",
			"Vacances___2025!": "a year", "FROMAGE-1985-###": "a year",
		}},
		{"places, postal codes and départements", map[string]string{
			"Lyon69000Lyon69": "a postal code", "Paris-75000-Paris": "a postal code", "Lille.59000.2024": "a place name, a postal code and a year",
			"Marseille-13000!!": "a postal code", "Bordeaux33000Bdx": "a postal code", "Toulouse_31_Toulouse": "a repeat",
			"Nantes44000Nantes": "a postal code", "Grenoble-38000-2024": "a postal code",
		}},
		{"dates and years", map[string]string{
			"01/01/1990-01/01/1990": "a repeat", "14juillet1789!!": "a year", "25-12-2000-Noel!!": "a date",
			"11novembre1918!!": "a year", "1515Marignan1515": "repeats",
		}},
		{"words joined, in mixed case", map[string]string{
			"bleublancrouge2024": "a well-known phrase", "allezlesbleus2018": "a well-known phrase", "laviéestbelle2024": "a well-known phrase",
			"MaisonAmour2024": "common words and a year", "chat-chien-souris": "common words", "Chien.Chat.2024!!": "common words",
			"Soleil-Jardin-2024-!!": "common words and a year", "BonjourLesAmis!!!": "common words",
		}},
		{"first and last names", map[string]string{
			"Jean-Dupont-1970": "a first name, a last name and a year (“jean”, “dupont”)", "Sophie_Bernard_75": "first name",
			"Pierre.Martin.1985": "a year", "MarieClaire1968!!": "a year", "Nicolas-Petit-1992": "a year", "thomas_bernard_2001": "a year",
		}},
		{"famous people, teams and phrases", map[string]string{
			"NICOLAS-SARKOZY-2007": "a famous person's name and a year", "ParisSaintGermain75": "a well-known phrase",
			"OlympiqueDeMarseille13": "a well-known phrase", "ZinedineZidane1998": "a famous person's name", "Victor-Hugo-1802": "a famous person's name",
			"EdithPiaf1963!!!": "a famous person's name", "Johnny.Hallyday.2017": "a famous person's name", "AllezLOM2024!!": "a year",
			"viveLaFrance1789!": "a well-known phrase",
		}},
		{"l33t", map[string]string{
			"p4r1sj3t41m3!!!": "stolen", "S0l31l-2024-!!!": "a year", "Ch0c0l4t1985!!!": "a year", "B0nj0urL3sAm1s": "common words",
			"M4rs31ll3-13000": "a postal code",
		}},
		{"repeats, padding, keyboard rows", map[string]string{
			"   bestfriendsforever   ": "stolen", "!!!Soleil2024!!!": "a year", "    azerty2024    ": "a year",
			"qsdfghjklm-2024!": "a keyboard walk", "SoleilSoleil2024": "a repeat", "abcdef-abcdef-123": "sequence",
		}},
		{"known phrases and breached passwords written with separators", map[string]string{
			"this is my password": "stolen", "this-is-my-password": "stolen", "This.Is.My.Password": "stolen",
			"best friends forever": "stolen", "i love you so much": "stolen", "je t aime mon amour": "a well-known phrase",
			"correcthorsebatterystaple": "a well-known phrase", "correct horse battery staple": "a well-known phrase",
			"I_Love_You_Forever": "stolen", "mot de passe secret": "a well-known phrase", "Je T'aime Pour Toujours": "a well-known phrase",
			"may the force be with you": "a well-known phrase", "Hello World 2024!": "a well-known phrase", "p a s s w o r d 1 2 3": "common password",
		}},
		{"the person's own details", map[string]string{
			"MarieCurie-1867!": "your name", "marie.curie.2024!": "your login", "Acme-Bienvenue-2026": "company's name",
		}},
	}
	for _, k := range kinds {
		for pw, want := range k.cases {
			a := p.Assess(pw, ctx)
			got := messages(a.Reasons)
			if a.OK() {
				t.Errorf("%s: %q accepted (strength %d)", k.kind, pw, a.Strength)
				continue
			}
			if !strings.Contains(got, want) {
				t.Errorf("%s: %q refused for %q, want the reasons to say %q", k.kind, pw, got, want)
			}
		}
	}
}

// messages joins the English texts of reasons.
func messages(ms []app.Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.String())
	}
	return strings.Join(out, " | ")
}

// The reason says what was found, kind by kind, in the order of the
// password, and quotes words and numbers — never so many that the quotes
// give the whole password away.
func TestRefusalSaysWhatWasFound(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	for pw, want := range map[string]string{
		"Soleil2024!!!!!!":          "It is too easy to guess: it is made of a common word and a year (“soleil”), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"Soleil-Jardin-2024-!!":     "It is too easy to guess: it is made of common words and a year (“soleil”, “jardin”), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"Jean-Dupont-1970":          "It is too easy to guess: it is made of a first name, a last name and a year (“jean”, “dupont”), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"Lyon69000Lyon69":           "It is too easy to guess: it is made of a place name, a postal code and a repeat (“lyon”, 69000), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"azertyuiop...2024":         "It is too easy to guess: it is made of a keyboard walk and a year (“azertyuiop”), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"Victor-Hugo-1802!!!":       "It is too easy to guess: it is made of a famous person's name and a year (“victorhugo”), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"14/07/1989-abcdefgh":       "It is too easy to guess: it is made of a date and a sequence (14/07/1989), which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
		"this is my password":       "It is a password from lists stolen from other sites, written with other spaces, separators, capitals or look-alike characters, which attackers try as well.",
		"correcthorsebatterystaple": "It is too easy to guess: it is made of a well-known phrase, which attackers try first, whatever digits, marks or capitals are added. Add a few uncommon words.",
	} {
		a := p.Assess(pw, app.PolicyContext{})
		if got := messages(a.Reasons); got != want {
			t.Errorf("%q:\n got %s\nwant %s", pw, got, want)
		}
	}
}

// Whatever is refused, the quotes of the reasons never add up to the
// whole password: at least one of its letters or digits is left unsaid.
func TestRefusalNeverEchoesThePassword(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	r := rand.New(rand.NewPCG(5, 8))
	words := readWords(t, "words/fr-common.txt")[:3000]
	seps := []string{"", "-", ".", "_", " "}
	for range 2000 {
		sep := seps[r.IntN(len(seps))]
		parts := []string{words[r.IntN(len(words))]}
		for range r.IntN(3) {
			parts = append(parts, words[r.IntN(len(words))])
		}
		if r.IntN(2) == 0 {
			parts = append(parts, []string{"2024", "1990", "75000", "13", "!!!"}[r.IntN(5)])
		}
		pw := strings.Join(parts, sep)
		if utf8.RuneCountInString(pw) < 15 {
			continue
		}
		a := p.Assess(pw, app.PolicyContext{})
		if said := quotedChars(a.Reasons); said >= significant(pw) {
			t.Errorf("%q: the reasons quote %d of its %d letters and digits: %s", pw, said, significant(pw), messages(a.Reasons))
		}
	}
}

// quotedChars counts the letters and digits of the values that messages
// quote, nested ones included.
func quotedChars(ms []app.Message) int {
	n := 0
	for _, m := range ms {
		for _, v := range m.Data {
			switch v := v.(type) {
			case string:
				n += significant(v)
			case app.Message:
				n += quotedChars([]app.Message{v})
			}
		}
	}
	return n
}

func significant(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// Random passphrases pass: four or more words drawn from ranks 500 to
// 8,000 of the French list, joined by a space, a dash, a dot or nothing,
// and any five. Three such words pass unless the product of their ranks
// is under the bar: a PRINCE run over the most common words reaches them
// (see the README); the share refused is bounded here.
func TestPolicyRandomPassphrases(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	r := rand.New(rand.NewPCG(11, 13))
	words := readWords(t, "words/fr-common.txt")[500:8000]
	for _, tt := range []struct {
		words    int
		maxShare float64 // of the phrases drawn that may be refused
	}{{3, 0.30}, {4, 0.01}, {5, 0}} {
		const n = 400
		refused, checked := 0, 0
		var examples []string
		for range n {
			var w []string
			for range tt.words {
				w = append(w, words[r.IntN(len(words))])
			}
			pw := strings.Join(w, []string{" ", "-", ".", ""}[r.IntN(4)])
			if utf8.RuneCountInString(pw) < 15 {
				continue
			}
			checked++
			if !p.Assess(pw, app.PolicyContext{}).OK() {
				refused++
				examples = append(examples, pw)
			}
		}
		t.Logf("%d words: %d of %d refused %q", tt.words, refused, checked, examples[:min(len(examples), 5)])
		if float64(refused) > tt.maxShare*float64(checked) {
			t.Errorf("%d words: %d of %d refused, more than %.0f%%: %q", tt.words, refused, checked, 100*tt.maxShare, examples)
		}
	}
}

// Each reason is one of the policy's templates, and the kinds it names are
// translated messages (nested), not plain English.
func TestGuessReasonIsTranslatable(t *testing.T) {
	p := app.Policy{MinLength: 15, Blocklist: blocklist}
	a := p.Assess("Soleil-Jardin-2024-!!", app.PolicyContext{})
	if len(a.Reasons) != 1 {
		t.Fatalf("reasons %v", a.Reasons)
	}
	var texts []string
	var walk func(m app.Message)
	walk = func(m app.Message) {
		texts = append(texts, m.Text)
		for _, v := range m.Data {
			if n, ok := v.(app.Message); ok {
				walk(n)
			}
		}
	}
	walk(a.Reasons[0])
	for _, want := range []string{"common words", "a year", "{{.A}} and {{.B}}", "“{{.Word}}”"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the reason's messages %q lack %q", texts, want)
		}
	}
}
