// Package rules reads stagecopy's anonymization rules: a strict YAML
// language saying which tables and columns hold personal data and how to
// replace it, the built-in presets for WordPress/WooCommerce, PrestaShop,
// Magento 2 and Drupal, and the matching of tables, EAV keys and paths in
// PHP/JSON documents to rules. It only describes; package anonymize owns
// the transformers and does the rewriting.
//
// # The language (version 1)
//
//	version: 1                        # required, must be 1
//	extends: [preset:woocommerce, common.yml]   # or one string; optional
//	prefix: wp_                       # what {prefix} means; optional
//	tables:
//	  "{prefix}users":                # a name or a path.Match glob
//	    columns:
//	      user_email: email                       # a transformer name
//	      created: {date: {shift_days: 30}}       # {name: options}
//	      note: {fixed: "n/a"}                    # {name: value} = {name: {value: value}}
//	      user_login: keep                        # written unchanged, on purpose
//	      bio:                                    # the long form
//	        transform: lorem
//	        where: {status: [active, pending]}
//	  "{prefix}usermeta":             # a key/value (EAV) table
//	    eav: {key_column: meta_key, value_column: meta_value}
//	    keys:
//	      billing_phone: phone
//	      "_billing_*": lorem                     # keys may be globs
//	      "_billing_country": keep                # the most specific key wins
//	      session_tokens:
//	        php: {"*.ip": ip, "*.ua": user_agent} # inside PHP-serialized values
//	  orders:
//	    where: {type: {regex: "^shop_"}}         # the table's rules apply to these rows only
//	    columns:
//	      meta: {json: {"customer.email": email, "**.phone": phone}}
//	  sessions: truncate              # keep the schema, drop the rows
//	  tmp_import: skip                # leave the table out entirely
//	  countries: keep                 # copy unchanged, on purpose
//	  logs: {action: truncate}        # the same, long form
//	files:
//	  exclude: ["*.log", wp-content/cache]
//	  max_size: 10MB                  # B, KB, MB, GB, TB (1000) or KiB, MiB... (1024)
//	  scrub:
//	    - {path: wp-config.php, preset: wp-config}
//	    - {path: .env, patterns: ['(?m)^SECRET=(?P<secret>.*)$'], replace: "x"}
//
// Transformer specs. A spec is a bare name or a one-key mapping
// {name: options}. Options are a mapping, or a single value that stands for
// {value: VALUE} ({template: TEXT} for the template transformer). A
// transformer cannot be called transform, where, php or json: a column
// mapping with any of those keys is the long form of a column rule. The bare
// word null is the null transformer. Options.CheckTransformer validates
// names and options; its errors are reported at the spec.
//
// Keep. At the level of a column or an EAV key, keep (or {transform: keep}
// alone) is not a transformer but a rule of its own, ColumnRule.Keep or
// KeyRule.Keep: the value is written unchanged, and the owner said so. It
// takes no where (the rows a where leaves out are copied unchanged
// anyway). Beside php or json paths, and inside them, keep is the
// transformer that returns its input. Rules.Coverage tells a scan of the
// copy whether a value was kept on purpose, ruled, or not named at all.
//
// Column rules. transform replaces the whole value; php and json rewrite
// values inside PHP-serialized or JSON documents by path; when transform and
// paths are both given, the paths apply to values that parse as PHP or JSON
// and transform to values that do not. where restricts the rule to matching
// rows. Columns compare case-insensitively, as in MySQL.
//
// Paths are dot-separated keys from the document root (list indexes are
// keys too); a segment may be a path.Match glob over one key, and ** matches
// zero or more keys. Keys are case-sensitive. When several paths match, a
// path without wildcards wins, then the one with more literal segments, then
// the first given.
//
// EAV tables. eav names the key and value columns; keys maps key values
// (case-insensitive, globs allowed, {prefix} allowed) to a spec or to the long
// form without where (put conditions at table level). Rows whose key matches
// no rule are copied unchanged. Rules for the key or value column under
// columns are errors.
//
// Conditions (where). A mapping of column to matcher; all must hold. A
// matcher is a scalar (equals, compared byte for byte with the value's text),
// a list (equals one of), {regex: RE} (Go syntax, unanchored, compiled when
// parsed), {null: true|false}, or {not: MATCHER}. NULL never equals and never
// matches a regex, so {not: ...} of those holds for NULL. Use {null: true},
// not a YAML null, to match NULL.
//
// Actions. A table's value is truncate, skip, keep, or a mapping with
// columns, eav, keys and where (and optionally action: transform). A mapping
// with action truncate, skip or keep may have no other rules.
//
// Table patterns. A name or a path.Match glob ("wp_*_meta"); {prefix} is
// replaced by the prefix before matching and is the only placeholder. Table
// names compare exactly. When several patterns match a table the most
// specific wins: an exact name beats any glob; then the longer literal
// prefix (text before the first *, ? or [); then more literal characters;
// then the pattern that appeared first. See Rules.ForTable.
//
// Extends and merging. extends loads presets ("preset:NAME", see Presets)
// and files (paths relative to the including file), depth first; each source
// is applied once, after what it extends, at its first mention; cycles are
// errors. Later sources override earlier ones: a table given as an action
// replaces the table's rule; a mapping merges into an earlier mapping column
// by column and key by key (a later column or key rule replaces the whole
// earlier one), and a later where or eav replaces the earlier one. The
// prefix is Options.Prefix if set, else the last "prefix:" applied
// (the including file's own wins), else "". Exclude globs add up, the last
// max_size wins, scrub rules add up.
//
// Files. Globs use path.Match on slash-separated paths relative to the site
// root; a glob without a slash matches a file or directory name at any depth,
// one with a slash (or a leading /) matches from the root, and a directory
// match covers everything below it. A scrub pattern replaces the text of its
// group named "secret", or the whole match when it has none; presets:
// ScrubPresets.
//
// # Strictness
//
// Everything is checked and every problem is reported, as an Errors sorted
// by position ("file:line:col: message"): unknown keys (with a "did you
// mean"), wrong types, empty names, duplicate keys, a column or key given
// twice, bad globs and regexes, unknown presets and placeholders, a missing
// or wrong version, extends cycles and missing files, and whatever
// Options.CheckTransformer rejects. Rules.CheckSchema then checks the rules
// against a database: tables that do not exist, columns that do not exist.
// Rules from presets may name tables a site lacks; their missing columns are
// warnings, not errors.
//
// Rules.Digest identifies the resolved rules for the archive header; a keep
// rule digests as the keep transformer, which writes the same bytes.
package rules
