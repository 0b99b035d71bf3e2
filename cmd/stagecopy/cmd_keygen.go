package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/receipt"
)

// newKeygenCommand is `stagecopy keygen`: its flags, parsed into
// keygenOptions for runKeygen.
func newKeygenCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "keygen",
		Usage: "make an Ed25519 key for signing deletion receipts, or (--age) an age identity to receive an encrypted archive",
		Description: "Writes a new private key (mode 0600) and, beside it, FILE.pub with the public key line, and\n" +
			"prints that line: give it to site owners, who verify receipts with\n" +
			"'stagecopy receipt verify --pubkey LINE RECEIPT'. Never replaces an existing key: receipts\n" +
			"signed with a lost or replaced key can no longer be tied to it, so back the private key up.\n\n" +
			"With --age it writes an age X25519 identity instead (mode 0600, never over an existing file) and\n" +
			"prints its recipient, the age1... line to give the site owner for 'snapshot --encrypt-to'.\n" +
			"By default the identity is PER-SNAPSHOT: its first line says so, restore records it in the\n" +
			"registry, and purge destroys it, which makes every other copy of that archive unreadable\n" +
			"(crypto-erasure). Make a new one for each snapshot you ask for, and do not copy it elsewhere.\n" +
			"--long-term writes an identity without that line (a team's standing key): purge never destroys it.\n\n" +
			"Examples:\n" +
			"  stagecopy keygen\n" +
			"  stagecopy keygen --name support.example.com --out /etc/stagecopy/receipt.key\n" +
			"  stagecopy keygen --age --out ticket-1234.agekey",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "private key `FILE` (default: receipt.key, or age/age1xxxxxxxx.key with --age, in the user's stagecopy config directory)"},
			&cli.StringFlag{Name: "name", Usage: "key `NAME` shown in the public key and in log checkpoints (default: stagecopy@HOSTNAME)"},
			&cli.BoolFlag{Name: "age", Usage: "make an age identity for receiving encrypted archives"},
			&cli.BoolFlag{Name: "per-snapshot", Usage: "with --age: an identity purge destroys (the default; says so explicitly)"},
			&cli.BoolFlag{Name: "long-term", Usage: "with --age: an identity purge never destroys"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the public key line (or with --age the recipient), for scripts"},
		},
		Action: func(c *cli.Context) error {
			if err := flagsFirst(c); err != nil {
				return err
			}
			if c.NArg() != 0 {
				return usagef("keygen: takes no arguments (use --out FILE)")
			}
			opts := keygenOptions{out: c.String("out"), name: c.String("name"), quiet: c.Bool("quiet")}
			if c.Bool("age") || c.Bool("per-snapshot") || c.Bool("long-term") {
				switch {
				case !c.Bool("age"):
					return usagef("keygen: --per-snapshot and --long-term go with --age")
				case c.Bool("per-snapshot") && c.Bool("long-term"):
					return usagef("keygen: give --per-snapshot or --long-term, not both")
				case c.IsSet("name"):
					return usagef("keygen: --name is for receipt keys; an age identity has no name")
				}
				opts.age, opts.perSnapshot = true, !c.Bool("long-term")
			}
			return runKeygen(e, opts)
		},
	}
}

// keygenOptions is what keygen's flags ask for.
type keygenOptions struct {
	out         string // the private key's file; "" for the config directory
	name        string // the receipt key's name; "" for stagecopy@HOSTNAME
	age         bool   // an age identity instead of a receipt key
	perSnapshot bool   // with age: marked for purge to destroy
	quiet       bool   // only the public line
}

// runKeygen writes a receipt signing key, or an age identity, and prints
// what to give whom.
func runKeygen(e *env, o keygenOptions) error {
	if o.age {
		return keygenAge(e, o.out, o.perSnapshot, o.quiet)
	}
	out := o.out
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
	name := o.name
	if name == "" {
		name = defaultKeyName()
	}
	pub, err := receipt.GenerateKey(out, name)
	if err != nil {
		return withHint(err, "a key is never replaced: choose another --out, or move the old key away first if you are sure no receipt needs it")
	}
	w := e.stdout
	if o.quiet {
		fmt.Fprintln(w, pub.String())
		return nil
	}
	fmt.Fprintf(w, "private key written to %s (mode 0600: keep it secret, and back it up)\n", out)
	fmt.Fprintf(w, "public key written to %s; give site owners this line:\n", out+receipt.PublicKeySuffix)
	fmt.Fprintln(w, pub.String())
	return nil
}

// keygenAge writes an age identity to out ("" for the config directory,
// named by its recipient).
func keygenAge(e *env, out string, perSnapshot, quiet bool) error {
	tmp := ""
	if out == "" {
		// The file name is only known once the key is: write it under a
		// temporary name, then link it to age/RECIPIENT-PREFIX.key.
		dir, err := os.UserConfigDir()
		if err != nil {
			return withHint(err, "name the identity file with --out FILE")
		}
		dir = filepath.Join(dir, "stagecopy", "age")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return withHint(err, "name the identity file with --out FILE")
		}
		f, err := os.CreateTemp(dir, ".new-*.key")
		if err != nil {
			return withHint(err, "name the identity file with --out FILE")
		}
		f.Close()
		os.Remove(f.Name())
		out, tmp = f.Name(), f.Name()
	}
	recipient, err := archive.GenerateIdentity(out, perSnapshot)
	if err != nil {
		return withHint(err, "an identity file is never replaced: choose another --out")
	}
	if tmp != "" {
		out = filepath.Join(filepath.Dir(tmp), recipient[:min(len(recipient), 16)]+".key")
		// Link, not rename: link fails if the name exists.
		err := os.Link(tmp, out)
		os.Remove(tmp)
		if err != nil {
			return withHint(err, "name the identity file with --out FILE")
		}
	}
	w := e.stdout
	if quiet {
		fmt.Fprintln(w, recipient)
		return nil
	}
	if perSnapshot {
		fmt.Fprintf(w, "per-snapshot age identity written to %s (mode 0600)\n", out)
		fmt.Fprintf(w, "restore --identity %s records it, and purge destroys it; do not copy it elsewhere\n", out)
	} else {
		fmt.Fprintf(w, "long-term age identity written to %s (mode 0600: keep it secret, back it up; purge never destroys it)\n", out)
	}
	fmt.Fprintln(w, "give the site owner this recipient, for snapshot's --encrypt-to:")
	fmt.Fprintln(w, recipient)
	return nil
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
