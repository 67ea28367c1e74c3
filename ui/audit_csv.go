package ui

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"sesame/app"
	"sesame/app/spreadsheet"
)

// auditHeader names the columns of an exported audit log: fixed English
// names, for the programs that read the file.
var auditHeader = []string{"id", "time", "actor", "action", "subject", "details"}

// writeAuditCSV writes audit events as CSV (RFC 4180, a header row, times
// in ISO 8601 as RFC 3339 profiles it, in the machine's zone with its
// offset: 2026-11-25T10:00:00+01:00), the pages that read gives to each,
// and returns how many it wrote. A cell that a spreadsheet would run as a
// formula is written after an apostrophe (spreadsheet.Inert), so that it
// stays text: a name or a login typed by anyone reaches the log.
func writeAuditCSV(w io.Writer, read func(each func([]app.AuditEvent) error) error) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditHeader); err != nil {
		return 0, err
	}
	n := 0
	err := read(func(events []app.AuditEvent) error {
		for _, e := range events {
			record := []string{
				strconv.FormatInt(e.ID, 10),
				e.At.Local().Format(time.RFC3339),
				spreadsheet.Inert(e.Actor),
				spreadsheet.Inert(e.Action),
				spreadsheet.Inert(e.Subject),
				spreadsheet.Inert(e.Details),
			}
			if err := cw.Write(record); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}
