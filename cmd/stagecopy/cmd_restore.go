package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbconn"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/staging"
	"github.com/stagecopy/stagecopy/restore"
)

// newRestoreCommand is `stagecopy restore`: its flags, parsed into
// restoreOptions for runRestore.
func newRestoreCommand(e *env) *cli.Command {
	flags := append(serverFlags(),
		&cli.StringFlag{Name: "db-name", Usage: "`NAME` of the NEW database to create (default: staging_ + the snapshot id's first 12 digits)"},
		&cli.StringFlag{Name: "files-dir", Usage: "NEW `DIR` for the site's files (must not exist, or be empty); without it no files are restored"},
		&cli.StringFlag{Name: "url", Usage: "staging site `URL` (https://staging.example.test): rewritten everywhere the old one appears"},
		&cli.StringFlag{Name: "from-url", Usage: "the source site's `URL`, when the database does not store it (Drupal, --cms none)"},
		&cli.BoolFlag{Name: "rewrite-config", Usage: "point the site's config file (wp-config.php, parameters.php, env.php, settings.php) at the staging database, with this connection's user and password"},
		&cli.StringFlag{Name: "cms", Usage: "`NAME` of the CMS for the staging fixes: " + strings.Join(staging.Names(), ", ") + ", or none (default: detected from the tables)"},
		&cli.StringFlag{Name: "support-admin", Usage: "create a temporary administrator `LOGIN` with a random password, shown once"},
		&cli.StringFlag{Name: "support-email", Usage: "`EMAIL` of the support admin (default: LOGIN@staging.example.invalid)"},
		&cli.StringFlag{Name: "expires", Value: "14d", Usage: "how long the staging copy is meant to live: `DURATION` like 14d, 36h, or never"},
		&cli.IntFlag{Name: "threads", Aliases: []string{"j"}, Usage: "parallel connections loading data `N`", DefaultText: "number of CPUs"},
		&cli.BoolFlag{Name: "drop-unsupported", Usage: "leave out what the target server cannot keep (a sequence on MySQL, an index on an expression on MariaDB) instead of refusing the archive; the summary and the registry list it (docs/servers.md)"},
		&cli.BoolFlag{Name: "ignore-expiry", Usage: "restore an archive past the expiry its owner set (recorded in the registry)"},
		&cli.BoolFlag{Name: "force", Usage: "replace an EARLIER STAGING COPY in --db-name/--files-dir (never anything stagecopy did not make)"},
		&cli.BoolFlag{Name: "existing-db", Usage: "load into the EXISTING, EMPTY database --db-name (when the account may not create databases, as on hosting panels); a failed restore then drops only what it created there, never the database"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress and no summary, only the staging id (and a --support-admin's password, " +
			"stored nowhere) on stdout; warnings and errors still go to stderr"},
		progressFlag(), jsonFlag(),
		stateDirFlag(),
		// For measuring restore speed (bench/restore.sh, issue 5); not
		// part of the interface.
		&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE`"},
		&cli.StringFlag{Name: "memprofile", Hidden: true, Usage: "write a heap profile to `FILE` at the end"},
	)
	flags = append(flags, keyFlags()...)
	return &cli.Command{
		Name:      "restore",
		Usage:     "turn an archive into a staging site: a NEW database and directory, URL rewritten, mail and search engines off",
		ArgsUsage: "ARCHIVE",
		Description: "Verifies every entry as it streams (a bad hash, an SQL error or Ctrl-C drops the database and removes the\n" +
			"files it made), loads the database with parallel connections, writes the files into a new directory\n" +
			"(never through a symlink, no setuid, nothing world-writable), then applies the staging fixes of the\n" +
			"CMS it finds (WordPress, PrestaShop, Magento 2, Drupal):\n" +
			"  --url            the site URL, everywhere: plain, JSON-escaped, URL-encoded, scheme-less, and inside\n" +
			"                   PHP-serialized values with their lengths recomputed; password and GUID columns are left alone\n" +
			"  always           search engines off, outgoing mail off, a visible STAGING COPY marker\n" +
			"  --support-admin  a temporary administrator; the password is printed once and stored nowhere\n" +
			"Each restore gets a staging id in the registry ('stagecopy list'); 'stagecopy purge ID' removes it all.\n\n" +
			"Connection settings not given as flags come from the option files the mariadb client reads\n" +
			"(/etc/my.cnf, /etc/mysql/my.cnf, ~/.my.cnf; groups [client], [client-server], [client-mariadb],\n" +
			"[mysql], [mariadb-client]); the user defaults to the OS user.\n\n" +
			"An encrypted archive (.tar.zst.age) is recognized by its first line: give --identity FILE or\n" +
			"--passphrase-file FILE. A per-snapshot identity (from 'stagecopy keygen --age') is recorded in the\n" +
			"registry and purge destroys it, so every other copy of the archive becomes unreadable; any other\n" +
			"identity file is never recorded. An archive past the expiry its owner set is refused unless\n" +
			"--ignore-expiry, which the registry records.\n\n" +
			"Examples:\n" +
			"  stagecopy restore --socket /run/mysqld/mysqld.sock -u support --files-dir /srv/staging/shop \\\n" +
			"      --url https://shop.staging.test --support-admin support site.tar.zst\n" +
			"  stagecopy restore --db-name bug1234 - < site.tar.zst\n\n" +
			"Exit codes: 0 restored, 3 archive damaged or tampered, 2 usage (no identity for an encrypted\n" +
			"archive), 1 other errors such as a wrong key or an expired archive (nothing is left behind).",
		Flags: flags,
		Action: func(c *cli.Context) error {
			opts, err := parseRestoreFlags(c, e)
			if err != nil {
				return err
			}
			return runRestore(c.Context, e, opts)
		},
	}
}

// restoreOptions is what restore's flags ask for.
type restoreOptions struct {
	// Options go to restore.Run; runRestore adds the archive and the
	// callbacks.
	restore.Options
	quiet, json            bool
	progress               progressMode
	cpuProfile, memProfile string
}

// parseRestoreFlags reads restore's flags and what they name (the server's
// password, the keys, the registry), and refuses what does not go
// together.
func parseRestoreFlags(c *cli.Context, e *env) (restoreOptions, error) {
	var o restoreOptions
	path, err := oneArg(c, "ARCHIVE")
	if err != nil {
		return o, err
	}
	if cms := c.String("cms"); cms != "" && cms != "none" && !slices.Contains(staging.Names(), strings.ToLower(cms)) {
		return o, usagef("--cms %s: not a CMS restore knows (%s, or none)", cms, strings.Join(staging.Names(), ", "))
	}
	if c.String("cms") == "none" && c.String("support-admin") != "" {
		return o, usagef("--cms none applies no staging fixes: it cannot make a --support-admin")
	}
	if c.String("cms") == "none" && c.String("url") != "" && c.String("from-url") == "" {
		return o, usagef("--cms none --url needs --from-url: without a CMS, restore cannot tell the source site's URL")
	}
	for _, f := range []string{"url", "from-url"} {
		if u := c.String(f); u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return o, usagef("--%s %q: give an absolute URL such as https://staging.example.test", f, u)
		}
	}
	if c.Bool("rewrite-config") && (c.String("files-dir") == "" || c.String("cms") == "none") {
		return o, usagef("--rewrite-config needs --files-dir (the config file is in the site's files) and a CMS")
	}
	expires, err := parseLifetime(c.String("expires"))
	if err != nil {
		return o, usagef("--expires: %v", err)
	}
	server := readServerFlags(c, dbconn.ClientGroups)
	cfg, err := server.config(e, "")
	if err != nil {
		return o, err
	}
	keys, err := loadKeys(c, e, path)
	if err != nil {
		return o, err
	}
	reg, err := openRegistry(c)
	if err != nil {
		return o, err
	}
	o.Options = restore.Options{
		ArchivePath: path, Keys: keys, IgnoreExpiry: c.Bool("ignore-expiry"),
		Server: cfg, ServerName: dbconn.Describe(cfg),
		Conn:     restoreTarget(server.target, cfg),
		Database: c.String("db-name"), Force: c.Bool("force"), ExistingDatabase: c.Bool("existing-db"), FilesDir: c.String("files-dir"),
		Threads: c.Int("threads"), URL: c.String("url"), OldURL: c.String("from-url"), CMS: c.String("cms"),
		SupportAdmin: c.String("support-admin"), SupportEmail: c.String("support-email"),
		Expires: expires, Registry: reg, RewriteConfig: c.Bool("rewrite-config"),
		DropUnsupported: c.Bool("drop-unsupported"),
	}
	o.quiet, o.json, o.cpuProfile, o.memProfile = c.Bool("quiet"), c.Bool("json"), c.String("cpuprofile"), c.String("memprofile")
	if o.progress, err = progressOf(c); err != nil {
		return o, err
	}
	return o, nil
}

// restoreInterruptGrace is how long an interrupted restore may take to drop
// what it made (at most 30 s) before the process exits regardless; a
// second Ctrl-C still ends it at once.
const restoreInterruptGrace = 35 * time.Second

// runRestore opens the archive and restores it with a progress bar, then
// prints the summary.
func runRestore(ctx context.Context, e *env, o restoreOptions) error {
	setInterruptGrace(restoreInterruptGrace)
	in, total, err := openArchiveArg(e, o.ArchivePath)
	if err != nil {
		return err
	}
	defer in.Close()
	stopProfile, err := startProfile(o.cpuProfile, o.memProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	b := newBar(e, o.progress, total, "restore")
	defer b.finish()
	start := time.Now()
	o.Archive = in
	o.CheckHeader = func(h archive.Header) error {
		if h.NotAnonymized {
			fmt.Fprintf(e.stderr, "stagecopy: warning: this archive is NOT anonymized: it holds the source site's real data\n")
		}
		return nil
	}
	o.Progress = func(p restore.Progress) {
		b.describe(p.Phase)
		b.set(p.Done)
	}
	o.Warn = func(s string) {
		b.clear()
		fmt.Fprintf(e.stderr, "stagecopy: warning: %s\n", s)
	}
	res, err := restore.Run(ctx, o.Options)
	b.finish()
	if err != nil {
		return restoreHint(err)
	}
	took := time.Since(start)
	switch {
	case o.json:
		return printJSON(e.stdout, restoreJSONOf(res, took))
	case o.quiet:
		// The staging id, for scripts; the password is stored nowhere, so
		// it is printed even with -q.
		fmt.Fprintln(e.stdout, res.Entry.ID)
		if res.Entry.Admin != nil {
			fmt.Fprintf(e.stdout, "  support admin  %s\n  password       %s\n", res.Entry.Admin.Name, res.AdminPassword)
		}
		return nil
	}
	printRestoreSummary(e, res, took)
	return nil
}

// restoreJSON is restore --json (docs/json.md).
type restoreJSON struct {
	StagingID     string     `json:"staging_id"`
	SnapshotID    string     `json:"snapshot_id"`
	Database      string     `json:"database"`
	Server        string     `json:"server"`
	Tables        int        `json:"tables"`
	Rows          int64      `json:"rows"`
	FilesDir      string     `json:"files_dir"` // "" when the archive has no files
	Files         int64      `json:"files"`
	CMS           string     `json:"cms"` // "" when no staging fixes were made
	URL           string     `json:"url"`
	OldURL        string     `json:"old_url"`
	Expires       *time.Time `json:"expires"`
	ExpiryIgnored bool       `json:"expiry_ignored"`
	IdentityFile  string     `json:"identity_file"` // a per-snapshot key purge destroys
	ConfigFile    string     `json:"config_file"`   // rewritten with --rewrite-config
	SupportAdmin  *struct {
		Login    string `json:"login"`
		Password string `json:"password"` // shown once, stored nowhere
	} `json:"support_admin"`
	Fixes   []string `json:"fixes"`
	Seconds float64  `json:"seconds"`
}

func restoreJSONOf(res *restore.Result, took time.Duration) restoreJSON {
	en := res.Entry
	j := restoreJSON{
		StagingID: en.ID, SnapshotID: en.SnapshotID, Database: en.Database, Server: en.Server,
		Tables: res.Tables, Rows: res.Rows, FilesDir: en.FilesDir, Files: res.Files, CMS: res.CMS,
		URL: en.URL, OldURL: res.OldURL, ExpiryIgnored: res.ExpiryIgnored, IdentityFile: en.IdentityFile,
		Fixes: append([]string{}, res.Fix.Changes...), Seconds: took.Seconds(),
	}
	if !en.Expires.IsZero() {
		x := en.Expires.UTC()
		j.Expires = &x
	}
	if res.Config != nil {
		j.ConfigFile = res.Config.File
	}
	if en.Admin != nil {
		j.SupportAdmin = &struct {
			Login    string `json:"login"`
			Password string `json:"password"`
		}{en.Admin.Name, res.AdminPassword}
	}
	return j
}

func restoreHint(err error) error {
	switch {
	case errors.Is(err, restore.ErrExpired):
		return withHint(err, "the owner set this expiry so the copy is not used after it: ask them for a new snapshot, or add --ignore-expiry if they agree (the registry records it)")
	case errors.Is(err, archive.ErrNoIdentity), errors.Is(err, archive.ErrWrongIdentity):
		return keyHint(err)
	case errors.Is(err, restore.ErrDatabaseExists):
		return withHint(err, "choose a new --db-name (restore creates it), or --existing-db for an empty database made for the copy; stagecopy never loads into a database that holds something, and --force replaces only an earlier staging copy")
	case errors.Is(err, registry.ErrBusy):
		return withHint(err, "another restore or purge is working on that earlier copy: wait for it to finish, or choose a new --db-name and --files-dir; nothing was changed")
	case errors.Is(err, restore.ErrNotOurs):
		return withHint(err, "choose a new name: --force only replaces what an earlier 'stagecopy restore' made")
	case errors.Is(err, restore.ErrSourceDatabase):
		return withHint(err, "give another --db-name")
	case errors.Is(err, restore.ErrFilesDirExists):
		return withHint(err, "choose a new --files-dir")
	case errors.Is(err, restore.ErrBadDatabaseName):
		return withHint(err, "--db-name takes letters, digits, _ $ and -")
	case errors.Is(err, restore.ErrNeedsCMS):
		return withHint(err, "without a CMS (--cms none) restore still loads the database and the files, records the copy for purge, and rewrites URLs given --url and --from-url; it cannot make a --support-admin, rewrite the config file (--rewrite-config), or turn search engines and mail off. Restore again with --cms none and without those options, or, if the site is "+strings.Join(staging.Names(), ", ")+" under other table names, name it with --cms")
	case errors.Is(err, staging.ErrUnknownCMS):
		return withHint(err, "name the CMS with --cms ("+strings.Join(staging.Names(), ", ")+"), or --cms none for no staging fixes")
	case errors.Is(err, registry.ErrCorrupt), errors.Is(err, registry.ErrVersion), errors.Is(err, registry.ErrLocked):
		return registryError(err)
	case errors.Is(err, dbdump.ErrAccessDenied):
		return withHint(err, "check --user and the password (--password-file, -p, an option file such as ~/.my.cnf, or $MYSQL_PWD)")
	case errors.Is(err, dbload.ErrTooLarge):
		return withHint(err, "the server refuses a statement larger than its max_allowed_packet: raise it and restore again, with SET GLOBAL max_allowed_packet=1073741824 as an administrator (new connections get it) or max_allowed_packet=1G under [mysqld] in my.cnf and a restart; 1 GiB is the most any server takes")
	case errors.Is(err, dbload.ErrUnsupported):
		return withHint(err, "the archive comes from another kind of server (docs/servers.md lists what restore adapts and what it cannot keep): restore it on a server that has this, or add --drop-unsupported to leave it out (the summary and the registry list what was left out); nothing was kept")
	case errors.Is(err, dbload.ErrRefused):
		return withHint(err, "restore runs only what stagecopy snapshot writes (tables, rows, sequences, and the site's views, triggers, routines and events last), and only the built-in functions dumps use: this archive was altered or made by something else. If it is the owner's and its schema needs that statement, report it (docs/architecture.md says what restore runs)")
	case errors.Is(err, restore.ErrAccountObject):
		return withHint(err, "the support admin's login and password hash would be within reach of the archive's own SQL, so restore made no admin and removed what it made: restore without --support-admin (the archive's views, triggers, routines and events are then restored as they are), or ask the owner for a snapshot without that object")
	case errors.Is(err, restore.ErrEntryTooLarge):
		return withHint(err, "stagecopy snapshot never writes a schema or objects entry this large: the archive is damaged or was not made by stagecopy")
	}
	return snapshotHint(err)
}

func printRestoreSummary(e *env, res *restore.Result, took time.Duration) {
	w := e.stdout
	en := res.Entry
	fmt.Fprintf(w, "restored snapshot %s as staging copy %s in %s\n", en.SnapshotID, en.ID, took.Round(time.Millisecond))
	fmt.Fprintf(w, "  database  %s on %s (%d tables, %d rows)\n", en.Database, en.Server, res.Tables, res.Rows)
	if en.FilesDir != "" {
		fmt.Fprintf(w, "  files     %s (%d files)\n", en.FilesDir, res.Files)
	}
	if d := describeDecryption(res.Decryption); d != "" {
		fmt.Fprintf(w, "  encrypted %s\n", d)
	}
	if en.IdentityFile != "" {
		fmt.Fprintf(w, "  key       %s is recorded: purge destroys it\n", en.IdentityFile)
	}
	if res.ExpiryIgnored {
		fmt.Fprintf(w, "  EXPIRED   the archive expired at %s; restored anyway (--ignore-expiry, recorded in the registry)\n", res.Header.Expires.Local().Format(time.RFC3339))
	}
	if len(res.Adaptations) > 0 {
		from := ""
		if v := res.Header.Source.ServerVersion; v != "" {
			from = " (the archive is from " + v + ")"
		}
		fmt.Fprintf(w, "  adapted   %d changes for %s%s, see docs/servers.md:\n", len(res.Adaptations), res.Target.Name(), from)
		for _, a := range res.Adaptations {
			fmt.Fprintf(w, "    %s\n", a)
		}
	}
	if res.CMS != "" {
		fmt.Fprintf(w, "  cms       %s\n", res.CMS)
	}
	if en.URL != "" {
		fmt.Fprintf(w, "  url       %s (was %s; %d values in %d of %d text columns rewritten)\n", en.URL, dash(res.OldURL), res.Rewrite.Values, len(res.Rewrite.PerColumn), res.Rewrite.Columns)
	}
	if res.Config != nil {
		fmt.Fprintf(w, "  config    %s: %s (mode %04o: it holds this connection's password)\n", res.Config.File, strings.Join(res.Config.Changed, ", "), res.Config.Mode.Perm())
	}
	for _, ch := range res.Fix.Changes {
		fmt.Fprintf(w, "  fix       %s\n", ch)
	}
	if !en.Expires.IsZero() {
		fmt.Fprintf(w, "  expires   %s\n", en.Expires.Local().Format("2006-01-02 15:04"))
	}
	if en.Admin != nil {
		fmt.Fprintf(w, "  support admin  %s\n", en.Admin.Name)
		fmt.Fprintf(w, "  password       %s\n", res.AdminPassword)
		fmt.Fprintf(w, "                 (shown once, stored nowhere)\n")
	}
	fmt.Fprintf(w, "remove it with: stagecopy purge %s\n", en.ID)
}

// restoreTarget is what the registry keeps of restore's connection: the
// server flags as given (a defaults file is read again by purge), and the
// user the driver configuration ended up with.
func restoreTarget(given targetFlags, cfg *mysql.Config) dbconn.Target {
	t := given.over(dbconn.Target{})
	t.User = cfg.User
	return t
}
