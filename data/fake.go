package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"sesame/app"
)

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

// GenerateUsers adds n fictitious users to db, all in one transaction: names
// with accents, logins like prenom.nom@company.example (some fictitious, with
// no mailbox), some recovery e-mails, about 3% administrators, some with a
// temporary password and some disabled. The same seed gives the same users
// (times apart, which are relative to now). Their password hash is DummyHash.
//
// It holds the write lock all along: about 40 s for a million users.
func GenerateUsers(ctx context.Context, db *DB, n int, seed int64) error {
	if n <= 0 {
		return nil
	}
	if err := db.writeTx(ctx, func(t *tx) error { return generate(ctx, t, n, seed) }); err != nil {
		return err
	}
	// Fold the large write-ahead log back into the database now: until
	// then, every read would look pages up in it.
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return app.Internal(err)
	}
	return nil
}

func generate(ctx context.Context, t *tx, n int, seed int64) error {
	last, _, err := t.queryInt64(`SELECT coalesce(max(id), 0) FROM users`)
	if err != nil {
		return err
	}
	// A bulk load wants a larger page cache, and FTS5 to buffer more and
	// merge once at the end rather than as it goes (see relabelAll).
	defer t.exec(fmt.Sprintf(`PRAGMA cache_size = %d`, -cacheKiB))
	for _, q := range []string{
		`PRAGMA cache_size = -262144`,
		`INSERT INTO users_grams (users_grams, rank) VALUES ('hashsize', 67108864)`,
		`INSERT INTO users_grams (users_grams, rank) VALUES ('automerge', 0)`,
	} {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	// Users are inserted unranked (rank -id): relabelAll ranks and indexes
	// them all at once, far faster than placing each one.
	stmt, err := t.tx.PrepareContext(ctx, `INSERT INTO users (id, email, email_key, name, role, has_mailbox,
		recovery_email, disabled, password_hash, password_temporary, temporary_expires_at, password_changed_at,
		last_signin_at, created_at, updated_at, sort_key, search_text, rank)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, -?1)
		ON CONFLICT (email_key) DO NOTHING`)
	if err != nil {
		return app.Internal(err)
	}
	defer stmt.Close()
	batches, stop := fakeBatches(seed, time.Now())
	defer stop()
	id, end := last+1, last+int64(n)
insert:
	for b := range batches {
		for _, u := range b {
			if id > end {
				break insert
			}
			r, err := stmt.ExecContext(ctx, id, u.Email, u.key, u.Name, string(u.Role), u.HasMailbox,
				u.RecoveryEmail, u.Disabled, u.PasswordHash, u.PasswordTemporary, timeArg(u.TemporaryExpiresAt),
				timeArg(u.PasswordChangedAt), timeArg(u.LastSignInAt), timeArg(u.CreatedAt), timeArg(u.UpdatedAt),
				u.sortKey, u.text)
			if err != nil {
				return app.Internal(err)
			}
			k, err := r.RowsAffected()
			if err != nil {
				return app.Internal(err)
			}
			if k == 1 { // else the login exists already: skip the user
				id++
			}
		}
	}
	if err := t.relabelAll(); err != nil {
		return err
	}
	for _, q := range []string{
		`INSERT INTO users_grams (users_grams, rank) VALUES ('hashsize', 1048576)`,
		`INSERT INTO users_grams (users_grams, rank) VALUES ('automerge', 4)`,
	} {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	return nil
}

// fakeUser is a generated user with the keys under which it is stored.
type fakeUser struct {
	app.User
	key, sortKey, text string
}

// fakeBatches generates users without end, in batches whose keys are
// computed on every core but which come out in the order of the faker, so
// that a seed always gives the same users. stop ends the generation.
func fakeBatches(seed int64, now time.Time) (batches <-chan []fakeUser, stop func()) {
	type batch struct {
		users []fakeUser
		done  chan struct{}
	}
	ordered, work, quit := make(chan *batch, 16), make(chan *batch, 16), make(chan struct{})
	go func() {
		defer close(ordered)
		defer close(work)
		f := newFaker(seed, now)
		for {
			b := &batch{users: make([]fakeUser, 1024), done: make(chan struct{})}
			for i := range b.users {
				b.users[i].User = f.user()
			}
			select {
			case ordered <- b:
				work <- b
			case <-quit:
				return
			}
		}
	}()
	for range runtime.NumCPU() {
		go func() {
			for b := range work {
				for i := range b.users {
					u := &b.users[i]
					u.key, u.sortKey, u.text = app.EmailKey(u.Email), app.SortKey(&u.User), searchText(&u.User)
				}
				close(b.done)
			}
		}()
	}
	out := make(chan []fakeUser)
	go func() {
		defer close(out)
		for b := range ordered {
			<-b.done
			select {
			case out <- b.users:
			case <-quit:
				// Let the workers finish what was queued.
				for range ordered {
				}
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(quit) }) }
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
