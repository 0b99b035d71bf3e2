// Module stagecopy makes safe copies of MySQL/MariaDB-backed websites for
// people who must not see the site's customers.
//
// Layout (see docs/architecture.md). Imports point down the list: internal/
// never imports a top-level package.
//
//	cmd/stagecopy        the command line: flags, progress bars, hints, exit codes; cmd_<verb>.go per command
//	snapshot             Create: a live database or a dump, anonymized, and a site's files -> one archive
//	restore              Run: an archive -> a new staging database and directory, staging fixes, registry entry
//	purge                Run: a staging copy -> deleted, checked, and a signed deletion receipt
//	anonymize            transformers and the streaming Filter that applies rules to a dump
//	scan                 detectors of personal data no rule covers, over a dump, a database or an archive
//	rules                the rules language, its validation and the built-in presets
//	flowtest             what the tests of the three flows share
//	internal/archive     the archive container: tar + zstd (+ age), per-entry SHA-256, manifest, Merkle root
//	internal/sqldump     streaming SQL dump parser: statements, INSERT rows, literals, CREATE TABLE, session checks
//	internal/dbdump      a live database read consistently as the same statement stream as a dump
//	internal/dbload      the guarded, parallel loader of an archive's SQL entries
//	internal/dbconn      mysqldump-style connection options to a driver configuration
//	internal/registry    the registry of staging copies, their locks and markers
//	internal/staging     CMS detection and staging fixes, URL and configuration rewriting
//	internal/receipt     deletion receipts: statement, DSSE envelope, Ed25519, receipt log
//	internal/passhash    the CMSs' password hash formats
//	internal/phpserial   PHP serialize() parser and encoder, lengths recomputed
//	internal/suggest     the "did you mean" of rules and transformer errors
//	internal/atomicfile  temp-file-then-rename output
//	internal/decompress  gzip/zstd detection of input dumps
//	internal/countio     byte-counting readers and writers
//	internal/mariadbtest a throwaway real MariaDB server for tests
//	internal/killpoint   test-only: kills the process at a named point (the crash tests)
//	bench                benchmarks against mariadb-dump, mydumper/myloader and zstd, and the dump generator
//	testdata/demo        a small WordPress-shaped demo site with synthetic people
//	testdata/cms         the real schemas of the CMSs the presets name, generated from their sources
//	docs                 architecture, format, rules, transformers, receipts and reliability
package stagecopy
