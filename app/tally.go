package app

import (
	"strings"
	"time"
)

// Whoever stands at the sign-in or the "Forgot password?" form can cause
// some events as often as they like: a sign-in or a recovery code for a
// login that has no account, a code asked for again too soon, a code typed
// when none is pending. Recorded one by one, they would grow the audit log
// without bound. So each kind of them (an action, a reason and the account
// concerned, or no account at all) is audited at most once a day: the first
// is recorded as it is, the next ones of that day are only counted, in a
// throttling record, and their number is recorded as one event once the
// day is over (at the next event of that kind, or when the record is
// purged), as the attempts refused during a lock are.

// tallyPrefix starts the throttling key of a tally; no login key can start
// so (a colon is not allowed in a login).
const tallyPrefix = "tally:"

// tallyPeriod is how long the events of one kind are counted rather than
// recorded, after the one recorded.
const tallyPeriod = 24 * time.Hour

// auditOnce audits ev unless an event of its kind (its action, a reason
// and the key of the account concerned, "" for none) was audited less than
// tallyPeriod ago: then it only counts it.
func auditOnce(tx Tx, ev AuditEvent, reason, account string) error {
	key := tallyPrefix + ev.Action + ":" + reason + ":" + account
	th, err := tx.Throttle(key)
	if err != nil {
		return err
	}
	th.Key = key
	if ev.At.Before(th.LockedUntil) {
		th.Refused++
		th.LastFailure = ev.At
		return tx.PutThrottle(th)
	}
	if th.Refused > 0 {
		if err := summariseTally(tx, th, ev.At); err != nil {
			return err
		}
	}
	if err := tx.PutThrottle(Throttle{Key: key, LockedUntil: ev.At.Add(tallyPeriod), LastFailure: ev.At}); err != nil {
		return err
	}
	return tx.AddAudit(ev)
}

// summariseTally records, as one event, how many events a tally counted.
func summariseTally(tx Tx, th Throttle, now time.Time) error {
	action, rest, _ := strings.Cut(strings.TrimPrefix(th.Key, tallyPrefix), ":")
	_, account, _ := strings.Cut(rest, ":")
	actor := account
	if actor == "" {
		actor = "(logins with no account)"
	}
	return tx.AddAudit(AuditEvent{At: now, Actor: actor, Subject: account, Action: action,
		Details: detail(detailTally, "N", th.Refused, "Until", th.LockedUntil)})
}

// isTally reports whether a throttling record is a tally.
func isTally(th Throttle) bool { return strings.HasPrefix(th.Key, tallyPrefix) }

// purgeThrottle forgets the throttling records whose last event is older
// than throttleMemory and that hold no lock, recording first what they
// counted without recording it one by one.
func purgeThrottle(tx Tx, now time.Time) error {
	purged, err := tx.PurgeThrottle(now.Add(-throttleMemory))
	if err != nil {
		return err
	}
	for _, p := range purged {
		if _, err := endLock(tx, p, now); err != nil {
			return err
		}
	}
	return nil
}
