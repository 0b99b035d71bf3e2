// Module stagecopy makes safe copies of MySQL/MariaDB-backed websites for
// people who must not see the site's customers.
//
// Layout (see docs/architecture.md):
//
//	cmd/stagecopy       the command line: flags, progress bars, hints, exit codes; one file per command
//	snapshot            Create (dump + files -> archive) orchestration; progress via callbacks
//	anonymize           transformers and the streaming Filter that applies rules to a dump
//	rules               the rules language, its validation and the built-in presets
//	internal/archive    the archive container: tar + zstd, per-entry SHA-256, manifest, Merkle root
//	internal/sqldump    streaming SQL dump parser: statements, INSERT rows, literals, CREATE TABLE
//	internal/phpserial  PHP serialize() parser and encoder, lengths recomputed
//	internal/atomicfile temp-file-then-rename output
//	internal/decompress gzip/zstd detection of input dumps
//	internal/suggest    the "did you mean" of rules and transformer errors
//	bench               benchmarks and the dump generator
//	internal/mariadbtest a throwaway real MariaDB server for tests
//	testdata/demo       a small WordPress-shaped demo site with synthetic people
//	docs                format and architecture documents
package stagecopy
