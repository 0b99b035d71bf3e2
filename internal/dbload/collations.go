package dbload

import "strings"

// The collation table of docs/servers.md: which collation a target that
// lacks one gets instead. The rule, in order: the same collation under
// the target's spelling of its character set (utf8mb3_general_ci and
// utf8_general_ci); for MySQL 8's UCA 9.0.0 collations (_0900_) MariaDB's
// UCA 14.0.0 ones (_uca1400_, MariaDB 10.10 and later) of the same
// language, strength and NO PAD; then the older Unicode collations; for
// MariaDB's _uca1400_ collations, MySQL 8's _0900_ of the same language and
// strength; in the end the target's default collation of the character
// set. Where a choice is left, the same padding (NO PAD or PAD SPACE)
// first, and a finer comparison before a coarser one: a unique key the
// source held must hold on the target (with PAD SPACE, 'a' and 'a ' are one
// key, with NO PAD two).

// charsetNames are the character sets MySQL and MariaDB know.
var charsetNames = setOf(
	"BIG5", "DEC8", "CP850", "HP8", "KOI8R", "LATIN1", "LATIN2", "SWE7", "ASCII", "UJIS", "SJIS", "HEBREW",
	"TIS620", "EUCKR", "KOI8U", "GB2312", "GREEK", "CP1250", "GBK", "LATIN5", "ARMSCII8", "UTF8", "UTF8MB3",
	"UCS2", "CP866", "KEYBCS2", "MACCE", "MACROMAN", "CP852", "LATIN7", "UTF8MB4", "CP1251", "UTF16",
	"UTF16LE", "CP1256", "CP1257", "UTF32", "BINARY", "GEOSTD8", "CP932", "EUCJPMS", "GB18030",
)

func knownCharset(cs string) bool { return charsetNames[strings.ToUpper(cs)] }

// mysqlLanguages maps MySQL 8's language codes in _0900_ collation names
// to MariaDB's language names in _uca1400_ and older collation names.
var mysqlLanguages = map[string]string{
	"cs": "czech", "da": "danish", "de_pb": "german2", "eo": "esperanto", "es": "spanish",
	"es_trad": "spanish2", "et": "estonian", "hr": "croatian", "hu": "hungarian", "is": "icelandic",
	"la": "roman", "lt": "lithuanian", "lv": "latvian", "pl": "polish", "ro": "romanian",
	"sk": "slovak", "sl": "slovenian", "sv": "swedish", "tr": "turkish", "vi": "vietnamese",
}

// mapCharset returns the target's name for character set cs: utf8mb3 and
// utf8 are one character set, spelled one way or the other.
func (a *adapter) mapCharset(cs string) (string, bool) {
	cs = strings.ToLower(cs)
	if _, ok := a.t.Charsets[cs]; ok {
		return cs, true
	}
	for _, alias := range [][2]string{{"utf8mb3", "utf8"}, {"utf8", "utf8mb3"}} {
		if cs == alias[0] {
			if _, ok := a.t.Charsets[alias[1]]; ok {
				return alias[1], true
			}
		}
	}
	return "", false
}

// mapCollation returns the collation of the target closest to name, which
// it lacks, or false when the target lacks its character set.
func (a *adapter) mapCollation(name string) (string, bool) {
	name = strings.ToLower(name)
	cs, rest, ok := strings.Cut(name, "_")
	if !ok {
		return "", false
	}
	tcs, ok := a.mapCharset(cs)
	if !ok {
		return "", false
	}
	for _, c := range collationCandidates(tcs, rest) {
		if got, ok := a.t.Collations[c]; ok && got == tcs {
			return c, true
		}
	}
	def := a.t.Charsets[tcs]
	return def, def != ""
}

// collationCandidates lists, closest first, the collations that may stand
// for the collation cs_rest.
func collationCandidates(cs, rest string) []string {
	var out []string
	add := func(names ...string) {
		for _, n := range names {
			out = append(out, cs+"_"+n)
		}
	}
	add(rest) // the same collation under another spelling of the character set
	// generic lists the collations without a language; nopad says the
	// collation stood for is NO PAD (MySQL's _0900_, MariaDB's _nopad_).
	generic := func(strength string, nopad bool) {
		switch {
		case strength == "bin":
			add("0900_bin", "nopad_bin", "bin")
		case strings.HasSuffix(strength, "_cs"):
			add("uca1400_nopad_"+strength, "uca1400_"+strength, "0900_as_cs", "nopad_bin", "bin")
		case nopad: // ai_ci, as_ci
			add("uca1400_nopad_"+strength, "uca1400_"+strength, "0900_"+strength, "0900_ai_ci", "unicode_520_nopad_ci", "unicode_520_ci", "unicode_nopad_ci", "unicode_ci")
		default:
			add("uca1400_"+strength, "uca1400_nopad_"+strength, "0900_"+strength, "0900_ai_ci", "unicode_520_ci", "unicode_520_nopad_ci", "unicode_ci", "unicode_nopad_ci")
		}
	}
	switch {
	case strings.Contains(rest, "0900_"):
		// MySQL 8: [lang_]0900_strength
		i := strings.Index(rest, "0900_")
		lang := strings.TrimSuffix(rest[:i], "_")
		strength := strings.TrimSuffix(rest[i+len("0900_"):], "_ks")
		if name := mysqlLanguages[lang]; name != "" && strength != "bin" {
			add("uca1400_"+name+"_nopad_"+strength, "uca1400_"+name+"_"+strength, name+"_ci")
		}
		generic(strength, true)
	case strings.HasPrefix(rest, "uca1400_"):
		// MariaDB 10.10+: uca1400_[lang_][nopad_]strength
		r := strings.TrimPrefix(rest, "uca1400_")
		strength := r[max(0, len(r)-5):]
		lang := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(r, strength), "_"), "nopad")
		lang = strings.TrimSuffix(lang, "_")
		if lang != "" {
			for code, name := range mysqlLanguages {
				if name == lang {
					add(code + "_0900_" + strength)
				}
			}
			add(lang + "_ci")
		}
		generic(strength, strings.Contains(r, "nopad_"))
	case strings.Contains(rest, "nopad_"):
		// MariaDB's NO PAD collations: MySQL 8's NO PAD ones, or the same
		// with PAD SPACE.
		if rest == "nopad_bin" {
			add("0900_bin", "bin")
		} else {
			add(strings.Replace(rest, "nopad_", "", 1))
		}
	}
	return out
}
