package locale

import "testing"

func TestLanguage(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "fr"},
		{map[string]string{"LANG": "fr_CA.UTF-8"}, "fr"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, "en"}, // C means no translation (gettext)
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "fr:en"}, "fr"},
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "de:fr"}, "fr"},
		{map[string]string{"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "fr_BE.UTF-8"}, "fr"},
		{map[string]string{"LC_ALL": "POSIX"}, "en"},
	} {
		for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
			t.Setenv(k, tt.env[k])
		}
		if got := Language(); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestIsC(t *testing.T) {
	for loc, want := range map[string]bool{"C": true, "C.UTF-8": true, "C.utf8": true, "POSIX": true, "C@euro": true, "": false, "fr_FR.UTF-8": false, "CA": false} {
		if IsC(loc) != want {
			t.Errorf("IsC(%q) = %v", loc, !want)
		}
	}
}
