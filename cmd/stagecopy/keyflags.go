package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"filippo.io/age"
	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
)

// keyFlags are the flags of the commands that read archives: what opens an
// encrypted one. Encryption is detected from the archive's first line, so
// no flag says whether it is encrypted.
func keyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "identity", Aliases: []string{"i"}, Usage: "age identity `FILE` that decrypts the archive (repeatable)"},
		&cli.StringFlag{Name: "passphrase-file", Usage: "read the passphrase of a passphrase-encrypted archive from `FILE` (first line)"},
	}
}

// loadKeys reads --identity files and --passphrase-file. Without
// --passphrase-file, a passphrase is asked on the terminal, but only if the
// archive turns out to be passphrase-encrypted and standard input is a
// terminal (not the archive).
func loadKeys(c *cli.Context, e *env, archivePath string) (archive.Keys, error) {
	var k archive.Keys
	for _, p := range c.StringSlice("identity") {
		f, err := archive.ReadIdentityFile(p)
		if err != nil {
			return k, withHint(err, "--identity takes an age identity file (AGE-SECRET-KEY-1... lines), as made by 'stagecopy keygen --age' or age-keygen")
		}
		k.Identities = append(k.Identities, f)
	}
	switch {
	case c.String("passphrase-file") != "":
		pass, err := readPassphraseFile(c.String("passphrase-file"))
		if err != nil {
			return k, err
		}
		k.Passphrase = func() (string, error) { return pass, nil }
	case archivePath != "-" && stdinIsTerminal(e) && len(k.Identities) == 0:
		k.Passphrase = func() (string, error) { return askSecret(e, "Archive passphrase: ") }
	}
	return k, nil
}

func readPassphraseFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", withHint(err, "check --passphrase-file")
	}
	pass, _, _ := strings.Cut(string(b), "\n")
	pass = strings.TrimRight(pass, "\r")
	if pass == "" {
		return "", withHint(fmt.Errorf("--passphrase-file %s: the first line is empty", path), "put the passphrase on the file's first line")
	}
	return pass, nil
}

// encryptionFlags are snapshot's: to whom the archive is encrypted.
func encryptionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "encrypt-to", Aliases: []string{"e"}, Usage: "encrypt the archive (age) to `RECIPIENT`: an age1... public key or a file of them (repeatable)"},
		&cli.BoolFlag{Name: "passphrase", Usage: "encrypt the archive with a passphrase, asked twice on the terminal"},
		&cli.StringFlag{Name: "passphrase-file", Usage: "encrypt the archive with the passphrase on the first line of `FILE`"},
	}
}

// loadRecipients turns snapshot's encryption flags into age recipients;
// none means no encryption.
func loadRecipients(c *cli.Context, e *env) ([]age.Recipient, error) {
	to, ask, file := c.StringSlice("encrypt-to"), c.Bool("passphrase"), c.String("passphrase-file")
	switch {
	case ask && file != "":
		return nil, usagef("give --passphrase or --passphrase-file, not both")
	case len(to) > 0 && (ask || file != ""):
		return nil, usagef("--encrypt-to cannot be combined with a passphrase: age allows a passphrase only as the sole recipient")
	case len(to) > 0:
		rs, err := archive.ParseRecipients(to)
		if err != nil {
			return nil, withHint(err, "--encrypt-to takes the age1... line that 'stagecopy keygen --age' printed for the support team, or a file of such lines")
		}
		return rs, nil
	}
	var pass string
	switch {
	case file != "":
		p, err := readPassphraseFile(file)
		if err != nil {
			return nil, err
		}
		pass = p
	case ask:
		if c.String("dump") == "-" {
			return nil, usagef("--passphrase asks on standard input, which --dump - reads the dump from; use --passphrase-file FILE")
		}
		p, err := askSecret(e, "Passphrase for the archive: ")
		if err != nil {
			return nil, err
		}
		again, err := askSecret(e, "Same passphrase again: ")
		if err != nil {
			return nil, err
		}
		if p != again {
			return nil, withHint(errors.New("the two passphrases differ"), "run the command again and type the same passphrase twice")
		}
		if p == "" {
			return nil, withHint(errors.New("empty passphrase"), "type a passphrase, or use --encrypt-to RECIPIENT")
		}
		pass = p
	default:
		return nil, nil
	}
	r, err := archive.PassphraseRecipient(pass)
	if err != nil {
		return nil, err
	}
	return []age.Recipient{r}, nil
}

func stdinIsTerminal(e *env) bool {
	f, ok := e.stdin.(*os.File)
	return ok && isTerminal(f)
}

// askSecret reads a line from the terminal on standard input without echo.
func askSecret(e *env, prompt string) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !stdinIsTerminal(e) {
		return "", withHint(usagef("a passphrase can only be asked on a terminal (standard input is not one)"),
			"in scripts, give --passphrase-file FILE, or encrypt to a key with --encrypt-to RECIPIENT")
	}
	return readNoEcho(e, f, prompt)
}

// keyHint adds the hints of archive.Decrypt's errors.
func keyHint(err error) error {
	switch {
	case errors.Is(err, archive.ErrNoIdentity):
		return withHint(err, "give --identity FILE (the age identity whose age1... recipient the owner encrypted to) or --passphrase-file FILE")
	case errors.Is(err, archive.ErrWrongIdentity):
		return withHint(err, "the archive was encrypted for someone else, or with another passphrase: ask the owner which recipient or passphrase they used")
	}
	return err
}
