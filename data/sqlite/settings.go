package sqlite

import (
	"sesame/app"
)

// SettingValues returns the stored settings, key → value.
func (t *tx) SettingValues() (map[string]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, app.Internal(err)
	}
	defer rows.Close()
	values := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, app.Internal(err)
		}
		values[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, app.Internal(err)
	}
	return values, nil
}

// PutSetting stores the value of a setting.
func (t *tx) PutSetting(key, value string) error {
	_, err := t.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	t.changed |= app.ChangedSettings
	return err
}
