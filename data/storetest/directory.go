package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"sesame/app"
)

// Directory is a whole directory held in memory: an app.DirectoryWriter
// that records what it is handed, and a source to import.
type Directory struct {
	SettingRows  [][2]string
	UserRows     []app.User
	HistoryRows  []app.PasswordHistoryEntry
	ThrottleRows []app.Throttle
	AuditRows    []app.AuditEvent
	MailRows     []app.OutboxMessage
	CodeRows     []app.RecoveryCode
	SendRows     []app.RecoverySend
}

var _ app.DirectoryWriter = (*Directory)(nil)

func (d *Directory) Setting(k, v string) error {
	d.SettingRows = append(d.SettingRows, [2]string{k, v})
	return nil
}
func (d *Directory) User(u app.User) error { d.UserRows = append(d.UserRows, u); return nil }
func (d *Directory) PasswordHistory(h app.PasswordHistoryEntry) error {
	d.HistoryRows = append(d.HistoryRows, h)
	return nil
}
func (d *Directory) Throttle(t app.Throttle) error {
	d.ThrottleRows = append(d.ThrottleRows, t)
	return nil
}
func (d *Directory) Audit(e app.AuditEvent) error   { d.AuditRows = append(d.AuditRows, e); return nil }
func (d *Directory) Mail(m app.OutboxMessage) error { d.MailRows = append(d.MailRows, m); return nil }
func (d *Directory) RecoveryCode(c app.RecoveryCode) error {
	d.CodeRows = append(d.CodeRows, c)
	return nil
}

func (d *Directory) RecoverySend(r app.RecoverySend) error {
	d.SendRows = append(d.SendRows, r)
	return nil
}

// Counts counts the rows of d.
func (d *Directory) Counts() app.DirectoryCounts {
	return app.DirectoryCounts{Settings: len(d.SettingRows), Users: len(d.UserRows), PasswordHistory: len(d.HistoryRows),
		Throttle: len(d.ThrottleRows), Audit: len(d.AuditRows), Outbox: len(d.MailRows), RecoveryCodes: len(d.CodeRows),
		RecoverySends: len(d.SendRows)}
}

// WriteTo hands every row of d to w, in the order of app.DirectoryWriter.
func (d *Directory) WriteTo(w app.DirectoryWriter) (app.DirectoryCounts, error) {
	var errs []error
	for _, s := range d.SettingRows {
		errs = append(errs, w.Setting(s[0], s[1]))
	}
	for _, u := range d.UserRows {
		errs = append(errs, w.User(u))
	}
	for _, h := range d.HistoryRows {
		errs = append(errs, w.PasswordHistory(h))
	}
	for _, t := range d.ThrottleRows {
		errs = append(errs, w.Throttle(t))
	}
	for _, e := range d.AuditRows {
		errs = append(errs, w.Audit(e))
	}
	for _, m := range d.MailRows {
		errs = append(errs, w.Mail(m))
	}
	for _, c := range d.CodeRows {
		errs = append(errs, w.RecoveryCode(c))
	}
	for _, r := range d.SendRows {
		errs = append(errs, w.RecoverySend(r))
	}
	return d.Counts(), errors.Join(errs...)
}

// Export reads the whole directory of s.
func Export(t testing.TB, s app.Store) *Directory {
	t.Helper()
	d := &Directory{}
	n, err := archive(t, s).Export(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	if n != d.Counts() {
		t.Errorf("Export says it handed %+v, it handed %+v", n, d.Counts())
	}
	return d
}

func archive(t testing.TB, s app.Store) app.Archive {
	t.Helper()
	a, ok := s.(app.Archive)
	if !ok {
		t.Fatalf("%T is not an app.Archive", s)
	}
	return a
}

// SameDirectory fails the test unless two directories hold the same rows,
// times compared by instant.
func SameDirectory(t testing.TB, got, want *Directory) {
	t.Helper()
	if got.Counts() != want.Counts() {
		t.Errorf("counts %+v, want %+v", got.Counts(), want.Counts())
		return
	}
	if !slices.Equal(got.SettingRows, want.SettingRows) {
		t.Errorf("settings %q, want %q", got.SettingRows, want.SettingRows)
	}
	for i := range want.UserRows {
		sameFields(t, "user", got.UserRows[i], want.UserRows[i])
	}
	for i := range want.HistoryRows {
		sameFields(t, "password history", got.HistoryRows[i], want.HistoryRows[i])
	}
	for i := range want.ThrottleRows {
		sameFields(t, "throttle", got.ThrottleRows[i], want.ThrottleRows[i])
	}
	for i := range want.AuditRows {
		sameFields(t, "audit", got.AuditRows[i], want.AuditRows[i])
	}
	for i := range want.MailRows {
		sameFields(t, "outbox", got.MailRows[i], want.MailRows[i])
	}
	for i := range want.CodeRows {
		sameFields(t, "recovery code", got.CodeRows[i], want.CodeRows[i])
	}
	for i := range want.SendRows {
		sameFields(t, "recovery code sent", got.SendRows[i], want.SendRows[i])
	}
}

// SampleDirectory is a small directory with a row of every kind, IDs with
// gaps and times to the nanosecond, in the order Export gives.
func SampleDirectory() *Directory {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011121, time.UTC)
	admin := app.User{ID: 3, Email: "Admin@Acme.example", Name: "Alice Admin", Role: app.RoleAdmin, HasMailbox: true,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$YWJj$ZGVm", PasswordChangedAt: at, LastSignInAt: at.Add(time.Nanosecond),
		CreatedAt: at.Add(-time.Hour), UpdatedAt: at, UpdatedBy: "system:root", Version: 5}
	hélène := app.User{ID: 7, Email: "helene.dupre@acme.example", Name: "Hélène Dupré", Role: app.RoleEmployee, HasMailbox: true,
		RecoveryEmail: "helene@perso.example", PasswordHash: "$argon2id$temp", PasswordTemporary: true,
		TemporaryExpiresAt: at.Add(24 * time.Hour), PasswordChangedAt: at, CreatedAt: at, UpdatedAt: at,
		UpdatedBy: "Admin@Acme.example", Version: 2}
	kiosk := app.User{ID: 8, Email: "kiosk@nomail.acme.example", Name: "Kiosk Ωmega", Role: app.RoleEmployee,
		Disabled: true, CreatedAt: time.Unix(0, 1<<63-1), UpdatedAt: time.Unix(0, -1<<63), Version: 1}
	return &Directory{
		SettingRows: [][2]string{{"company.name", "ACME « Sésame »"}, {"lockout.threshold", "7"}, {"smtp.password", ""}},
		UserRows:    []app.User{admin, hélène, kiosk},
		HistoryRows: []app.PasswordHistoryEntry{
			{ID: 2, UserID: 3, Hash: "$argon2id$old1", At: at.Add(-48 * time.Hour)},
			{ID: 5, UserID: 3, Hash: "$argon2id$old2", At: at},
			{ID: 6, UserID: 7, Hash: "$argon2id$temp", At: at, Temporary: true},
		},
		ThrottleRows: []app.Throttle{
			{Key: "helene.dupre@acme.example", Failures: 4, LastFailure: at},
			{Key: "stranger@elsewhere.example", Failures: 12, LockedUntil: at.Add(15 * time.Minute), LastFailure: at, Refused: 4},
		},
		AuditRows: []app.AuditEvent{
			{ID: 5, At: at.Add(-time.Hour), Actor: "system:root", Subject: "Admin@Acme.example", Action: app.ActionSetup, Details: "company: ACME"},
			{ID: 9, At: at, Actor: "Admin@Acme.example", Subject: "helene.dupre@acme.example", Action: app.ActionTemporaryGenerate},
			{ID: 10, At: at.Add(time.Nanosecond), Actor: "stranger@elsewhere.example", Action: app.ActionSignInFailure, Details: "invalid credentials"},
		},
		MailRows: []app.OutboxMessage{
			{ID: 2, Kind: app.MailPasswordChanged, To: "admin@acme.example", Subject: "Changed", Text: "t", HTML: "<p>t</p>",
				UserEmail: "Admin@Acme.example", State: app.MailSent, Attempts: 1, CreatedAt: at, SentAt: at.Add(time.Second)},
			{ID: 4, Kind: app.MailRecoveryCode, To: "helene@perso.example", Subject: "Code", Text: "1234 5678",
				UserEmail: "helene.dupre@acme.example", State: app.MailFailed, Attempts: 2, LastError: "421 later",
				NextAttemptAt: at.Add(time.Minute), CreatedAt: at, SecretUntil: at.Add(15 * time.Minute)},
		},
		CodeRows: []app.RecoveryCode{{UserID: 7, Hash: "$argon2id$code", SentTo: "helene@perso.example",
			ExpiresAt: at.Add(15 * time.Minute), Tries: 2, CreatedAt: at}},
		SendRows: []app.RecoverySend{{ID: 3, UserID: 7, SentAt: at.Add(-time.Hour)}, {ID: 8, UserID: 7, SentAt: at}},
	}
}

// TestExportImportRoundTrip: a directory imported comes out exactly as it
// went in, copies into another store exactly, and the copy then works as
// any store: found by search, locked by its throttling, new rows numbered
// after the copied ones.
func TestExportImportRoundTrip(t *testing.T, newStore NewStore) {
	want := SampleDirectory()
	a := newStore(t)
	if err := archive(t, a).Import(t.Context(), want.WriteTo); err != nil {
		t.Fatal(err)
	}
	SameDirectory(t, Export(t, a), want)
	b := newStore(t)
	n, err := app.CopyDirectory(t.Context(), archive(t, a), archive(t, b))
	if err != nil {
		t.Fatal(err)
	}
	if n != want.Counts() {
		t.Errorf("CopyDirectory copied %+v, want %+v", n, want.Counts())
	}
	SameDirectory(t, Export(t, b), want)
	checkIndex(t, b)
	if got := SearchAll(t, b, "helene", 10); !slices.Equal(got, []string{"helene.dupre@acme.example"}) {
		t.Errorf("search helene in the copy: %q", got)
	}
	if got := countMatching(t, b, "acme", 10); got != 3 {
		t.Errorf("CountMatching(acme) in the copy = %d, want 3", got)
	}
	read(t, b, func(tx app.Tx) error {
		if n, err := tx.CountMatching("", 10); n != 3 || err != nil {
			t.Errorf("CountMatching(\"\", 10) = %d, %v", n, err)
		}
		u, err := tx.UserByEmail("stranger@elsewhere.example")
		wantCode(t, err, app.ENotFound)
		if u, err = tx.UserByEmail("HELENE.DUPRE@acme.example"); err != nil {
			return err
		}
		if u.ID != 7 || !u.LockedUntil.IsZero() {
			t.Errorf("copied user %d locked until %v", u.ID, u.LockedUntil)
		}
		admins, err := tx.ActiveAdmins(10)
		if err != nil {
			return err
		}
		if len(admins) != 1 || admins[0].ID != 3 {
			t.Errorf("active administrators of the copy: %+v", admins)
		}
		history, err := tx.PasswordHistory(3, 5)
		if !slices.Equal(hashesOf(history), []string{"$argon2id$old2", "$argon2id$old1"}) {
			t.Errorf("history of the copy: %q", hashesOf(history))
		}
		return err
	})
	write(t, b, func(tx app.Tx) error {
		u := Employee("New Comer", "new@acme.example")
		if err := tx.CreateUser(&u); err != nil {
			return err
		}
		if u.ID <= 8 {
			t.Errorf("a new user after the copy got ID %d", u.ID)
		}
		if err := tx.AddAudit(app.AuditEvent{At: time.Now(), Actor: "x@acme.example", Action: app.ActionUserCreate}); err != nil {
			return err
		}
		m := app.OutboxMessage{Kind: app.MailTest, State: app.MailQueued}
		if err := tx.EnqueueMail(&m); err != nil {
			return err
		}
		if m.ID <= 4 {
			t.Errorf("a new message after the copy got ID %d", m.ID)
		}
		return nil
	})
	read(t, b, func(tx app.Tx) error {
		events, err := tx.ListAudit(app.AuditQuery{Limit: 1})
		if len(events) != 1 || events[0].ID <= 10 {
			t.Errorf("a new event after the copy: %+v", events)
		}
		return err
	})
	checkIndex(t, b)
}

// TestImportRefusesNonEmptyStore: a store with a row in any table takes no
// import (EConflict) and keeps what it had.
func TestImportRefusesNonEmptyStore(t *testing.T, newStore NewStore) {
	for name, fill := range map[string]func(app.Tx) error{
		"a user":    func(tx app.Tx) error { u := Employee("Ana", "ana@example.com"); return tx.CreateUser(&u) },
		"a setting": func(tx app.Tx) error { return tx.PutSetting("company.name", "ACME") },
		"throttling": func(tx app.Tx) error {
			return tx.PutThrottle(app.Throttle{Key: "a@example.com", Failures: 1})
		},
		"an event": func(tx app.Tx) error {
			return tx.AddAudit(app.AuditEvent{Actor: "a@example.com", Action: app.ActionSignIn})
		},
		"a message": func(tx app.Tx) error {
			return tx.EnqueueMail(&app.OutboxMessage{Kind: app.MailTest, State: app.MailSent})
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			write(t, s, fill)
			before := Export(t, s)
			err := archive(t, s).Import(t.Context(), SampleDirectory().WriteTo)
			wantCode(t, err, app.EConflict)
			SameDirectory(t, Export(t, s), before)
		})
	}
}

// TestImportChangesNothingOnError: an import that fails half-way, hands a
// row the store refuses or whose counts do not match what the store then
// holds keeps nothing.
func TestImportChangesNothingOnError(t *testing.T, newStore NewStore) {
	for name, fill := range map[string]func(app.DirectoryWriter) (app.DirectoryCounts, error){
		"error half-way": func(w app.DirectoryWriter) (app.DirectoryCounts, error) {
			d := SampleDirectory()
			d.AuditRows, d.MailRows, d.CodeRows = nil, nil, nil
			if _, err := d.WriteTo(w); err != nil {
				return app.DirectoryCounts{}, err
			}
			return app.DirectoryCounts{}, errors.New("source lost")
		},
		"counts that do not match": func(w app.DirectoryWriter) (app.DirectoryCounts, error) {
			n, err := SampleDirectory().WriteTo(w)
			n.Audit++
			return n, err
		},
		"two users with one login": func(w app.DirectoryWriter) (app.DirectoryCounts, error) {
			d := SampleDirectory()
			twin := d.UserRows[0]
			twin.ID, twin.Email = 99, "ADMIN@acme.example"
			d.UserRows = append(d.UserRows, twin)
			return d.WriteTo(w)
		},
		"a code for no user": func(w app.DirectoryWriter) (app.DirectoryCounts, error) {
			d := SampleDirectory()
			d.CodeRows[0].UserID = 42
			return d.WriteTo(w)
		},
		"a time out of range": func(w app.DirectoryWriter) (app.DirectoryCounts, error) {
			d := SampleDirectory()
			d.AuditRows[0].At = time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)
			return d.WriteTo(w)
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			if err := archive(t, s).Import(t.Context(), fill); err == nil {
				t.Fatal("the import succeeded")
			}
			checkEmpty(t, s)
			// The store takes a good import afterwards.
			if err := archive(t, s).Import(context.Background(), SampleDirectory().WriteTo); err != nil {
				t.Fatal(err)
			}
			SameDirectory(t, Export(t, s), SampleDirectory())
		})
	}
}
