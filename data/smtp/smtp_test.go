package smtp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sesame/app"
	"sesame/data/smtp"
	"sesame/data/smtp/mailpittest"
)

func message(id int64) app.OutboxMessage {
	return app.OutboxMessage{ID: id, Kind: app.MailTest, To: "jeanne@acme.example", Subject: "Hélène's test ✓",
		Text: "Bonjour Hélène,\n\nÇa marche.", HTML: "<p>Bonjour Hélène,</p><p>Ça marche.</p>", CreatedAt: time.Now()}
}

func TestSendPlain(t *testing.T) {
	srv := mailpittest.Start(t, 0)
	cfg := app.SMTPSettings{Host: "127.0.0.1", Port: srv.SMTPPort, Security: "none", From: "sesame@acme.example"}
	if err := (smtp.Sender{}).Send(context.Background(), cfg, message(7)); err != nil {
		t.Fatal(err)
	}
	got := srv.To("jeanne@acme.example")
	if len(got) != 1 {
		t.Fatalf("%d messages delivered", len(got))
	}
	m := got[0]
	if m.Subject != "Hélène's test ✓" || m.From.Address != "sesame@acme.example" || !strings.Contains(m.Text, "Ça marche.") || !strings.Contains(m.HTML, "<p>Ça marche.</p>") {
		t.Errorf("delivered %+v", m)
	}
	if !strings.HasPrefix(m.MessageID, "sesame.outbox.7.") {
		t.Errorf("Message-ID %q is not tied to the outbox row", m.MessageID)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns its files and a
// TLS configuration that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, trust *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	pool := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(der)
	pool.AddCert(cert)
	return certFile, keyFile, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

func TestSendSecuredWithAuthentication(t *testing.T) {
	certFile, keyFile, trust := selfSigned(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("relay secret 42"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	authFile := filepath.Join(t.TempDir(), "auth")
	if err := os.WriteFile(authFile, []byte("sesame:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		security string
		flag     string
	}{
		{"starttls", "--smtp-require-starttls"},
		{"tls", "--smtp-require-tls"},
	} {
		t.Run(tt.security, func(t *testing.T) {
			srv := mailpittest.Start(t, 0, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, tt.flag, "--smtp-auth-file", authFile)
			cfg := app.SMTPSettings{Host: "127.0.0.1", Port: srv.SMTPPort, Security: tt.security, From: "sesame@acme.example",
				Username: "sesame", Password: "relay secret 42"}
			sender := smtp.Sender{TLSConfig: trust, Timeout: 10 * time.Second}
			if err := sender.Send(context.Background(), cfg, message(1)); err != nil {
				t.Fatalf("send: %v", err)
			}
			if n := len(srv.To("jeanne@acme.example")); n != 1 {
				t.Fatalf("%d messages delivered", n)
			}
			cfg.Password = "wrong secret 43"
			err := sender.Send(context.Background(), cfg, message(2))
			if err == nil {
				t.Fatal("a wrong SMTP password was accepted")
			}
			if strings.Contains(err.Error(), "wrong secret 43") {
				t.Errorf("the error shows the password: %v", err)
			}
			// Without trusting the certificate, the connection is refused.
			cfg.Password = "relay secret 42"
			if err := (smtp.Sender{Timeout: 10 * time.Second}).Send(context.Background(), cfg, message(3)); err == nil {
				t.Error("an untrusted certificate was accepted")
			}
		})
	}
}

func TestSendToNobodyListening(t *testing.T) {
	cfg := app.SMTPSettings{Host: "127.0.0.1", Port: mailpittest.FreePort(t), Security: "none", From: "sesame@acme.example"}
	err := (smtp.Sender{Timeout: 5 * time.Second}).Send(context.Background(), cfg, message(1))
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("error %v, want a refused connection", err)
	}
}
