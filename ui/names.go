package ui

import (
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sesame/app"
)

// How the window names the domain's closed lists (roles, statuses, audit
// actions, outbox states and kinds, setting groups, languages), in its
// language.

// roleName names a role.
func roleName(r app.Role) string {
	switch r {
	case app.RoleAdmin:
		return lang.L("Administrator")
	case app.RoleEmployee:
		return lang.L("Employee")
	}
	return string(r)
}

// roleNames names the roles, in app.Roles' order.
func roleNames() []string {
	var names []string
	for _, r := range app.Roles() {
		names = append(names, roleName(r))
	}
	return names
}

// statusText says in words where a user's account stands, and how much it
// matters: what an administrator looks for in the table and at the top of
// the card.
func statusText(u app.User, now time.Time) (string, widget.Importance) {
	st := u.Status(now)
	switch st.Kind {
	case app.StatusLocked:
		return lang.L("Locked until {{.Time}}", map[string]any{"Time": dateTime(st.LockedUntil)}), widget.DangerImportance
	case app.StatusMustChange:
		return lang.L("Must change — expires {{.Time}}", map[string]any{"Time": dateTime(st.TemporaryExpiresAt)}), widget.WarningImportance
	case app.StatusExpired:
		return statusKindName(st.Kind), widget.DangerImportance
	case app.StatusDisabled, app.StatusNoPassword:
		return statusKindName(st.Kind), widget.WarningImportance
	}
	return statusKindName(st.Kind), widget.MediumImportance
}

// statusKindName names a kind of status, as a filter offers it.
func statusKindName(k app.StatusKind) string {
	switch k {
	case app.StatusDisabled:
		return lang.L("Disabled")
	case app.StatusLocked:
		return lang.L("Locked")
	case app.StatusExpired:
		return lang.L("Temporary expired")
	case app.StatusNoPassword:
		return lang.L("No password")
	case app.StatusMustChange:
		return lang.L("Must change")
	}
	return lang.L("Active")
}

// loginText is a login as the window shows it, marked when the address
// has no mailbox behind it.
func loginText(u app.User) string {
	if u.HasMailbox {
		return u.Email
	}
	return u.Email + " · " + lang.L("no mailbox")
}

// actionName names an audit action.
func actionName(action string) string {
	switch action {
	case app.ActionSetup:
		return lang.L("Company set up")
	case app.ActionUserCreate:
		return lang.L("User created")
	case app.ActionUserRename:
		return lang.L("User renamed")
	case app.ActionUserRole:
		return lang.L("Role changed")
	case app.ActionUserMailbox:
		return lang.L("Mailbox changed")
	case app.ActionUserDisable:
		return lang.L("Account disabled")
	case app.ActionUserEnable:
		return lang.L("Account enabled")
	case app.ActionUserUnlock:
		return lang.L("Account unlocked")
	case app.ActionRecoverySet:
		return lang.L("Recovery e-mail set")
	case app.ActionRecoveryClear:
		return lang.L("Recovery e-mail removed")
	case app.ActionTemporaryGenerate:
		return lang.L("Temporary password generated")
	case app.ActionTemporaryCustom:
		return lang.L("Temporary password typed")
	case app.ActionPasswordChange:
		return lang.L("Password changed")
	case app.ActionSignIn:
		return lang.L("Signed in")
	case app.ActionSignInFailure:
		return lang.L("Sign-in failed")
	case app.ActionSignInLocked:
		return lang.L("Sign-in locked")
	case app.ActionSettingChange:
		return lang.L("Setting changed")
	case app.ActionRecoveryRequest:
		return lang.L("Recovery code asked for")
	case app.ActionRecoveryFailure:
		return lang.L("Recovery code refused")
	case app.ActionMailTest:
		return lang.L("Test message queued")
	case app.ActionSignInRefused:
		return lang.L("Sign-ins refused while locked")
	case app.ActionLoginCollision:
		return lang.L("Logins that became one")
	case app.ActionLoginAtFault:
		return lang.L("Login at fault kept")
	case app.ActionImport:
		return lang.L("Users imported")
	case app.ActionBulk:
		return lang.L("Action on several users")
	}
	return action
}

// mailStateName names a message's state, with the importance to show it.
func mailStateName(st app.MailState) (string, widget.Importance) {
	switch st {
	case app.MailQueued:
		return lang.L("Queued"), widget.MediumImportance
	case app.MailSending:
		return lang.L("Sending"), widget.MediumImportance
	case app.MailSent:
		return lang.L("Sent"), widget.SuccessImportance
	case app.MailFailed:
		return lang.L("Failed"), widget.DangerImportance
	case app.MailExpired:
		return lang.L("Expired"), widget.WarningImportance
	}
	return string(st), widget.MediumImportance
}

// mailKindName says what a message is about.
func mailKindName(kind string) string {
	switch kind {
	case app.MailRecoveryCode:
		return lang.L("Recovery code")
	case app.MailTemporaryPassword:
		return lang.L("Temporary password")
	case app.MailPasswordChanged:
		return lang.L("Password change notice")
	case app.MailTest:
		return lang.L("Test message")
	}
	return kind
}

// groupName names a group of settings.
func groupName(g app.SettingGroup) string {
	switch g {
	case app.GroupCompany:
		return lang.L("Company")
	case app.GroupPasswords:
		return lang.L("Passwords")
	case app.GroupSignIn:
		return lang.L("Sign-in and session")
	}
	return lang.L("E-mail")
}

// choiceName names a value of a setting's list.
func choiceName(value string) string {
	if l, err := app.ParseLanguage(value); err == nil {
		return l.Name
	}
	switch value {
	case "none":
		return lang.L("None (unencrypted)")
	case "starttls":
		return "STARTTLS"
	case "tls":
		return "TLS"
	}
	return value
}
