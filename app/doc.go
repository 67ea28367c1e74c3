// Package app is Sésame's domain: users and their password states, company
// settings, the password policy, generator and hasher, the sign-in state
// machine with its throttling, the administrator's actions and the audit
// trail. It defines the interfaces that the store implements and knows
// nothing of SQL or of the windows.
package app
