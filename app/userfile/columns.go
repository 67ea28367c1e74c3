package userfile

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"

	"sesame/app"
)

// target is what a column of a file gives.
type target int

const (
	tNone           target = iota
	tLogin                 // the login, a work address
	tEmail                 // an address used as the login when the login column is empty (Okta's email)
	tName                  // the display name
	tFirst                 // the first name
	tLast                  // the last name
	tRecovery              // the recovery e-mail
	tRole                  // admin or employee
	tMailbox               // yes: the login has a mailbox
	tFictitious            // yes: the login is fictitious
	tDisabled              // yes: the account is disabled
	tEnabled               // yes: the account is enabled
	tStatus                // Google's New Status: Active or Suspended
	tReadStatus            // Google's Status in a user download, used when New Status is empty
	tPassword              // a temporary password
	tHashFunction          // Google's Password Hash Function: the password is a hash
	tChangePassword        // Google's Change Password at Next Sign-In
	targets                // how many targets there are
)

// The columns of Sésame's own file, in the order that the export writes
// them. Reading also takes "password", which an administrator may add to
// give temporary passwords.
const (
	colLogin      = "login"
	colName       = "name"
	colRole       = "role"
	colMailbox    = "mailbox"
	colRecovery   = "recovery_email"
	colDisabled   = "disabled"
	colStatus     = "status"
	colLastSignIn = "last_sign_in"
	colCreated    = "created"
	colPassword   = "password"
)

var sesameColumns = foldedTable(map[target][]string{
	tLogin: {colLogin}, tName: {colName}, tRole: {colRole}, tMailbox: {colMailbox}, tRecovery: {colRecovery},
	tDisabled: {colDisabled}, tPassword: {colPassword},
})

// googleColumns are Google Workspace's column names without their tags
// ("[Required]", "[UPLOAD ONLY]", "[READ ONLY]"), folded.
var googleColumns = map[string]target{
	"firstname": tFirst, "lastname": tLast, "emailaddress": tLogin, "password": tPassword,
	"passwordhashfunction": tHashFunction, "recoveryemail": tRecovery,
	"changepasswordatnextsignin": tChangePassword, "newstatus": tStatus, "status": tReadStatus,
}

// entraColumns are the user properties that Entra's headers name between
// brackets ("Name [displayName] Required"), lower-cased.
var entraColumns = map[string]target{
	"displayname": tName, "userprincipalname": tLogin, "passwordprofile": tPassword,
	"accountenabled": tDisabled, // the column is "Block sign in (Yes/No)": Yes disables
	"givenname":      tFirst, "surname": tLast,
}

// oktaColumns are Okta's attribute names, folded.
var oktaColumns = map[string]target{
	"login": tLogin, "email": tEmail, "firstname": tFirst, "lastname": tLast,
	"displayname": tName, "secondemail": tRecovery,
}

// oktaAttributes are Okta's names that an HR spreadsheet would not write
// so (camel case).
var oktaAttributes = []string{"firstName", "lastName", "displayName", "secondEmail"}

// hrColumns are the column names that an HR spreadsheet uses, French and
// English, folded (accents, case, spaces and punctuation ignored). In
// French "Nom" is the last name.
var hrColumns = foldedTable(map[target][]string{
	tLogin: {"E-mail", "Email", "Courriel", "Mail", "Adresse e-mail", "Adresse mail", "Adresse électronique",
		"Adresse courriel", "E-mail professionnel", "Courriel professionnel", "Adresse e-mail professionnelle",
		"Mail professionnel", "Identifiant", "Identifiant de connexion", "Login", "Email address", "Work e-mail"},
	tName: {"Nom complet", "Nom affiché", "Nom d'affichage", "Prénom Nom", "Prénom et nom", "Nom Prénom",
		"Nom et prénom", "Name", "Full name", "Display name"},
	tFirst: {"Prénom", "First name", "Given name"},
	tLast:  {"Nom", "Nom de famille", "Nom d'usage", "Last name", "Surname", "Family name"},
	tRecovery: {"E-mail de récupération", "Courriel de récupération", "Adresse de récupération",
		"Adresse e-mail de récupération", "E-mail secondaire", "Courriel secondaire", "Adresse secondaire",
		"E-mail personnel", "Courriel personnel", "Adresse e-mail personnelle", "Mail personnel",
		"Recovery e-mail", "Secondary e-mail", "Personal e-mail"},
	tRole:       {"Rôle", "Role"},
	tMailbox:    {"Boîte aux lettres", "Boîte mail", "Mailbox"},
	tFictitious: {"Fictif", "Adresse fictive", "Login fictif", "Sans boîte aux lettres", "Fictitious", "No mailbox"},
	tDisabled:   {"Désactivé", "Compte désactivé", "Suspendu", "Disabled", "Suspended"},
	tEnabled:    {"Actif", "Compte actif", "Active", "Enabled"},
	tPassword: {"Mot de passe", "Mot de passe temporaire", "Mot de passe initial", "Password",
		"Temporary password", "Initial password"},
})

func foldedTable(names map[target][]string) map[string]target {
	out := map[string]target{}
	for t, list := range names {
		for _, n := range list {
			out[fold(n)] = t
		}
	}
	return out
}

// fold turns a column name into the form in which names are compared:
// without accents, case, spaces or punctuation ("E-mail de récupération"
// and "email de recuperation" fold alike).
func fold(s string) string { return app.FoldForSearch(s) }

// maxFolds bounds the memory of the folds that a layout remembers.
const maxFolds = 1024

// fold folds a value of a yes-or-no or role column, remembering the
// answers: a column holds the same few words on every row, and folding
// text with accents costs far more than reading the row.
func (l *layout) fold(s string) string {
	if f, ok := l.folds[s]; ok {
		return f
	}
	f := fold(s)
	if l.folds == nil {
		l.folds = make(map[string]string)
	}
	if len(l.folds) < maxFolds {
		l.folds[s] = f
	}
	return f
}

var (
	googleTag = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\s*\[(?i:required|upload only|read only|must be in the e\.164 format)\]`)
	})
	entraProperty = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[([A-Za-z]+)\]`) })
)

// keyOf returns the form in which a format looks up a column name.
func keyOf(f Format, name string) string {
	switch f {
	case Google:
		return fold(googleTag().ReplaceAllString(name, ""))
	case Entra:
		if m := entraProperty().FindStringSubmatch(name); m != nil {
			return strings.ToLower(m[1])
		}
	}
	return fold(name)
}

func tableOf(f Format) map[string]target {
	switch f {
	case Sesame:
		return sesameColumns
	case Google:
		return googleColumns
	case Entra:
		return entraColumns
	case Okta:
		return oktaColumns
	}
	return hrColumns
}

// layout is where a file's columns go.
type layout struct {
	format  Format
	index   [targets]int    // the column of each target, -1 when none
	names   [targets]string // its name as the file writes it
	ignored []string
	width   int // the number of columns of the header
	folds   map[string]string
	columns *Columns // the names that the import's problems give, shared by every record
}

// layoutOf maps a header to the targets of format f: the first column of
// each target counts, the others are ignored. ok is false when no column
// gives the login.
func layoutOf(f Format, header []string) (l layout, ok bool) {
	l.format = f
	l.width = len(header)
	for i := range l.index {
		l.index[i] = -1
	}
	table := tableOf(f)
	for i, name := range header {
		t := table[keyOf(f, name)]
		if t == tNone || l.index[t] >= 0 {
			if strings.TrimSpace(name) != "" {
				l.ignored = append(l.ignored, strings.TrimSpace(name))
			}
			continue
		}
		l.index[t] = i
		l.names[t] = strings.TrimSpace(name)
	}
	l.columns = &Columns{Login: l.loginColumn(), Name: l.names[tName], Recovery: l.names[tRecovery],
		Role: l.names[tRole], Mailbox: cmp.Or(l.names[tMailbox], l.names[tFictitious]),
		Disabled: cmp.Or(l.names[tDisabled], l.names[tEnabled], l.names[tStatus], l.names[tReadStatus]),
		Password: cmp.Or(l.names[tPassword], l.names[tChangePassword])}
	if l.columns.Name == "" {
		l.columns.Name = strings.TrimSpace(l.names[tFirst] + " " + l.names[tLast])
	}
	return l, l.index[tLogin] >= 0 || l.index[tEmail] >= 0
}

// detect recognises a file's format from its header: Entra by its
// bracketed property names, Google by its tagged "Email Address", Sésame's
// own and Okta's by their column names, and otherwise an HR spreadsheet
// whose columns name a login.
func detect(header []string) (layout, bool) {
	has := func(pred func(string) bool) bool { return slices.ContainsFunc(header, pred) }
	switch {
	case has(func(h string) bool { return strings.Contains(strings.ToLower(h), "[userprincipalname]") }):
		return layoutOf(Entra, header)
	case has(func(h string) bool { return googleTag().MatchString(h) && keyOf(Google, h) == "emailaddress" }):
		return layoutOf(Google, header)
	case has(func(h string) bool { return strings.TrimSpace(h) == colLogin }) &&
		has(func(h string) bool {
			h = strings.TrimSpace(h)
			return h == colRecovery || h == colMailbox || h == colRole
		}):
		return layoutOf(Sesame, header)
	case has(func(h string) bool { return strings.TrimSpace(h) == "login" }) &&
		has(func(h string) bool { return slices.Contains(oktaAttributes, strings.TrimSpace(h)) }):
		return layoutOf(Okta, header)
	}
	return layoutOf(HR, header)
}

// expectedLogin names the columns that give the login in format f, for the
// message of a file that has none.
func expectedLogin(f Format) string {
	switch f {
	case Sesame:
		return colLogin
	case Google:
		return "Email Address [Required]"
	case Entra:
		return "User name [userPrincipalName] Required"
	case Okta:
		return "login"
	}
	return "E-mail, Courriel, Adresse e-mail, Identifiant, Login"
}
