package restore

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/stagecopy/stagecopy/flowtest"
	"github.com/stagecopy/stagecopy/internal/archive"
	"github.com/stagecopy/stagecopy/internal/dbload"
	"github.com/stagecopy/stagecopy/internal/mariadbtest"
	"github.com/stagecopy/stagecopy/internal/registry"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/snapshot"
)

// TestRestoreHostileSQL restores archives whose SQL entries reach outside
// the new database, or outside the server's data: every one must be
// refused before it runs, and the witness database, the server's users,
// databases and global settings and the disk must stay as they were. The
// restoring account is root, as it often is in real life.
func TestRestoreHostileSQL(t *testing.T) {
	srv, w := mariadbtest.NewDatabase(t)
	srv.Exec(t, w, "CREATE TABLE w (id INT PRIMARY KEY); INSERT INTO w VALUES (1);")
	q := "`" + w + "`"
	outfile := filepath.Join(t.TempDir(), "out.txt")
	schema := func(sql string) []archive.Entry {
		return []archive.Entry{file("db/t.schema.sql", sql, 0)}
	}
	data := func(sql string) []archive.Entry {
		return []archive.Entry{file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", sql, 0)}
	}
	objects := func(sql string) []archive.Entry {
		return []archive.Entry{file("db/t.schema.sql", tSchema, 0), file("db/-objects.sql", sql, 0)}
	}
	cases := map[string][]archive.Entry{
		"drop other database":         schema("DROP DATABASE " + q + ";\n"),
		"drop other table":            schema(tSchema + "DROP TABLE " + q + ".w;\n"),
		"create in other database":    schema("CREATE TABLE " + q + ".evil (a INT);\n"),
		"use other database":          schema("USE " + q + ";\nCREATE TABLE evil (a INT);\n"),
		"create database":             schema("CREATE DATABASE stagecopy_evil_db;\n" + tSchema),
		"grant":                       schema(tSchema + "GRANT ALL ON *.* TO 'stagecopy_evil'@'%' IDENTIFIED BY 'x';\n"),
		"create user":                 schema(tSchema + "CREATE USER 'stagecopy_evil'@'%';\n"),
		"set global":                  schema("SET GLOBAL max_connections = 77;\n" + tSchema),
		"set statement for":           schema("SET STATEMENT sql_mode='' FOR DROP TABLE " + q + ".w;\n" + tSchema),
		"create as select":            schema("CREATE TABLE t AS SELECT * FROM " + q + ".w;\n"),
		"merge union":                 schema("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=MERGE UNION=(" + q + ".w);\n"),
		"foreign key elsewhere":       schema("CREATE TABLE t (id INT PRIMARY KEY, FOREIGN KEY (id) REFERENCES " + q + ".w (id));\n"),
		"data directory":              schema("CREATE TABLE t (id INT) ENGINE=MyISAM DATA DIRECTORY='" + filepath.Dir(outfile) + "';\n"),
		"select into outfile":         schema(tSchema + "SELECT * FROM " + q + ".w INTO OUTFILE '" + outfile + "';\n"),
		"versioned comment":           schema(tSchema + "/*!40000 DROP TABLE " + q + ".w */;\n"),
		"insert elsewhere":            data("INSERT INTO " + q + ".w VALUES (99);\n"),
		"delete elsewhere":            data("DELETE FROM " + q + ".w;\n"),
		"update elsewhere":            data("UPDATE " + q + ".w SET id = 5;\n"),
		"insert select":               data("INSERT INTO t SELECT id, 'x' FROM " + q + ".w;\n"),
		"subquery in values":          data("INSERT INTO t VALUES ((SELECT MAX(id) FROM " + q + ".w), 'x');\n"),
		"load_file in values":         data("INSERT INTO t VALUES (1, LOAD_FILE('/etc/hostname'));\n"),
		"on duplicate key subquery":   data("INSERT INTO t VALUES (1,'a') ON DUPLICATE KEY UPDATE v = (SELECT MAX(id) FROM " + q + ".w);\n"),
		"load data infile":            data("LOAD DATA INFILE '/etc/hostname' INTO TABLE t;\n"),
		"trigger elsewhere":           objects("CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW DELETE FROM " + q + ".w;\n"),
		"trigger, delimiter":          objects("DELIMITER ;;\nCREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW BEGIN DELETE FROM " + q + ".w; END;;\nDELIMITER ;\n"),
		"view of mysql.user":          objects("CREATE VIEW v AS SELECT User, Password FROM mysql.user;\n"),
		"procedure drops database":    objects("CREATE PROCEDURE p() DROP DATABASE " + q + ";\n"),
		"procedure dynamic SQL":       objects("DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SET @s = CONCAT('DROP ', 'DATABASE x'); PREPARE st FROM @s; EXECUTE st; END;;\nDELIMITER ;\n"),
		"procedure into outfile":      objects("CREATE PROCEDURE p() SELECT * FROM t INTO OUTFILE '" + outfile + "';\n"),
		"event elsewhere":             objects("CREATE EVENT ev ON SCHEDULE AT CURRENT_TIMESTAMP DO DELETE FROM " + q + ".w;\n"),
		"drop database in objects":    objects("DROP DATABASE " + q + ";\n"),
		"mysqldump-style trigger":     objects("/*!50003 CREATE*/ /*!50003 TRIGGER tr AFTER INSERT ON t FOR EACH ROW DELETE FROM " + q + ".w */;\n"),
		"qualified with spaces":       data("INSERT INTO " + q + " . w VALUES (98);\n"),
		"install plugin":              objects("INSTALL SONAME 'ha_connect';\n"),
		"kill":                        objects("KILL CONNECTION 1;\n"),
		"set password":                schema(tSchema + "SET PASSWORD FOR 'root'@'localhost' = PASSWORD('x');\n"),
		"set sql_log_bin global var":  schema("SET @@GLOBAL.read_only = 1;\n" + tSchema),
		"ansi quotes":                 data("SET sql_mode='ANSI_QUOTES';\nINSERT INTO t VALUES (1,'a');\n"),
		"no backslash escapes":        data("SET @m = 'NO_BACKSLASH_ESCAPES';\nSET sql_mode = @m;\nINSERT INTO t VALUES (1,'a');\n"),
		"gbk":                         data("SET NAMES gbk;\nINSERT INTO t VALUES (1,'a');\n"),
		"gbk through a variable":      data("SET @c = 'gbk';\nSET character_set_client = @c;\nINSERT INTO t VALUES (1,'a');\n"),
		"shutdown":                    objects("SHUTDOWN;\n"),
		"drop the marker":             schema("CREATE TABLE zz (id int);\nDROP TABLE _stagecopy_staging;\n"),
		"rewrite the marker":          data("INSERT INTO `_stagecopy_staging` VALUES ('stg-000000000001', 'x', '2025-01-01 00:00:00');\n"),
		"trigger rewrites the marker": objects("DELIMITER ;;\nCREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW BEGIN UPDATE `_STAGECOPY_STAGING` SET staging_id = 'stg-000000000001'; END;;\nDELIMITER ;\n"),
		"routine rewrites the marker": objects("CREATE PROCEDURE p() UPDATE /*!50000 \"_stagecopy_staging\" */ SET staging_id = 'stg-000000000001';\n"),
		"definer root event":          objects("/*!50106 CREATE*/ /*!50117 DEFINER=`root`@`localhost`*/ /*!50106 EVENT ev ON SCHEDULE EVERY 1 SECOND DO DROP TABLE " + q + ".w */;\n"),
	}
	before := srv.Checksums(t, w)
	global := srv.Query(t, "", "SELECT @@GLOBAL.max_connections, @@GLOBAL.read_only")
	users := srv.Query(t, "", "SELECT COUNT(*) FROM mysql.user")
	for name, entries := range cases {
		t.Run(name, func(t *testing.T) {
			db := mariadbtest.Name(t, "hostile")
			_, err := Run(context.Background(), Options{
				Archive: bytes.NewReader(craft(t, archive.Header{}, entries...)), Server: srv.Config(t, ""),
				Database: db, Registry: flowtest.Registry(t), CMS: "none",
			})
			var syntax *sqldump.SyntaxError
			if !errors.Is(err, dbload.ErrRefused) && !errors.As(err, &syntax) {
				t.Errorf("got %v, want %v", err, dbload.ErrRefused)
			}
			if srv.DatabaseExists(t, db) {
				t.Error("database left behind")
			}
			if !srv.DatabaseExists(t, w) {
				t.Fatal("the witness database is gone")
			}
			if after := srv.Checksums(t, w); !maps.Equal(before, after) {
				t.Errorf("the witness database changed: %v -> %v", before, after)
			}
			if srv.DatabaseExists(t, "stagecopy_evil_db") {
				srv.Exec(t, "", "DROP DATABASE stagecopy_evil_db")
				t.Error("a database was created")
			}
			if got := srv.Query(t, "", "SELECT COUNT(*) FROM mysql.user"); got != users {
				srv.Exec(t, "", "DROP USER IF EXISTS 'stagecopy_evil'@'%'")
				t.Errorf("users: %s -> %s", users, got)
			}
			if got := srv.Query(t, "", "SELECT @@GLOBAL.max_connections, @@GLOBAL.read_only"); got != global {
				srv.Exec(t, "", "SET GLOBAL max_connections = 151; SET GLOBAL read_only = 0")
				t.Errorf("global settings: %s -> %s", global, got)
			}
			if _, err := os.Stat(outfile); err == nil {
				t.Error("a file was written by the server")
			}
			if ev := srv.Query(t, "", "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '"+db+"'"); ev != "0" {
				t.Errorf("events left: %s", ev)
			}
		})
	}
}

// TestRestoreDumpObjects restores a mariadb-dump with a trigger, a view, a
// routine and an event, all with the DEFINER of the source server: they
// come back, owned by the restoring account, and the event never ran.
func TestRestoreDumpObjects(t *testing.T) {
	srv, src := mariadbtest.NewDatabase(t)
	srv.Exec(t, "", "CREATE USER IF NOT EXISTS 'stagecopy_other'@'localhost'; GRANT ALL ON *.* TO 'stagecopy_other'@'localhost'")
	defer srv.Exec(t, "", "DROP USER IF EXISTS 'stagecopy_other'@'localhost'")
	srv.Exec(t, src, tSchema+`
CREATE TABLE log (n INT);
INSERT INTO t VALUES (1, 'a');
CREATE DEFINER=`+"`stagecopy_other`@`localhost`"+` TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log VALUES (NEW.id);
CREATE DEFINER=`+"`stagecopy_other`@`localhost`"+` VIEW v AS SELECT x.id FROM t AS x;
CREATE DEFINER=`+"`stagecopy_other`@`localhost`"+` PROCEDURE p() SELECT COUNT(*) FROM t;
CREATE DEFINER=`+"`stagecopy_other`@`localhost`"+` EVENT ev ON SCHEDULE EVERY 1 SECOND DO INSERT INTO log VALUES (-1);
ALTER EVENT ev DISABLE;`)
	dump := filepath.Join(t.TempDir(), "dump.sql")
	if err := os.WriteFile(dump, srv.Dump(t, src, "--routines", "--events", "--triggers"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The event is enabled in the dump: restore must create it disabled.
	b, _ := os.ReadFile(dump)
	b = bytes.ReplaceAll(b, []byte(" DISABLE ON SLAVE "), []byte(" ENABLE "))
	b = bytes.ReplaceAll(b, []byte(" DISABLE "), []byte(" ENABLE "))
	os.WriteFile(dump, b, 0o600)
	data, _ := flowtest.Archive(t, snapshot.Options{DumpPath: dump, NoAnonymize: true})
	srv.Exec(t, "", "SET GLOBAL event_scheduler = ON")
	defer srv.Exec(t, "", "SET GLOBAL event_scheduler = OFF")
	db := mariadbtest.Name(t, "objects")
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""), Database: db, Registry: flowtest.Registry(t), CMS: "none"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Query(t, "", "SELECT COUNT(*), GROUP_CONCAT(DISTINCT DEFINER) FROM ("+
		"SELECT DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '"+db+"' UNION ALL "+
		"SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '"+db+"' UNION ALL "+
		"SELECT DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '"+db+"' UNION ALL "+
		"SELECT DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '"+db+"') d")
	if !strings.HasPrefix(got, "4\t") || strings.Contains(got, "stagecopy_other") {
		t.Errorf("objects and definers: %q", got)
	}
	if st := srv.Query(t, "", "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '"+db+"'"); st != "DISABLED" {
		t.Errorf("event %s", st)
	}
	if n := srv.Query(t, db, "SELECT COUNT(*) FROM log WHERE n = -1"); n != "0" {
		t.Errorf("the event ran %s times during the restore", n)
	}
}

// TestRestoreHugeEntry: a db/ entry's size comes from the archive; a tar
// header claiming a terabyte must be refused, not allocated, and leave
// nothing behind.
func TestRestoreHugeEntry(t *testing.T) {
	srv := mariadbtest.Start(t)
	var raw bytes.Buffer
	zw, _ := zstd.NewWriter(&raw)
	tw := tar.NewWriter(zw)
	h, _ := json.Marshal(archive.Header{Format: archive.FormatName, FormatVersion: archive.FormatVersion, SnapshotID: "0123456789abcdef0123456789abcdef"})
	sum := sha256.Sum256(h)
	tw.WriteHeader(&tar.Header{Name: archive.HeaderName, Typeflag: tar.TypeReg, Size: int64(len(h)), Mode: 0o644, Format: tar.FormatPAX,
		PAXRecords: map[string]string{archive.PAXHashKey: archive.PAXHashPrefix + hex.EncodeToString(sum[:])}})
	tw.Write(h)
	tw.WriteHeader(&tar.Header{Name: "db/t.schema.sql", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644, Format: tar.FormatPAX,
		PAXRecords: map[string]string{archive.PAXHashKey: archive.PAXHashPrefix + strings.Repeat("0", 64)}})
	tw.Write([]byte(tSchema))
	tw.Flush()
	zw.Close()
	db := mariadbtest.Name(t, "huge")
	reg := flowtest.Registry(t)
	_, err := Run(context.Background(), Options{Archive: &raw, Server: srv.Config(t, ""), Database: db, Registry: reg, CMS: "none"})
	if !errors.Is(err, ErrEntryTooLarge) {
		t.Fatalf("got %v, want %v", err, ErrEntryTooLarge)
	}
	if srv.DatabaseExists(t, db) {
		t.Error("database left behind")
	}
	if l, _ := reg.List(context.Background()); len(l) != 0 {
		t.Errorf("registry keeps %v", l)
	}
}

// TestRestoreSymlinkChain: a link whose target climbs out through another
// restored link (files/e -> d/l/.. with files/d/l -> ..) looks inside the
// tree to a lexical check, but the kernel resolves it outside: every link
// restored must resolve inside the files directory.
func TestRestoreSymlinkChain(t *testing.T) {
	srv := mariadbtest.Start(t)
	base := t.TempDir()
	dir := filepath.Join(base, "site")
	os.WriteFile(filepath.Join(base, "secret.txt"), []byte("outside"), 0o600)
	data := craft(t, archive.Header{},
		file("db/t.schema.sql", tSchema, 0),
		archive.Entry{Name: "files/e", Type: archive.TypeSymlink, Link: "d/l/.."},
		archive.Entry{Name: "files/d", Type: archive.TypeDir, Mode: 0o755},
		archive.Entry{Name: "files/d/l", Type: archive.TypeSymlink, Link: ".."},
		archive.Entry{Name: "files/d/ok", Type: archive.TypeSymlink, Link: "../d/./l"},
		archive.Entry{Name: "files/f", Type: archive.TypeSymlink, Link: "d/../d/l/../.."},
	)
	_, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""),
		Database: mariadbtest.Name(t, "chain"), FilesDir: dir, Registry: flowtest.Registry(t), CMS: "none", Warn: func(string) {}})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Type()&os.ModeSymlink == 0 {
			return err
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil
		}
		if real != dir && !strings.HasPrefix(real, dir+string(filepath.Separator)) {
			target, _ := os.Readlink(p)
			t.Errorf("%s -> %s resolves to %s, outside %s", p, target, real, dir)
		}
		return nil
	})
	if _, err := os.Lstat(filepath.Join(dir, "d", "ok")); err != nil {
		t.Errorf("a link that stays inside was not restored: %v", err)
	}
}

// TestRestoreUndoFilesOnlyOurs: when a restore fails, undo removes what it
// wrote and nothing else: not a file another program put into the files
// directory meanwhile, not the site a symlink swapped in for the files
// directory points to, and not a directory it did not create.
func TestRestoreUndoFilesOnlyOurs(t *testing.T) {
	srv := mariadbtest.Start(t)
	// The last entry is refused, after the first files are written.
	data := craft(t, archive.Header{},
		file("db/t.schema.sql", tSchema, 0),
		file("files/index.php", "<?php // copy", 0),
		file("files/wp-content/a.txt", "copy", 0),
		file("files/"+registry.MarkerFile, "{}", 0))
	run := func(t *testing.T, dir string, during func()) error {
		once := false
		_, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""),
			Database: mariadbtest.Name(t, "undo"), FilesDir: dir, Registry: flowtest.Registry(t), CMS: "none",
			Progress: func(p Progress) {
				if p.Phase == "files" && !once {
					once = true
					during()
				}
			}})
		if !errors.Is(err, ErrUnsafeEntry) {
			t.Fatalf("got %v, want %v", err, ErrUnsafeEntry)
		}
		return err
	}
	t.Run("file of another program", func(t *testing.T) {
		dir := t.TempDir() // exists, empty
		run(t, dir, func() { os.WriteFile(filepath.Join(dir, "theirs.txt"), []byte("theirs"), 0o644) })
		if b, err := os.ReadFile(filepath.Join(dir, "theirs.txt")); string(b) != "theirs" {
			t.Errorf("their file is gone: %v", err)
		}
		if _, err := os.Lstat(filepath.Join(dir, "index.php")); err == nil {
			t.Error("the restored index.php is left")
		}
	})
	t.Run("swapped for a symlink", func(t *testing.T) {
		base := t.TempDir()
		dir, prod := filepath.Join(base, "site"), filepath.Join(base, "prod")
		os.Mkdir(dir, 0o755)
		os.MkdirAll(filepath.Join(prod, "wp-content"), 0o755)
		os.WriteFile(filepath.Join(prod, "index.php"), []byte("<?php // live"), 0o644)
		run(t, dir, func() {
			os.Rename(dir, dir+".moved")
			os.Symlink(prod, dir)
		})
		if b, err := os.ReadFile(filepath.Join(prod, "index.php")); string(b) != "<?php // live" {
			t.Errorf("the live site's index.php is gone: %v", err)
		}
		if _, err := os.Stat(filepath.Join(prod, "wp-content")); err != nil {
			t.Errorf("the live site's wp-content is gone: %v", err)
		}
	})
	t.Run("parents it created", func(t *testing.T) {
		base := t.TempDir()
		run(t, filepath.Join(base, "a", "b", "site"), func() {})
		if _, err := os.Lstat(filepath.Join(base, "a")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("parent directories left behind: %v", err)
		}
	})
	t.Run("files dir is a symlink", func(t *testing.T) {
		base := t.TempDir()
		dir, other := filepath.Join(base, "site"), filepath.Join(base, "other")
		os.Mkdir(other, 0o755)
		os.Symlink(other, dir)
		_, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), Server: srv.Config(t, ""),
			Database: mariadbtest.Name(t, "undo"), FilesDir: dir, Registry: flowtest.Registry(t), CMS: "none"})
		if !errors.Is(err, ErrFilesDirExists) {
			t.Errorf("got %v, want %v", err, ErrFilesDirExists)
		}
	})
}

// TestRestoreExistingDatabase: restore creates its database itself and
// refuses an existing one, even empty (two restores with the same name at
// once: the loser adopted the winner's database and its undo dropped it).
// With ExistingDatabase it fills an existing empty one (a hosting panel's),
// and a failed restore drops only what it created there: the database stays,
// as does a table someone else made in it meanwhile.
func TestRestoreExistingDatabase(t *testing.T) {
	srv, db := mariadbtest.NewDatabase(t)
	srv.Exec(t, "", "ALTER DATABASE `"+db+"` CHARACTER SET latin1 COLLATE latin1_german1_ci")
	good := craft(t, archive.Header{}, file("db/t.schema.sql", tSchema, 0), file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0))
	_, err := Run(context.Background(), Options{Archive: bytes.NewReader(good), Server: srv.Config(t, ""),
		Database: db, Registry: flowtest.Registry(t), CMS: "none"})
	if !errors.Is(err, ErrDatabaseExists) || !strings.Contains(err.Error(), "--existing-db") {
		t.Fatalf("restore into an existing empty database: %v, want ErrDatabaseExists naming --existing-db", err)
	}

	// A failure: the table the archive made goes, the database and a table
	// another session made while the restore ran stay.
	bad := craft(t, archive.Header{}, file("db/t.schema.sql", tSchema+"CREATE TABLE t2 (a INT);\n", 0), file("db/t.0001.sql", "INSERT INTO t VALUES (1,'a');\n", 0),
		file("db/-objects.sql", "CREATE VIEW v AS SELECT 1 AS one;\nCREATE TABLE other.no (a INT);\n", 0))
	_, err = Run(context.Background(), Options{Archive: bytes.NewReader(bad), Server: srv.Config(t, ""),
		Database: db, Registry: flowtest.Registry(t), CMS: "none", ExistingDatabase: true,
		Progress: func(p Progress) {
			if p.Item == "db/-objects.sql" {
				srv.Exec(t, db, "CREATE TABLE IF NOT EXISTS theirs (a INT)")
			}
		}})
	if err == nil {
		t.Fatal("restore succeeded")
	}
	if !srv.DatabaseExists(t, db) {
		t.Fatal("the existing database was dropped")
	}
	got := srv.Query(t, "", "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"+db+"'")
	if got != "latin1\tlatin1_german1_ci" {
		t.Errorf("database %s after undo: %q, want latin1 latin1_german1_ci", db, got)
	}
	if tables := srv.Query(t, db, "SHOW TABLES"); tables != "theirs" {
		t.Errorf("tables after undo: %q, want only theirs", tables)
	}

	// Success: the tables are there, and the database is the same one.
	srv.Exec(t, db, "DROP TABLE theirs")
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(good), Server: srv.Config(t, ""),
		Database: db, Registry: flowtest.Registry(t), CMS: "none", ExistingDatabase: true}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Query(t, db, "SELECT COUNT(*) FROM t"); n != "1" {
		t.Errorf("t has %s rows", n)
	}
	if _, err := Run(context.Background(), Options{Archive: bytes.NewReader(good), Server: srv.Config(t, ""),
		Database: mariadbtest.Name(t, "missing"), Registry: flowtest.Registry(t), CMS: "none", ExistingDatabase: true}); err == nil {
		t.Error("--existing-db with a database that does not exist: no error")
	}
}

// TestRestoreFromStdin: "stagecopy restore -" names the archive "-", which
// the registry must not take for a relative path.
func TestRestoreFromStdin(t *testing.T) {
	srv := mariadbtest.Start(t)
	data := craft(t, archive.Header{}, file("db/t.schema.sql", tSchema, 0))
	res, err := Run(context.Background(), Options{Archive: bytes.NewReader(data), ArchivePath: "-", Server: srv.Config(t, ""),
		Database: mariadbtest.Name(t, "stdin"), Registry: flowtest.Registry(t), CMS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entry.Archive != "" {
		t.Errorf("registry archive %q, want none", res.Entry.Archive)
	}
}
