package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecopy/stagecopy/internal/mariadbtest"
)

// writeCert makes a certificate signed by parent (self-signed when parent is
// nil) and writes it and its key as PEM files.
func writeCert(t *testing.T, dir, name string, isCA bool, hosts []string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         isCA, BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// TestSnapshotTLS snapshots over TCP from a server that requires TLS, with
// each --ssl-mode, against a CA of the test's own.
func TestSnapshotTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := writeCert(t, dir, "ca", true, nil, nil, nil)
	writeCert(t, dir, "server", false, []string{"127.0.0.1", "localhost"}, ca, caKey)
	writeCert(t, dir, "other-ca", true, nil, nil, nil)
	srv, port := mariadbtest.StartTCPServer(t,
		"--ssl-ca="+filepath.Join(dir, "ca.pem"), "--ssl-cert="+filepath.Join(dir, "server.pem"), "--ssl-key="+filepath.Join(dir, "server-key.pem"),
		"--require-secure-transport=ON")
	srv.Exec(t, "", "CREATE DATABASE shop; CREATE TABLE shop.t (id INT PRIMARY KEY, email VARCHAR(100)); INSERT INTO shop.t VALUES (1,'alice@example-customer.net');"+
		"CREATE USER 'tls'@'127.0.0.1' IDENTIFIED BY 'pw-tls-1'; GRANT SELECT, RELOAD ON *.* TO 'tls'@'127.0.0.1';")
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("pw-tls-1\n"), 0o600)
	rulesFile := filepath.Join(dir, "r.yml")
	os.WriteFile(rulesFile, []byte("version: 1\ntables:\n  t:\n    columns:\n      email: email\n"), 0o644)
	snap := func(mode, ca string) (int, string) {
		args := []string{"snapshot", "-q", "-r", rulesFile, "--host", "127.0.0.1", "--port", fmt.Sprint(port), "-u", "tls", "--password-file", pw, "-D", "shop", "-o", filepath.Join(dir, "s.tar.zst"), "--force"}
		if mode != "" {
			args = append(args, "--ssl-mode", mode)
		}
		if ca != "" {
			args = append(args, "--ssl-ca", filepath.Join(dir, ca))
		}
		code, _, stderr := runCLI(t, args...)
		return code, stderr
	}
	for _, ok := range []struct{ mode, ca string }{{"", ""}, {"required", ""}, {"verify-ca", "ca.pem"}, {"verify-identity", "ca.pem"}} {
		if code, stderr := snap(ok.mode, ok.ca); code != 0 {
			t.Errorf("--ssl-mode %q: code %d: %s", ok.mode, code, stderr)
		}
	}
	for _, bad := range []struct{ mode, ca, want string }{
		{"disabled", "", "--ssl-mode"},
		{"verify-identity", "other-ca.pem", "certificate"},
		{"verify-ca", "other-ca.pem", "certificate"},
	} {
		code, stderr := snap(bad.mode, bad.ca)
		if code == 0 || !strings.Contains(stderr, bad.want) || !strings.Contains(stderr, "hint:") || strings.Contains(stderr, "pw-tls-1") {
			t.Errorf("--ssl-mode %s with %s: code %d: %s", bad.mode, bad.ca, code, stderr)
		}
	}
}
