package app

import (
	"errors"
	"maps"
	"strings"
	"text/template"
)

// ErrorCode classifies an error so that callers (windows, command line) can
// react without parsing text.
type ErrorCode string

// Error codes.
const (
	EInvalid   ErrorCode = "invalid"   // bad input; nothing changed
	ENotFound  ErrorCode = "not_found" // no such user
	EConflict  ErrorCode = "conflict"  // e.g. the login is already taken
	EForbidden ErrorCode = "forbidden" // the action is not allowed (option off, last admin, not an admin)
	EPolicy    ErrorCode = "policy"    // a password was rejected by the policy; see Reasons
	EAuth      ErrorCode = "auth"      // invalid credentials (unknown login or wrong password alike)
	ELocked    ErrorCode = "locked"    // too many failures: Message.Data["Until"] says until when
	EExpired   ErrorCode = "expired"   // the temporary password has expired
	EDisabled  ErrorCode = "disabled"  // the account is disabled
	EInternal  ErrorCode = "internal"  // a failure of the machine, not of the input
	// ELookAlike: a new login or recovery address looks like an existing
	// login (UTS #39); allowed only when the administrator confirms it.
	ELookAlike ErrorCode = "look_alike"
	// EStale: the record was changed (on another workstation, say) since
	// it was read; nothing was saved. Read it again, or confirm.
	EStale ErrorCode = "stale"
)

// Message is a sentence fit to show a person: an English template (which is
// also the translation key) and the values it refers to, as in
// "The minimum length is {{.Min}} characters.".
type Message struct {
	Text string
	Data map[string]any
}

// Msg builds a Message from a template and alternating key, value pairs.
func Msg(text string, kv ...any) Message {
	m := Message{Text: text}
	if len(kv) > 0 {
		m.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m.Data[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}

// WithData returns m with each value of its data passed through f, so
// that a window or the command line can write the values it knows in its
// own way (a time in its language and layout, a setting by its label). m
// itself is left as it is.
func (m Message) WithData(f func(v any) any) Message {
	if len(m.Data) == 0 {
		return m
	}
	data := make(map[string]any, len(m.Data))
	for k, v := range m.Data {
		data[k] = f(v)
	}
	m.Data = data
	return m
}

// String renders the message in English.
func (m Message) String() string { return Render(m.Text, m.Filled(Message.String)) }

// Filled returns the message's data with each nested message (a value of
// type Message, as the parts of a longer sentence are) written by write,
// which renders it in the language of the whole.
func (m Message) Filled(write func(Message) string) map[string]any {
	var data map[string]any
	for k, v := range m.Data {
		if nested, ok := v.(Message); ok {
			if data == nil {
				data = maps.Clone(m.Data)
			}
			data[k] = write(nested)
		}
	}
	if data == nil {
		return m.Data
	}
	return data
}

// Render fills an English (or translated) template with data. A template
// that does not parse is returned as it is, so that a message is never lost.
func Render(text string, data map[string]any) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	t, err := template.New("").Option("missingkey=zero").Parse(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return text
	}
	return b.String()
}

// Error is the one error type of the domain: a code, a message for a person
// and, for a rejected password, every reason.
type Error struct {
	Code    ErrorCode
	Message Message
	Reasons []Message
	Err     error // the underlying cause, for logs; never shown to a person
}

func (e *Error) Error() string {
	s := e.Message.String()
	for _, r := range e.Reasons {
		s += "\n- " + r.String()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and message.
func Errorf(code ErrorCode, text string, kv ...any) *Error {
	return &Error{Code: code, Message: Msg(text, kv...)}
}

// Internal wraps a machine failure behind a message that a person can read.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Message: Msg("Something went wrong while saving or reading data. Nothing was changed."), Err: err}
}

// CodeOf returns the code of err, EInternal for a foreign error, "" for nil.
func CodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns err as an *Error, wrapping a foreign error as internal.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
