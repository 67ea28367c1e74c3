package ui

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sesame/app"
	"sesame/assets"
)

// translationKeys lists the English texts that the windows show: the
// literal first argument of lang.L and lang.N in the ui package, every
// message template of the domain (Msg and Errorf in app and its
// sub-packages) and of the store, whose errors reach the window too, and
// the words of the hand-out.
func translationKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{} // key → where it is used
	scan := func(pattern string, argOf func(call *ast.CallExpr) ast.Expr) {
		inspectGo(t, pattern, func(fset *token.FileSet, n ast.Node) {
			if call, ok := n.(*ast.CallExpr); ok {
				addLiteral(keys, fset, argOf(call))
			}
		})
	}
	nameOf := func(call *ast.CallExpr) string {
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr:
			if x, ok := fn.X.(*ast.Ident); ok {
				return x.Name + "." + fn.Sel.Name
			}
		case *ast.Ident:
			return fn.Name
		}
		return ""
	}
	arg := func(call *ast.CallExpr, i int) ast.Expr {
		if len(call.Args) > i {
			return call.Args[i]
		}
		return nil
	}
	scan("*.go", func(call *ast.CallExpr) ast.Expr {
		switch nameOf(call) {
		case "lang.L", "lang.N":
			return arg(call, 0)
		}
		return nil
	})
	scan("../app/*.go", func(call *ast.CallExpr) ast.Expr {
		switch nameOf(call) {
		case "Msg":
			return arg(call, 0)
		case "Errorf":
			return arg(call, 1)
		}
		return nil
	})
	// The labels of the settings, which the settings page translates: the
	// Label of a SettingDef, the second argument of the helpers that make one.
	scan("../app/settings.go", func(call *ast.CallExpr) ast.Expr {
		if strings.HasSuffix(nameOf(call), "Setting") {
			return arg(call, 1)
		}
		return nil
	})
	scanLabels(t, keys, "../app/settings.go")
	// The wiring's own messages (main.go).
	scan("../*.go", func(call *ast.CallExpr) ast.Expr {
		if nameOf(call) == "app.Errorf" {
			return arg(call, 1)
		}
		return nil
	})
	scanCommandLine(t, keys)
	// The forms of the audit's details, which both interfaces translate.
	for _, form := range app.AuditDetailForms() {
		keys[form] = "app.AuditDetailForms"
	}
	// The domain's sub-packages and the adapters that run in production
	// (the in-memory store serves tests only).
	domainMessages := func(call *ast.CallExpr) ast.Expr {
		switch nameOf(call) {
		case "app.Msg":
			return arg(call, 0)
		case "app.Errorf":
			return arg(call, 1)
		}
		return nil
	}
	scan("../app/*/*.go", domainMessages)
	scan("config/*.go", domainMessages)
	scan("../data/[^m]*/*.go", domainMessages)
	// The hand-out, which speaks the company's language: say(language, text).
	scan("handout/*.go", func(call *ast.CallExpr) ast.Expr {
		if nameOf(call) == "say" {
			return arg(call, 1)
		}
		return domainMessages(call)
	})
	return keys
}

// inspectGo calls fn on every node of the Go files (tests aside) that
// match pattern.
func inspectGo(t *testing.T, pattern string, fn func(*token.FileSet, ast.Node)) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			fn(fset, n)
			return true
		})
	}
}

// addLiteral adds a string literal to the keys, with where it is.
func addLiteral(keys map[string]string, fset *token.FileSet, e ast.Expr) {
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
			keys[s] = fset.Position(lit.Pos()).String()
		}
	}
}

// scanCommandLine adds the texts that the command line (ui/cli)
// translates: the first argument of its translating calls (L, N, say,
// note, sayN, noteN, usagef), every column of a table's header, the usage of each flag
// and the summary of each command.
func scanCommandLine(t *testing.T, keys map[string]string) {
	t.Helper()
	inspectGo(t, "cli/*.go", func(fset *token.FileSet, n ast.Node) {
		add := func(e ast.Expr) { addLiteral(keys, fset, e) }
		switch n := n.(type) {
		case *ast.CallExpr:
			var fn string
			switch f := n.Fun.(type) {
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			case *ast.Ident:
				fn = f.Name
			}
			switch {
			case slices.Contains([]string{"L", "N", "say", "note", "sayN", "noteN", "usagef"}, fn) && len(n.Args) > 0:
				add(n.Args[0])
			case fn == "header" && len(n.Args) > 1:
				for _, a := range n.Args[1:] {
					add(a)
				}
			case slices.Contains([]string{"String", "Int", "Bool", "Int64"}, fn) && len(n.Args) == 3:
				add(n.Args[2]) // a flag's usage
			}
		case *ast.CompositeLit:
			// A command: {name, args, summary, run}.
			if len(n.Elts) == 4 {
				if _, ok := n.Elts[3].(*ast.Ident); ok {
					add(n.Elts[2])
				}
			}
		}
	})
}

// scanLabels adds the string values of the fields named Label in a file.
func scanLabels(t *testing.T, keys map[string]string, name string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		key, ok := kv.Key.(*ast.Ident)
		lit, isLit := kv.Value.(*ast.BasicLit)
		if ok && isLit && key.Name == "Label" && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			keys[s] = fset.Position(lit.Pos()).String()
		}
		return true
	})
}

// scanDetails adds the templates of the audit log's details: the string
// constants of a file whose names start with "detail".

// readTranslations reads a translation file: key → every form of its text
// (one, or several for a plural).
func readTranslations(t *testing.T, name string) map[string][]string {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := make(map[string][]string, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = []string{s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			t.Fatalf("%s: %q is neither a text nor plural forms", name, k)
		}
		for _, f := range forms {
			out[k] = append(out[k], f)
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestTranslationsAreComplete(t *testing.T) {
	keys := translationKeys(t)
	if len(keys) < 50 {
		t.Fatalf("only %d texts found: is the scan broken?", len(keys))
	}
	for _, file := range []string{"en.json", "fr.json"} {
		tr := readTranslations(t, file)
		var missing []string
		for k, where := range keys {
			forms, ok := tr[k]
			if !ok {
				missing = append(missing, strconv.Quote(k)+" ("+where+")")
				continue
			}
			for _, f := range forms {
				if f == "" {
					t.Errorf("%s: %q is empty", file, k)
				}
				if got, want := placeholders(f), placeholders(k); !slices.Equal(got, want) && !(len(forms) > 1 && len(got) <= len(want)) {
					t.Errorf("%s: %q uses %v, its key %v", file, f, got, want)
				}
			}
		}
		slices.Sort(missing)
		if len(missing) > 0 {
			t.Errorf("%s lacks %d texts:\n%s", file, len(missing), strings.Join(missing, "\n"))
		}
		for k := range tr {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s: %q is used nowhere", file, k)
			}
		}
	}
}

// namedCases reads, in the functions of the files matching pattern named
// funcName, each case of a closed value (app.X) and the translation key
// that it returns: how a window or the command line names that value.
func namedCases(t *testing.T, pattern, funcName string) map[string]string {
	t.Helper()
	out := map[string]string{}
	inspectGo(t, pattern, func(_ *token.FileSet, n ast.Node) {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != funcName {
			return
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok || len(cc.Body) == 0 {
				return true
			}
			ret, ok := cc.Body[0].(*ast.ReturnStmt)
			if !ok || len(ret.Results) == 0 {
				return true
			}
			call, ok := ret.Results[0].(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			for _, e := range cc.List {
				if sel, ok := e.(*ast.SelectorExpr); ok {
					out[sel.Sel.Name] = key
				}
			}
			return true
		})
	})
	return out
}

// Each closed value (a role, an outbox message's state and kind, a user's
// status) is named with one term in each language, in the window and on
// the command line alike: the window's label is the command line's word
// with a capital (the review: "Collaborateur" in the window, "employé" on
// the command line). Values whose names hold a time are phrased by each
// for its place and are left out.
func TestClosedValuesOneTermEverywhere(t *testing.T) {
	pairs := []struct{ window, cli string }{
		{"roleName", "role"}, {"mailStateName", "mailState"}, {"mailKindName", "mailKind"}, {"statusText", "stateWords"},
	}
	for _, code := range []string{"en", "fr"} {
		data, err := assets.Translations.ReadFile("translations/" + code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]any // a plural's forms are an object
		if err := json.Unmarshal(data, &tr); err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			window := namedCases(t, "*.go", p.window)
			cli := namedCases(t, "cli/*.go", p.cli)
			if len(window) == 0 || len(cli) == 0 {
				t.Fatalf("%s / %s: no cases read", p.window, p.cli)
			}
			for value, wkey := range window {
				ckey, ok := cli[value]
				if !ok || strings.Contains(wkey, "{{") || strings.Contains(ckey, "{{") {
					continue
				}
				if code == "en" && value == "RoleAdmin" {
					continue // "admin", the word that users role takes in English
				}
				w, _ := tr[wkey].(string)
				c, _ := tr[ckey].(string)
				if w == "" || !strings.EqualFold(w, c) {
					t.Errorf("%s: %s is %q in the window (%q) and %q on the command line (%q)", code, value, w, wkey, c, ckey)
				}
			}
		}
	}
}

// TestFrenchGlossary: one French word for each thing, on every screen and
// on the command line; the synonyms that crept in once are refused.
func TestFrenchGlossary(t *testing.T) {
	data, err := assets.Translations.ReadFile("translations/fr.json")
	if err != nil {
		t.Fatal(err)
	}
	var tr map[string]any
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	avoid := map[string]string{ // a synonym → the word Sésame uses
		"de secours": "e-mail de récupération", "réglage": "paramètre", "boîte mail": "boîte aux lettres",
		"boîtes mail": "boîtes aux lettres", "courriel": "e-mail", "verrouill": "bloqué, débloquer",
	}
	for key, v := range tr {
		texts := []string{}
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
		case map[string]any:
			for _, f := range v {
				texts = append(texts, fmt.Sprint(f))
			}
		}
		for _, text := range texts {
			for bad, good := range avoid {
				if strings.Contains(strings.ToLower(text), bad) {
					t.Errorf("%q says %q where Sésame says %q: %q", key, bad, good, text)
				}
			}
		}
	}
}
