package app

import (
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Settings are the company's choices. Every field is validated through Set,
// so a Settings value read from the store is always within range.
type Settings struct {
	CompanyName             string
	AdminPasswordManagement bool // administrators may set temporary passwords and recovery e-mails
	MinLength               int  // of a password that a person chooses
	GeneratedLength         int  // of a generated temporary password
	HistoryDepth            int  // how many previous passwords may not be reused
	TemporaryLifetime       time.Duration
	CustomTemporaryAllowed  bool // administrators may type a temporary password
	LockoutThreshold        int  // consecutive failures before the first lock
	LockoutFirst            time.Duration
	LockoutMax              time.Duration
	SessionIdle             time.Duration // a signed-in window signs out after this idle time
	ClipboardClear          time.Duration // a copied password is cleared from the clipboard after this time
	Language                string        // of e-mails: "en" or "fr"
	RecoveryCodeLifetime    time.Duration // a recovery code sent by e-mail is valid this long
	RecoveryCodesPerDay     int           // codes sent for one account in 24 hours, at most
	SMTP                    SMTPSettings
}

// SMTPSettings say how e-mail leaves: an SMTP server (a local relay or the
// company's provider). An empty Host means that no e-mail is sent; messages
// wait in the outbox.
type SMTPSettings struct {
	Host     string
	Port     int
	Security string // "none", "starttls" or "tls"
	Username string
	Password string // never shown back, logged or exported
	From     string
}

// Configured reports whether e-mail can be sent.
func (s SMTPSettings) Configured() bool { return s.Host != "" && s.From != "" }

// DefaultSettings are those of a new company.
func DefaultSettings() Settings {
	return Settings{
		CompanyName:             "",
		AdminPasswordManagement: true,
		MinLength:               15,
		GeneratedLength:         16,
		HistoryDepth:            5,
		TemporaryLifetime:       24 * time.Hour,
		CustomTemporaryAllowed:  true,
		LockoutThreshold:        5,
		LockoutFirst:            time.Minute,
		LockoutMax:              time.Hour,
		SessionIdle:             5 * time.Minute,
		ClipboardClear:          30 * time.Second,
		Language:                "en",
		RecoveryCodeLifetime:    15 * time.Minute,
		RecoveryCodesPerDay:     5,
		SMTP:                    SMTPSettings{Port: 587, Security: "starttls"},
	}
}

// SettingKind is how a setting's value is written.
type SettingKind int

// Setting kinds.
const (
	KindText SettingKind = iota
	KindBool
	KindInt
	KindDuration
	KindChoice // one of Choices
)

// SettingGroup is the part of the settings where a setting belongs.
type SettingGroup string

// Setting groups, in the order in which they are shown.
const (
	GroupCompany   SettingGroup = "company"
	GroupPasswords SettingGroup = "passwords"
	GroupSignIn    SettingGroup = "signin" // lockout, session, clipboard
	GroupMail      SettingGroup = "mail"   // e-mail, recovery codes included
)

// SettingName names a setting in a message: by its key where it is written
// as text (String, for the command line), by its label where a window
// translates it.
type SettingName struct{ Key, Label string }

func (n SettingName) String() string { return n.Key }

// SettingDef describes one company setting: its key (as used by the command
// line and the store), an English label (a translation key), the group it
// is shown in, its kind and allowed range.
type SettingDef struct {
	Key      string
	Label    string
	Group    SettingGroup
	Kind     SettingKind
	Min, Max int64    // for KindInt; nanoseconds for KindDuration
	Choices  []string // for KindChoice
	// Secret settings (the SMTP password) are never shown back: Display
	// says only whether one is set, and the audit only that it changed.
	Secret bool
	get    func(*Settings) string
	set    func(*Settings, string) error
}

// Range says in words which values are allowed, "" when any is.
func (d SettingDef) Range() string {
	switch d.Kind {
	case KindBool:
		return "on | off"
	case KindInt:
		return strconv.FormatInt(d.Min, 10) + "–" + strconv.FormatInt(d.Max, 10)
	case KindDuration:
		return FormatDuration(time.Duration(d.Min)) + "–" + FormatDuration(time.Duration(d.Max))
	case KindChoice:
		return strings.Join(d.Choices, " | ")
	}
	return ""
}

// Display is the value as it may be shown: a secret is replaced by whether
// it is set.
func (d SettingDef) Display(s *Settings) string {
	v := d.get(s)
	if d.Secret {
		if v == "" {
			return "(not set)"
		}
		return "(set)"
	}
	return v
}

// Name is how a message names the setting.
func (d SettingDef) Name() SettingName { return SettingName{Key: d.Key, Label: d.Label} }

func intSetting(key, label string, min, max int, field func(*Settings) *int) SettingDef {
	d := SettingDef{Key: key, Label: label, Kind: KindInt, Min: int64(min), Max: int64(max)}
	d.get = func(s *Settings) string { return strconv.Itoa(*field(s)) }
	d.set = func(s *Settings, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min || n > max {
			return Errorf(EInvalid, "{{.Key}} must be a whole number from {{.Min}} to {{.Max}}.", "Key", d.Name(), "Min", min, "Max", max)
		}
		*field(s) = n
		return nil
	}
	return d
}

func durationSetting(key, label string, min, max time.Duration, field func(*Settings) *time.Duration) SettingDef {
	d := SettingDef{Key: key, Label: label, Kind: KindDuration, Min: int64(min), Max: int64(max)}
	d.get = func(s *Settings) string { return FormatDuration(*field(s)) }
	d.set = func(s *Settings, v string) error {
		n, err := ParseDuration(v)
		if err != nil || n < min || n > max {
			return Errorf(EInvalid, "{{.Key}} must be a duration from {{.Min}} to {{.Max}} (for example 90s, 15m, 24h, 7d).",
				"Key", d.Name(), "Min", FormatDuration(min), "Max", FormatDuration(max))
		}
		*field(s) = n
		return nil
	}
	return d
}

func boolSetting(key, label string, field func(*Settings) *bool) SettingDef {
	d := SettingDef{Key: key, Label: label, Kind: KindBool}
	d.get = func(s *Settings) string {
		if *field(s) {
			return "on"
		}
		return "off"
	}
	d.set = func(s *Settings, v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on", "true", "yes", "1":
			*field(s) = true
		case "off", "false", "no", "0":
			*field(s) = false
		default:
			return Errorf(EInvalid, "{{.Key}} must be on or off.", "Key", d.Name())
		}
		return nil
	}
	return d
}

func choiceSetting(key, label string, choices []string, field func(*Settings) *string) SettingDef {
	d := SettingDef{Key: key, Label: label, Kind: KindChoice, Choices: choices}
	d.get = func(s *Settings) string { return *field(s) }
	d.set = func(s *Settings, v string) error {
		v = strings.ToLower(strings.TrimSpace(v))
		for _, c := range choices {
			if v == c {
				*field(s) = v
				return nil
			}
		}
		return Errorf(EInvalid, "{{.Key}} must be one of: {{.Choices}}.", "Key", d.Name(), "Choices", strings.Join(choices, ", "))
	}
	return d
}

func textSetting(key, label string, secret bool, check func(string) (string, error), field func(*Settings) *string) SettingDef {
	d := SettingDef{Key: key, Label: label, Kind: KindText, Secret: secret}
	d.get = func(s *Settings) string { return *field(s) }
	d.set = func(s *Settings, v string) error {
		v, err := check(v)
		if err != nil {
			return err
		}
		*field(s) = v
		return nil
	}
	return d
}

// checkHost accepts a host name (internationalised names in their ASCII
// form, UTS #46 with the STD3 rules of RFC 1123: letters, digits and
// hyphens), an IPv4 address, or an IPv6 address bare or in brackets (RFC
// 5321 §4.1.3); or "" for none. The value is kept as typed. Anything else — spaces,
// newlines, escape characters, a port, a path, a zone — is refused.
func checkHost(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	bad := Errorf(EInvalid, "{{.Key}} must be a host name or an address, such as smtp.example.com, 127.0.0.1 or [::1].",
		"Key", SettingName{Key: "smtp.host", Label: "SMTP server"})
	literal := strings.HasPrefix(v, "[")
	if literal {
		inner, ok := strings.CutSuffix(v[1:], "]")
		a, err := netip.ParseAddr(inner)
		if !ok || err != nil || !a.Is6() || a.Zone() != "" {
			return "", bad
		}
		return v, nil
	}
	if a, err := netip.ParseAddr(v); err == nil {
		if a.Zone() != "" {
			return "", bad
		}
		return v, nil
	}
	h, err := idna.Lookup.ToASCII(v)
	if err != nil || len(h) > 253 || strings.Trim(h, ".") == "" || strings.Contains(h, "..") {
		return "", bad
	}
	return v, nil
}

// checkFrom accepts an e-mail address, or "" for none.
func checkFrom(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	return CheckEmail(v)
}

// anyText accepts a value of at most 1,024 bytes on one line, without
// control or direction-override characters, which would garble the
// windows, the audit and a terminal.
func anyText(v string) (string, error) {
	if len(v) > 1024 || !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
	}) >= 0 {
		return "", Errorf(EInvalid, "The value is too long, or holds a line break or characters that cannot be shown.")
	}
	return v, nil
}

var settingDefs = slices.Concat(
	grouped(GroupCompany,
		SettingDef{
			Key: "company.name", Label: "Company name", Kind: KindText,
			get: func(s *Settings) string { return s.CompanyName },
			set: func(s *Settings, v string) error {
				v, err := CheckName(v)
				if err != nil {
					return Errorf(EInvalid, "The company name is empty, too long (at most 200 characters) or holds characters that cannot be shown.")
				}
				s.CompanyName = v
				return nil
			},
		},
		boolSetting("company.admin_password_management", "Administrators manage passwords", func(s *Settings) *bool { return &s.AdminPasswordManagement }),
	),
	grouped(GroupPasswords,
		intSetting("password.min_length", "Minimum password length", 8, 64, func(s *Settings) *int { return &s.MinLength }),
		intSetting("password.generated_length", "Length of generated passwords", 12, 64, func(s *Settings) *int { return &s.GeneratedLength }),
		intSetting("password.history", "Previous passwords that may not be reused", 0, 24, func(s *Settings) *int { return &s.HistoryDepth }),
		durationSetting("temporary.lifetime", "Temporary password lifetime", time.Hour, 30*24*time.Hour, func(s *Settings) *time.Duration { return &s.TemporaryLifetime }),
		boolSetting("temporary.custom_allowed", "Administrators may type a temporary password", func(s *Settings) *bool { return &s.CustomTemporaryAllowed }),
	),
	grouped(GroupSignIn,
		intSetting("lockout.threshold", "Failed sign-ins before a lock", 1, 100, func(s *Settings) *int { return &s.LockoutThreshold }),
		durationSetting("lockout.first", "First lock", time.Second, 24*time.Hour, func(s *Settings) *time.Duration { return &s.LockoutFirst }),
		durationSetting("lockout.max", "Longest lock", time.Second, 7*24*time.Hour, func(s *Settings) *time.Duration { return &s.LockoutMax }),
		durationSetting("session.idle", "Sign out after inactivity", 30*time.Second, 8*time.Hour, func(s *Settings) *time.Duration { return &s.SessionIdle }),
		durationSetting("clipboard.clear", "Clear a copied password after", 5*time.Second, 10*time.Minute, func(s *Settings) *time.Duration { return &s.ClipboardClear }),
	),
	grouped(GroupMail,
		choiceSetting("company.language", "Language of e-mails", languageCodes(), func(s *Settings) *string { return &s.Language }),
		durationSetting("recovery.code_lifetime", "A recovery code is valid for", 5*time.Minute, 24*time.Hour, func(s *Settings) *time.Duration { return &s.RecoveryCodeLifetime }),
		intSetting("recovery.codes_per_day", "Recovery codes per account in 24 hours", 1, 50, func(s *Settings) *int { return &s.RecoveryCodesPerDay }),
		textSetting("smtp.host", "SMTP server", false, checkHost, func(s *Settings) *string { return &s.SMTP.Host }),
		intSetting("smtp.port", "SMTP port", 1, 65535, func(s *Settings) *int { return &s.SMTP.Port }),
		choiceSetting("smtp.security", "SMTP security", []string{"none", "starttls", "tls"}, func(s *Settings) *string { return &s.SMTP.Security }),
		textSetting("smtp.username", "SMTP user name", false, anyText, func(s *Settings) *string { return &s.SMTP.Username }),
		textSetting("smtp.password", "SMTP password", true, anyText, func(s *Settings) *string { return &s.SMTP.Password }),
		textSetting("smtp.from", "Sender address", false, checkFrom, func(s *Settings) *string { return &s.SMTP.From }),
	),
)

// grouped puts settings in a group.
func grouped(g SettingGroup, defs ...SettingDef) []SettingDef {
	for i := range defs {
		defs[i].Group = g
	}
	return defs
}

// SettingGroups lists the groups of settings, in the order of SettingDefs.
func SettingGroups() []SettingGroup {
	return []SettingGroup{GroupCompany, GroupPasswords, GroupSignIn, GroupMail}
}

// SettingDefs lists every setting, in the order in which they are shown.
func SettingDefs() []SettingDef { return append([]SettingDef(nil), settingDefs...) }

// LookupSetting finds a setting by key.
func LookupSetting(key string) (SettingDef, error) {
	for _, d := range settingDefs {
		if d.Key == key {
			return d, nil
		}
	}
	keys := make([]string, len(settingDefs))
	for i, d := range settingDefs {
		keys[i] = d.Key
	}
	sort.Strings(keys)
	return SettingDef{}, Errorf(EInvalid, "Unknown setting \"{{.Key}}\". Known settings: {{.Keys}}.", "Key", key, "Keys", strings.Join(keys, ", "))
}

// Get returns the value of a setting, written as Set accepts it; a secret
// is never given back, only whether it is set.
func (s *Settings) Get(key string) (string, error) {
	d, err := LookupSetting(key)
	if err != nil {
		return "", err
	}
	return d.Display(s), nil
}

// Set validates and sets one setting; on error s is unchanged.
func (s *Settings) Set(key, value string) error {
	d, err := LookupSetting(key)
	if err != nil {
		return err
	}
	next := *s
	if err := d.set(&next, value); err != nil {
		return err
	}
	if err := next.check(); err != nil {
		return err
	}
	*s = next
	return nil
}

// check holds the rules that tie settings together.
func (s *Settings) check() error {
	if s.LockoutMax < s.LockoutFirst {
		return Errorf(EInvalid, "The longest lock ({{.Max}}) cannot be shorter than the first lock ({{.First}}).",
			"Max", FormatDuration(s.LockoutMax), "First", FormatDuration(s.LockoutFirst))
	}
	return nil
}

// Values returns every setting as key → value.
func (s *Settings) Values() map[string]string {
	m := make(map[string]string, len(settingDefs))
	for _, d := range settingDefs {
		m[d.Key] = d.get(s)
	}
	return m
}

// SettingsFrom builds settings from stored values over the defaults. A value
// that no longer validates (a range narrowed by a newer version) keeps its
// default rather than stopping the program.
func SettingsFrom(values map[string]string) Settings {
	s := DefaultSettings()
	for _, d := range settingDefs {
		if v, ok := values[d.Key]; ok {
			next := s
			if d.set(&next, v) == nil {
				s = next
			}
		}
	}
	if s.check() != nil {
		d := DefaultSettings()
		s.LockoutFirst, s.LockoutMax = d.LockoutFirst, d.LockoutMax
	}
	return s
}

// ParseDuration reads a duration such as "90s", "15m", "24h", "1h30m" or
// "7d" (days, which time.ParseDuration does not know).
func ParseDuration(v string) (time.Duration, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if strings.HasSuffix(v, "d") {
		n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
		if err != nil {
			return 0, err
		}
		if n < 0 || n > int(math.MaxInt64/int64(24*time.Hour)) {
			return 0, strconv.ErrRange // it would wrap around into another duration
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

// FormatDuration writes a duration the short way: 24h, 30d, 1m, 90s, 1h30m.
func FormatDuration(d time.Duration) string {
	if d >= 48*time.Hour && d%(24*time.Hour) == 0 { // 24h reads better than 1d
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	s := d.String()
	s = strings.Replace(s, "m0s", "m", 1)
	s = strings.Replace(s, "h0m", "h", 1)
	return s
}

// GeneratedPasswordLength is the length of a generated password: the
// configured one, raised to the minimum length so that every generated
// password passes the policy.
func (s *Settings) GeneratedPasswordLength() int { return max(s.GeneratedLength, s.MinLength) }
