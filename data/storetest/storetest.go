// Package storetest is the contract of app.Store and app.Tx, written once as
// exported test functions and run against every store: the in-memory store,
// SQLite and PostgreSQL. Each function takes a NewStore, which makes an
// empty store for one test; Run runs them all.
//
// What is specific to one store (files and their modes, connection strings,
// two processes, the engine's own index) is tested in that store's package.
package storetest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"sesame/app"
)

// NewStore returns a new, empty store, closed when the test ends.
type NewStore func(t testing.TB) app.Store

// Checker is a store that can verify its own structures (a search index,
// counters): the suite calls it after writes that keep them.
type Checker interface {
	CheckIndex(ctx context.Context) error
}

// tests lists the contract, in the order Run runs it.
var tests = []struct {
	name string
	fn   func(*testing.T, NewStore)
}{
	{"UserRoundTrip", TestUserRoundTrip},
	{"UpdateUserStoresEveryField", TestUpdateUserStoresEveryField},
	{"UserByEmailComparesKeys", TestUserByEmailComparesKeys},
	{"MissingUsers", TestMissingUsers},
	{"DuplicateLogin", TestDuplicateLogin},
	{"InvalidUsers", TestInvalidUsers},
	{"HasUsersAndActiveAdmins", TestHasUsersAndActiveAdmins},
	{"LookAlikes", TestLookAlikes},
	{"LockedUntilComesFromThrottle", TestLockedUntilComesFromThrottle},
	{"PasswordHistory", TestPasswordHistory},
	{"TemporaryPasswordsKeepToThemselves", TestTemporaryPasswordsKeepToThemselves},
	{"Throttle", TestThrottle},
	{"PurgeThrottle", TestPurgeThrottle},
	{"Settings", TestSettings},
	{"Audit", TestAudit},
	{"Outbox", TestOutbox},
	{"RecoveryCodes", TestRecoveryCodes},
	{"RecoveryCodesSent", TestRecoveryCodesSent},
	{"WriteRollsBackOnError", TestWriteRollsBackOnError},
	{"WriteRollsBackOnPanic", TestWriteRollsBackOnPanic},
	{"ReadCannotWrite", TestReadCannotWrite},
	{"CanceledContext", TestCanceledContext},
	{"SearchFoldsAccentsAndCase", TestSearchFoldsAccentsAndCase},
	{"SearchFindsLoginAndRecoveryFragments", TestSearchFindsLoginAndRecoveryFragments},
	{"SearchEmptyQueryListsEveryoneInNameOrder", TestSearchEmptyQueryListsEveryoneInNameOrder},
	{"SearchPaging", TestSearchPaging},
	{"SearchSpecialCharacters", TestSearchSpecialCharacters},
	{"SearchAgainstModel", TestSearchAgainstModel},
	{"CountMatching", TestCountMatching},
	{"SearchSeparatorsAndLetters", TestSearchSeparatorsAndLetters},
	{"DirectoryAgainstBruteForce", TestDirectoryAgainstBruteForce},
	{"TextCountsAfterWrites", TestTextCountsAfterWrites},
	{"NextChange", TestNextChange},
	{"ConcurrentWritesAreSerializable", TestConcurrentWritesAreSerializable},
	{"ConcurrentLastAdministrator", TestConcurrentLastAdministrator},
	{"ConcurrentOutboxClaims", TestConcurrentOutboxClaims},
	{"ExportImportRoundTrip", TestExportImportRoundTrip},
	{"ImportRefusesNonEmptyStore", TestImportRefusesNonEmptyStore},
	{"ImportChangesNothingOnError", TestImportChangesNothingOnError},
	{"StaleUpdateRefused", TestStaleUpdateRefused},
	{"WatchReportsCommits", TestWatchReportsCommits},
}

// Run runs the whole contract, each test on new stores from newStore.
func Run(t *testing.T, newStore NewStore) {
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) { c.fn(t, newStore) })
	}
}

// write runs fn in a write transaction and fails the test on error.
func write(t testing.TB, s app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := s.Write(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// read runs fn in a read transaction and fails the test on error.
func read(t testing.TB, s app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := s.Read(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// createUsers stores users in one transaction and returns them with their IDs.
func createUsers(t testing.TB, s app.Store, users ...app.User) []app.User {
	t.Helper()
	write(t, s, func(tx app.Tx) error {
		for i := range users {
			if err := tx.CreateUser(&users[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return users
}

// Employee returns a user with a mailbox and no password.
func Employee(name, email string) app.User {
	return app.User{Name: name, Email: email, Role: app.RoleEmployee, HasMailbox: true}
}

// wantCode fails the test unless err is an *app.Error with this code.
func wantCode(t testing.TB, err error, code app.ErrorCode) {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *app.Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("error code %s (%v), want %s", e.Code, err, code)
	}
}

// checkIndex asks the store to verify its own structures, if it can.
func checkIndex(t testing.TB, s app.Store) {
	t.Helper()
	if c, ok := s.(Checker); ok {
		if err := c.CheckIndex(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}

// countUsers counts every user, as the window's count does.
func countUsers(t testing.TB, s app.Store) int {
	t.Helper()
	return countMatching(t, s, "", math.MaxInt32)
}

// sameFields compares two values of one struct type field by field, times
// by instant (and zero only with zero), and reports the differences.
func sameFields(t testing.TB, what string, got, want any) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gt, ok := g.(time.Time); ok {
			if wt := w.(time.Time); !gt.Equal(wt) || gt.IsZero() != wt.IsZero() {
				t.Errorf("%s: %s = %v, want %v", what, name, gt, wt)
			}
			continue
		}
		if g != w {
			t.Errorf("%s: %s = %v, want %v", what, name, g, w)
		}
	}
}
