package sqlite_test

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"sesame/app"
	"sesame/app/userfile"
)

// BenchmarkImport measures the import of files of users into a real file
// of SESAME_BENCH_USERS generated users (1,000,000 unless set), with the
// production argon2id parameters:
//
//   - the preview (userfile.Read and PlanImport) of a 150,000-row Google
//     Workspace upload of new users: target 5 s;
//   - the import of 10,000 new users with generated temporary passwords,
//     in ten rounds of 1,000, each beside its peer measured right before it
//     on the same machine (hashing 1,000 passwords alone, on every core):
//     target at most 1.1 × (10,000 × one hash ÷ cores);
//   - the same 10,000 rows imported again, from reading the file to the
//     audit row that says there was nothing to do: target 2 s.
func BenchmarkImport(b *testing.B) {
	size := benchUsers(b)
	const n, rounds, previewRows = 10_000, 10, 150_000
	bl := benchBlocklist()
	hasher := app.Hasher{}
	actor := app.SystemActor("bench")
	for b.Loop() {
		b.StopTimer()
		_, svc := benchDirectory(b, bl, size)

		// The preview of Google's largest file.
		google := googleFile(previewRows)
		start := time.Now()
		f, err := userfile.Read(bytes.NewReader(google), userfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		read := time.Since(start)
		plan, err := svc.PlanImport(b.Context(), actor, app.ImportRequest{FileName: "google.csv", Records: f.Records})
		preview := time.Since(start)
		if err != nil || plan.Create != previewRows {
			b.Fatalf("preview: %d to create, %v", plan.Create, err)
		}

		// 10,000 new users, in rounds, each beside its peer.
		file := sesameFile(n)
		f, err = userfile.Read(bytes.NewReader(file), userfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var imported, planned, peer time.Duration
		var hashes []time.Duration
		for r := range rounds {
			chunk := f.Records[r*n/rounds : (r+1)*n/rounds]
			peer += measurePeer(b, hasher, len(chunk), &hashes)
			b.StartTimer()
			start := time.Now()
			plan, err := svc.PlanImport(b.Context(), actor, app.ImportRequest{FileName: "people.csv", Records: chunk})
			planned += time.Since(start)
			if err != nil || plan.Create != len(chunk) {
				b.Fatalf("plan: %d to create, %v", plan.Create, err)
			}
			res, err := svc.ApplyImport(b.Context(), actor, plan, nil)
			if err == nil { // as the command line does once the hand-out is saved
				err = svc.HandoutSaved(b.Context(), actor, res.ID)
			}
			imported += time.Since(start)
			b.StopTimer()
			if err != nil || res.Created != len(chunk) {
				b.Fatalf("import: %d created, %v", res.Created, err)
			}
		}

		// The same file again: nothing to do.
		start = time.Now()
		f, err = userfile.Read(bytes.NewReader(file), userfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		plan, err = svc.PlanImport(b.Context(), actor, app.ImportRequest{FileName: "people.csv", Records: f.Records})
		if err != nil || plan.Unchanged != n {
			b.Fatalf("re-import plan: %d unchanged, %v", plan.Unchanged, err)
		}
		if res, err := svc.ApplyImport(b.Context(), actor, plan, nil); err != nil || res.Created+res.Updated != 0 {
			b.Fatalf("re-import: %+v, %v", res, err)
		}
		again := time.Since(start)

		slices.Sort(hashes)
		hash := hashes[len(hashes)/2]
		ideal := time.Duration(n) * hash / time.Duration(runtime.GOMAXPROCS(0))
		b.ReportMetric(preview.Seconds(), "preview150k-s")
		b.ReportMetric(imported.Seconds(), "import10k-s")
		b.ReportMetric(peer.Seconds(), "peer-s")
		b.ReportMetric(float64(imported)/float64(peer), "×peer")
		b.ReportMetric(float64(imported)/float64(ideal), "×ideal")
		b.ReportMetric(again.Seconds(), "reimport-s")
		b.Logf("directory of %d users; preview of %d rows: %v (reading %v); %d users imported in %v (plans %v); "+
			"hashing as many alone on every core beside it: %v (ratio %.3f); one hash %v, %d cores: %v (ratio %.3f); "+
			"the same file again: %v", size, previewRows, preview.Round(time.Millisecond), read.Round(time.Millisecond), n,
			imported.Round(time.Millisecond), planned.Round(time.Millisecond), peer.Round(time.Millisecond),
			float64(imported)/float64(peer), hash.Round(10*time.Microsecond), runtime.GOMAXPROCS(0),
			ideal.Round(time.Millisecond), float64(imported)/float64(ideal), again.Round(time.Millisecond))
		b.StartTimer()
	}
}

// googleFile is a Google Workspace upload of n new users, with the columns
// of Google's template.
func googleFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Password Hash Function [UPLOAD ONLY],Org Unit Path [Required],Recovery Email,Employee ID,Department,Change Password at Next Sign-In,New Status [UPLOAD ONLY]\n")
	for i := range n {
		fmt.Fprintf(&b, "Prénom%d,Nom%d,new%06d@import.example,,,/Ventes,perso%d@mail.example,E%d,Ventes,TRUE,Active\n", i, i, i, i, i)
	}
	return b.Bytes()
}

// sesameFile is a file of Sésame's own format of n new users.
func sesameFile(n int) []byte {
	var b strings.Builder
	b.WriteString("login,name,role,mailbox,recovery_email,disabled\n")
	for i := range n {
		fmt.Fprintf(&b, "user%05d@import.example,Imported User %d,employee,%s,,no\n", i, i, map[bool]string{true: "yes", false: "no"}[i%4 != 0])
	}
	return []byte(b.String())
}

// BenchmarkImportPreview measures the preview alone (userfile.Read and
// PlanImport) of a 150,000-row Google Workspace upload of new users into a
// real file of SESAME_BENCH_USERS generated users (1,000,000 unless set):
// target 5 s. Reading the file alone is reported beside it.
func BenchmarkImportPreview(b *testing.B) {
	size := benchUsers(b)
	const rows = 150_000
	_, svc := benchDirectory(b, benchBlocklist(), size)
	google := googleFile(rows)
	actor := app.SystemActor("bench")
	var read time.Duration
	for b.Loop() {
		start := time.Now()
		f, err := userfile.Read(bytes.NewReader(google), userfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		read += time.Since(start)
		plan, err := svc.PlanImport(b.Context(), actor, app.ImportRequest{FileName: "google.csv", Records: f.Records})
		if err != nil || plan.Create != rows {
			b.Fatalf("preview: %d to create, %v", plan.Create, err)
		}
	}
	b.ReportMetric(read.Seconds()/float64(b.N), "read-s/op")
}
