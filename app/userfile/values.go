package userfile

import (
	"strings"

	"sesame/app"
)

// yesWords and noWords are the answers that a yes-or-no column takes,
// folded: English and French, as spreadsheets and the services write them.
var (
	yesWords = []string{"yes", "y", "true", "1", "x", "oui", "o", "vrai"}
	noWords  = []string{"no", "n", "false", "0", "non", "faux"}
)

// parseYesNo reads a folded answer.
func parseYesNo(v string) (yes, ok bool) {
	for _, w := range yesWords {
		if v == w {
			return true, true
		}
	}
	for _, w := range noWords {
		if v == w {
			return false, true
		}
	}
	return false, false
}

// roleWords maps the names that a spreadsheet gives a role, folded, to
// Sésame's roles.
var roleWords = map[string]app.Role{
	"admin": app.RoleAdmin, "administrator": app.RoleAdmin, "administrateur": app.RoleAdmin, "administratrice": app.RoleAdmin,
	"employee": app.RoleEmployee, "employe": app.RoleEmployee, "salarie": app.RoleEmployee, "salariee": app.RoleEmployee,
	"user": app.RoleEmployee, "utilisateur": app.RoleEmployee, "utilisatrice": app.RoleEmployee,
}

// parseRole reads a role from its name v, folded.
func parseRole(v, folded string) (app.Role, *app.Error) {
	if r, ok := roleWords[folded]; ok {
		return r, nil
	}
	return "", app.Errorf(app.EInvalid, "Unknown role \"{{.Role}}\": write admin, administrator or administrateur; employee, employé, salarié or user.", "Role", v)
}

// parseStatus reads Google's account status: disabled is true for
// "Suspended"; ok is false for anything else than Active or Suspended.
func parseStatus(v string) (disabled, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "active":
		return false, true
	case "suspended":
		return true, true
	}
	return false, false
}
