// Package sample makes directories of fictitious users, for trying Sésame
// and for benchmarks: French and English names with accents, logins like
// prenom.nom@company.example (some fictitious, with no mailbox), recovery
// e-mails, administrators, temporary and disabled accounts. The same seed
// gives the same users.
package sample

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sesame/app"
	"sesame/data/sqlite"
)

// Typed is what an administrator types in the search box of a generated
// directory, letter by letter, for benchmarks: full names, a compound first
// name, a login, a recovery domain and a text nobody holds.
var Typed = []string{"marie dupont", "jean-pierre", "helene", "lefebvre", "zoe.gagnon", "laposte", "francois m", "xqzw"}

// DummyHash is the password hash given to generated users: a well-formed
// argon2id PHC string of no real password, since hashing a million passwords
// would take hours.
const DummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// Names of generated users, French and English, most common first.
var (
	fakeFirstNames = strings.Fields(`Marie Jean Pierre Michel Nathalie Isabelle Philippe Sylvie Catherine Nicolas
		Christophe Stéphane Sophie Céline Frédéric Sébastien Julien Thomas Laurent Hélène Éric Valérie Sandrine
		Camille Léa Chloé Manon Inès Zoé Léo Louis Gabriel Raphaël Hugo Lucas Jules Arthur Théo Maël Noé
		Jean-Pierre Jean-François Marie-Claire Anne-Sophie Marie-Hélène Jean-Luc Pierre-Yves
		François Françoise Jérôme Benoît Loïc Gaëlle Anaïs Maëlys Noémie Clémence Agnès Renée André Gérard
		Émilie Élodie Aurélie Mélanie Cécile Joël Noël Yves Yvonne Xavier Béatrice Thérèse Josée Zoë
		Olivia Emma Oliver James William Sophia Charlotte Amelia Henry Jack George Emily Grace Harry Isla
		Ava Mia Ella Freya Lily Evie Alfie Oscar Archie Logan Ethan Mason Noah Liam Aiden Chloe Zara Ruby
		Siobhán Seán Niamh Åsa Søren Björn Jürgen Małgorzata Łukasz Đorđe Tomáš Agnieszka Dagný Þóra Ólafur
		Nguyễn Thuý Aoife Oisín Ciarán Róisín Ægir Geneviève Ophélie Héloïse Cyprien Honoré Anatole Églantine`)
	fakeLastNames = strings.Fields(`Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon
		Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier
		Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel
		Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez
		Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean
		Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez
		Côté Gagnon Pelletier Lévesque Bérubé Chénier Bélanger Légaré Thériault Bouchard Gosselin Létourneau
		Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson White Harris
		Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell
		O'Brien O'Connor McDonald MacLeod Müller Schröder Weiß Groß Ødegaard Ångström Kowalczyk Wójcik
		Dvořák Novák Łukaszewski Þórsson Sigurðardóttir Ó'Súilleabháin Nguyễn Trần Lê Phạm Œuvrard Lætitia
		Cœurdacier Béranger Desjardins Tremblay Bouvier Lacroix Marchal Bégué Séguin Ducharme Quenneville`)
	fakeRecoveryDomains = []string{"gmail.example", "laposte.example", "orange.example", "outlook.example",
		"proton.example", "free.example", "yahoo.example", "icloud.example"}
)

// Users yields fictitious users without end, relative to now: the same seed
// gives the same users (times apart). Their password hash is DummyHash.
func Users(seed int64, now time.Time) iter.Seq[app.User] {
	return func(yield func(app.User) bool) {
		f := newFaker(seed, now)
		for yield(f.user()) {
		}
	}
}

// faker makes fictitious users.
type faker struct {
	rng    *rand.Rand
	now    time.Time
	taken  map[string]int    // login local part → how many generated
	logins map[string]string // name → loginPart(name), which is slow
}

func newFaker(seed int64, now time.Time) *faker {
	return &faker{rng: rand.New(rand.NewPCG(uint64(seed), 0x5e5a3e)), now: now.UTC(),
		taken: map[string]int{}, logins: map[string]string{}}
}

func (f *faker) login(name string) string {
	l, ok := f.logins[name]
	if !ok {
		l = loginPart(name)
		f.logins[name] = l
	}
	return l
}

// pick returns a name from a list, the first ones more often, as in life.
func (f *faker) pick(names []string) string {
	if f.rng.IntN(2) == 0 {
		return names[f.rng.IntN(min(len(names), 30))]
	}
	return names[f.rng.IntN(len(names))]
}

func (f *faker) chance(percent int) bool { return f.rng.IntN(100) < percent }

// ago returns a time up to max before now.
func (f *faker) ago(max time.Duration) time.Time {
	return f.now.Add(-time.Duration(f.rng.Int64N(int64(max))))
}

// loginPart turns a name into a part of an e-mail address: no accents, no
// spaces, no apostrophes.
func loginPart(name string) string {
	s := app.FoldForSearch(name)
	s = strings.NewReplacer(" ", "-", "'", "", "þ", "th", "ð", "d", "æ", "ae").Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 0x80 {
			return r
		}
		return -1
	}, s)
}

func (f *faker) user() app.User {
	first, last := f.pick(fakeFirstNames), f.pick(fakeLastNames)
	if f.chance(5) {
		last += "-" + f.pick(fakeLastNames)
	}
	local := f.login(first) + "." + f.login(last)
	domain := "company.example"
	mailbox := !f.chance(5)
	if !mailbox {
		domain = "nomail.company.example"
	}
	f.taken[local]++
	if k := f.taken[local]; k > 1 {
		local += strconv.Itoa(k)
	}
	u := app.User{
		Email:      local + "@" + domain,
		Name:       first + " " + last,
		Role:       app.RoleEmployee,
		HasMailbox: mailbox,
		Disabled:   f.chance(2),
		CreatedAt:  f.ago(6 * 365 * 24 * time.Hour),
	}
	if f.chance(3) {
		u.Role = app.RoleAdmin
	}
	if f.chance(25) {
		local := f.login(first) + "." + f.login(last)
		if f.chance(50) {
			local = f.login(first)[:1] + f.login(last) + strconv.Itoa(1950+f.rng.IntN(60))
		}
		u.RecoveryEmail = local + "@" + fakeRecoveryDomains[f.rng.IntN(len(fakeRecoveryDomains))]
	}
	u.UpdatedAt = u.CreatedAt
	switch p := f.rng.IntN(100); {
	case p < 80:
		u.PasswordHash = DummyHash
		u.PasswordChangedAt = u.CreatedAt.Add(time.Duration(f.rng.Int64N(int64(f.now.Sub(u.CreatedAt)))))
		u.LastSignInAt = u.PasswordChangedAt.Add(time.Duration(f.rng.Int64N(int64(f.now.Sub(u.PasswordChangedAt)) + 1)))
		u.UpdatedAt = u.PasswordChangedAt
	case p < 85:
		u.PasswordHash = DummyHash
		u.PasswordTemporary = true
		u.PasswordChangedAt = f.ago(48 * time.Hour)
		u.TemporaryExpiresAt = u.PasswordChangedAt.Add(24 * time.Hour)
		u.UpdatedAt = u.PasswordChangedAt
	}
	return u
}

// Queries is a realistic mix of what an administrator types in the search
// box of a directory of generated users: one or two letters, common
// fragments, surnames with and without accents, full names, logins, e-mail
// domains and misses. Benchmarks and comparisons between stores use it.
var Queries = []struct{ Name, Text string }{
	{"letter", "e"},
	{"two-letters", "ma"},
	{"two-rare", "yv"},
	{"letter-rare", "z"},
	{"common-3", "mar"},
	{"common-3b", "ber"},
	{"surname", "martin"},
	{"surname-b", "Lefebvre"},
	{"accentless", "helene"},
	{"accentless-b", "Francois"},
	{"surname-rare", "chenier"},
	{"full-name", "Jean-Pierre Dub"},
	{"name-reversed", "Dupont Marie"},
	{"typo", "jean dupond"},
	{"typing", "marie mar"},
	{"login", "zoe.gagnon"},
	{"rare", "aoife.odegaard"},
	{"domain", "company.exa"},
	{"recovery-domain", "laposte"},
	{"miss", "xqzw"},
	{"miss-short", "qx"},
}

// Load adds n users of seed to a store that takes users in bulk (the
// LoadUsers of the SQLite and PostgreSQL stores) and returns how many it
// added.
func Load(ctx context.Context, db interface {
	LoadUsers(context.Context, iter.Seq[app.User], int) (int, error)
}, n int, seed int64) (int, error) {
	return db.LoadUsers(ctx, Users(seed, time.Now()), n)
}

// format names the generator: raise it when the users it makes change, so
// that cached samples are made anew (the store's schema and index are part
// of the name by themselves).
const format = 2

// OpenSQLite opens a SQLite directory of n generated users (seed) kept in
// dir, for benchmarks: made once, in tens of seconds at a million users,
// then reused by every benchmark that asks for the same sample. It returns
// how long the generation took, 0 when the sample was there already.
func OpenSQLite(dir string, n int, seed int64) (*sqlite.DB, time.Duration, error) {
	fp, err := sqlite.Fingerprint()
	if err != nil {
		return nil, 0, err
	}
	path := filepath.Join(dir, fmt.Sprintf("sesame-sample-%d-%d-%d-%s.db", n, seed, format, fp))
	db, err := sqlite.Open(path)
	if err != nil {
		return nil, 0, err
	}
	var count int
	if err := db.Read(context.Background(), func(tx app.Tx) error {
		count, err = tx.CountMatching("", n+1)
		return err
	}); err != nil || count == n {
		return db, 0, err
	}
	// Half made (an interrupted run) or another size: start again.
	db.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	if db, err = sqlite.Open(path); err != nil {
		return nil, 0, err
	}
	start := time.Now()
	if _, err := Load(context.Background(), db, n, seed); err != nil {
		db.Close()
		return nil, 0, err
	}
	return db, time.Since(start), nil
}
