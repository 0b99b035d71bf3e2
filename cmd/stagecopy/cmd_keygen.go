package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stagecopy/stagecopy/internal/receipt"
	"github.com/urfave/cli/v2"
)

func keygenCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "keygen",
		Usage: "make an Ed25519 key for signing deletion receipts",
		Description: "Writes a new private key (mode 0600) and, beside it, FILE.pub with the public key line, and\n" +
			"prints that line: give it to site owners, who verify receipts with\n" +
			"'stagecopy receipt verify --pubkey LINE RECEIPT'. Never replaces an existing key: receipts\n" +
			"signed with a lost or replaced key can no longer be tied to it, so back the private key up.\n\n" +
			"Examples:\n" +
			"  stagecopy keygen\n" +
			"  stagecopy keygen --name support.example.com --out /etc/stagecopy/receipt.key",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "private key `FILE` (default: receipt.key in the user's stagecopy config directory)"},
			&cli.StringFlag{Name: "name", Usage: "key `NAME` shown in the public key and in log checkpoints (default: stagecopy@HOSTNAME)"},
		},
		Action: func(c *cli.Context) error {
			if err := flagsFirst(c); err != nil {
				return err
			}
			if c.NArg() != 0 {
				return usagef("keygen: takes no arguments (use --out FILE)")
			}
			out := c.String("out")
			if out == "" {
				dir, err := os.UserConfigDir()
				if err != nil {
					return withHint(err, "name the key file with --out FILE")
				}
				dir = filepath.Join(dir, "stagecopy")
				if err := os.MkdirAll(dir, 0o700); err != nil {
					return withHint(err, "name the key file with --out FILE")
				}
				out = filepath.Join(dir, "receipt.key")
			}
			name := c.String("name")
			if name == "" {
				name = defaultKeyName()
			}
			pub, err := receipt.GenerateKey(out, name)
			if err != nil {
				return withHint(err, "a key is never replaced: choose another --out, or move the old key away first if you are sure no receipt needs it")
			}
			w := e.stdout
			fmt.Fprintf(w, "private key written to %s (mode 0600: keep it secret, and back it up)\n", out)
			fmt.Fprintf(w, "public key written to %s; give site owners this line:\n", out+receipt.PublicKeySuffix)
			fmt.Fprintln(w, pub.String())
			return nil
		},
	}
}

// defaultKeyName is stagecopy@HOSTNAME with what a key name may not hold
// (spaces, '+') replaced.
func defaultKeyName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "localhost"
	}
	h = strings.Map(func(r rune) rune {
		if r == '+' || r <= ' ' {
			return '-'
		}
		return r
	}, h)
	return "stagecopy@" + h
}
