package scan

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

// findNumbers appends the IPv4 addresses and phone and card numbers of v
// to dst. It looks at clusters: runs of digit groups joined by at most two
// of " -./()", with a '(' or '+' just before. Clusters of fewer than
// seven digits are passed over, unless they have three dots.
func findNumbers(v []byte, dst []span) []span {
	ws, we := trimBounds(v)
	for i := 0; i < len(v); {
		j := indexDigit(v[i:])
		if j < 0 {
			break
		}
		d := i + j
		e, digits, dots := d, 0, 0
		for {
			for e < len(v) && isDigit(v[e]) {
				e++
				digits++
			}
			k := e
			for k < len(v) && k-e < 2 && isPhoneSep(v[k]) {
				if v[k] == '.' {
					dots++
				}
				k++
			}
			if k == e || k == len(v) || !isDigit(v[k]) {
				break
			}
			e = k
		}
		i = e
		// An IPv4 address needs 4 digits and 3 dots, a phone or card
		// number 7 digits.
		if digits >= 7 || digits >= 4 && dots >= 3 {
			dst = numberCluster(v, d, e, digits, dots, ws, we, dst)
		}
	}
	return dst
}

// numberCluster looks at the cluster v[d:e], which starts and ends with a
// digit and has that many digits and dots.
func numberCluster(v []byte, d, e, digits, dots, ws, we int, dst []span) []span {
	// IPv4 addresses: runs of digits and dots.
	ip := false
	for p := d; p < e && dots >= 3; {
		if !isDigit(v[p]) {
			p++
			continue
		}
		q := p
		for q < e && (isDigit(v[q]) || v[q] == '.') {
			q++
		}
		if end, ok := ipv4At(v, p, q); ok {
			dst = append(dst, span{IP, p, end})
			ip = true
		}
		p = q
	}
	if ip || digits < 7 || digits > 19 {
		return dst
	}
	s := d
	if s > 0 && v[s-1] == '(' {
		s--
	}
	if s > 0 && v[s-1] == '+' {
		s--
	}
	if e-s > 40 {
		return dst
	}
	w := v[s:e]
	whole := s == ws && e == we
	if !whole && attached(v, s, e) {
		return dst
	}
	if digits >= 13 && wholeCard(w) {
		return append(dst, span{Card, s, e})
	}
	if digits > 15 {
		return dst
	}
	if whole && wholePhone(w) || !whole && textPhone(v, s, w, digits) {
		dst = append(dst, span{Phone, s, e})
	}
	return dst
}

// trimBounds returns where v starts and ends without the white space
// around it.
func trimBounds(v []byte) (int, int) {
	s, e := 0, len(v)
	for s < e && isSpace(v[s]) {
		s++
	}
	for e > s && isSpace(v[e-1]) {
		e--
	}
	return s, e
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// attached reports whether the number v[s:e] inside text is part of
// something else: a word or id ("SKU12345678", "wp-image-1234567",
// "1234567px"), a price ("$1234567", "1234567 €" is not attached but
// "1234567€" is), a decimal or a time ("1234567,89", "1234567:30").
func attached(v []byte, s, e int) bool {
	if s > 0 {
		b := v[s-1]
		switch {
		case isAlnum(b) || b == '_' || b == '$' || b == '#':
			return true
		case b >= 0x80:
			return !nbspBefore(v, s)
		case (b == '-' || b == '/' || b == '.') && s > 1 && isAlnum(v[s-2]):
			return true
		}
	}
	if e < len(v) {
		a := v[e]
		switch {
		case isAlnum(a) || a == '_' || a == '%':
			return true
		case a >= 0x80:
			return !(a == 0xc2 && e+1 < len(v) && v[e+1] == 0xa0)
		case (a == ',' || a == ':') && e+1 < len(v) && isDigit(v[e+1]):
			return true
		case (a == '-' || a == '/') && e+1 < len(v) && isAlnum(v[e+1]):
			return true
		}
	}
	return false
}

// nbspBefore reports whether a no-break space (U+00A0) ends at s.
func nbspBefore(v []byte, s int) bool { return s > 1 && v[s-1] == 0xa0 && v[s-2] == 0xc2 }

// textPhone reports whether w, a cluster at v[s:] inside text with n
// digits, is a phone number: after a word that says a phone number
// follows, any shape of 7 to 15 digits that is not a date, an IP address
// or a fake; otherwise only with a leading '+' (8 digits or more), an
// area code in parentheses or in the North American 3-3-4 shape, and then
// by the whole-value rules. Never right after a word that says it is
// another number ("order", "invoice", "ISBN", ...) or a '#'.
func textPhone(v []byte, s int, w []byte, n int) bool {
	if n < 7 || looksLikeDate(w) {
		return false
	}
	var shaped bool
	switch {
	case w[0] == '+':
		shaped = n >= 8 && wholePhone(w)
	case w[0] == '(':
		shaped = parenArea(w) && wholePhone(w)
	default:
		shaped = nanpShape(w) && wholePhone(w)
	}
	switch cueBefore(v, s) {
	case -1:
		return false
	case 1:
		_, ip := parseIPv4(w)
		return !ip && !fakeshape.Phone(w)
	}
	return shaped
}

// parenArea reports whether w starts with an area code in parentheses:
// three digits, the first 2 to 9 (North American), or one to five digits
// starting with 0 (a national prefix: "(030)", "(0)").
func parenArea(w []byte) bool {
	i := 1
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	if i == len(w) || w[i] != ')' {
		return false
	}
	a := w[1:i]
	return len(a) == 3 && a[0] >= '2' || len(a) >= 1 && len(a) <= 5 && a[0] == '0'
}

// nanpShape reports whether w is a North American number in groups:
// 3-3-4 or 1-3-3-4 with a leading 1, one separator ('-', '.' or space)
// used throughout, and an area code starting with 2 to 9.
func nanpShape(w []byte) bool {
	if len(w) > 2 && w[0] == '1' && (w[1] == '-' || w[1] == '.' || w[1] == ' ') {
		if w[1] != w[5%len(w)] {
			return false
		}
		w = w[2:]
	}
	if len(w) != 12 || w[0] < '2' {
		return false
	}
	sep := w[3]
	if sep != '-' && sep != '.' && sep != ' ' || w[7] != sep {
		return false
	}
	for i, c := range w {
		if i != 3 && i != 7 && !isDigit(c) {
			return false
		}
	}
	return true
}

// cueBefore looks at the (at most three) words before v[s], nearest first,
// on the same line, within 48 bytes: 1 if one says a phone number follows
// ("Tel:", "phone number:", "call me on", "Handy", "<b>Tél.</b>"), -1 if
// one says another kind of number follows ("Order", "ISBN", "Invoice no.")
// or a '#' comes right before, 0 otherwise. Words are letters (of any
// script); camelCase keys count by their last part ("billingPhone").
func cueBefore(v []byte, s int) int {
	i := s
	for words := 0; words < 3 && i > 0 && s-i < 48; words++ {
		for i > 0 && !isWordByte(v[i-1]) {
			switch v[i-1] {
			case '\n', '\r':
				return 0
			case '#':
				if words == 0 {
					return -1
				}
			}
			i--
		}
		e := i
		for i > 0 && isWordByte(v[i-1]) && e-i < 24 {
			i--
		}
		if i == e || i > 0 && isWordByte(v[i-1]) {
			return 0
		}
		var buf [24]byte
		w := lowerWord(buf[:0], v[i:e])
		if c := cueWord(w); c != 0 {
			return c
		}
	}
	return 0
}

// lowerWord appends w in lower case (ASCII, and Latin-1 capitals in
// UTF-8), from its last capital letter on if it is camelCase
// ("billingPhone" gives "phone").
func lowerWord(dst, w []byte) []byte {
	for i := len(w) - 1; i > 0; i-- {
		if 'A' <= w[i] && w[i] <= 'Z' && 'a' <= w[i-1] && w[i-1] <= 'z' {
			w = w[i:]
			break
		}
	}
	for i, c := range w {
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case i > 0 && w[i-1] == 0xc3 && 0x80 <= c && c <= 0x9e && c != 0x97:
			c += 0x20 // À-Þ to à-þ
		}
		dst = append(dst, c)
	}
	return dst
}

// cueWord says what kind of number follows the word w (lower case): 1 a
// phone number, -1 another kind, 0 either.
func cueWord(w []byte) int {
	switch string(w) {
	case "tel", "tél", "tele", "telephone", "téléphone", "telefon", "telefone", "telefono", "teléfono",
		"telf", "tlf", "tfn", "fon", "phone", "phones", "ph", "call", "mobile", "mob", "mobil", "mobiel",
		"móvil", "movil", "cell", "cellphone", "cellular", "cellulare", "celular", "handy", "fax", "telefax",
		"whatsapp", "gsm", "sms", "portable", "rufnummer", "telefonnummer", "handynummer", "mobilnummer",
		"phonenumber", "tlfn", "puhelin", "telefoon":
		return 1
	case "order", "orders", "invoice", "ref", "reference", "sku", "isbn", "issn", "ean", "upc", "gtin", "id",
		"tracking", "serial", "version", "iban", "bic", "swift", "account", "art", "item", "product", "ticket",
		"case", "page", "pages", "vat", "tax", "siret", "siren", "dni", "nif", "ssn", "zip", "postcode", "plz",
		"bestellung", "rechnung", "commande", "facture", "kundennummer", "auftrag", "pedido", "factura",
		"ordine", "fattura", "transaction", "receipt", "batch", "lot", "model", "part":
		return -1
	}
	return 0
}

// wholePhone reports whether w is a phone number: 7 to 15 digits, written
// with a leading '+', parentheses, a leading 0 or 00 (national or
// international prefix) in digit groups, or in the North American 3-3-4
// shape, and not a date, a US ZIP+4 code, an IPv4 address or a fake.
// Product codes, amounts and ISBNs ("100-200-300", "1 000 000",
// "978-3-16-148410-0") are not phones.
func wholePhone(w []byte) bool {
	if len(w) < 7 || len(w) > 24 {
		return false
	}
	var digits [24]byte
	var groups [24]int // lengths of the digit groups
	n, ng, paren, run := 0, 0, false, 0
	for i, c := range w {
		switch {
		case '0' <= c && c <= '9':
			digits[n] = c
			n++
			run++
			continue
		case c == '+' && i == 0:
		case c == '(' || c == ')':
			paren = true
		case c == ' ' || c == '-' || c == '.' || c == '/':
		default:
			return false
		}
		if run > 0 {
			groups[ng] = run
			ng++
		}
		run = 0
	}
	if run > 0 {
		groups[ng] = run
		ng++
	}
	if n < 7 || n > 15 || looksLikeDate(w) {
		return false
	}
	nanp := ng == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 4
	// A leading 0 (national) or 00 (international) prefix counts when the
	// number is written in groups: bare digits starting with 0 are UPC and
	// EAN codes and zero-padded ids, and "0." starts a decimal.
	grouped := ng >= 2 && bytes.ContainsAny(w, " -/()")
	national := grouped && (w[0] == '0' && n >= 9 && n <= 13 && digits[1] != '0' || bytes.HasPrefix(w, []byte("00")) && n >= 11)
	if !(w[0] == '+' || paren || nanp || national) {
		return false
	}
	if ng == 2 && groups[0] == 5 && groups[1] == 4 && w[5] == '-' {
		return false // a ZIP+4 code: 02134-1234
	}
	if _, ok := parseIPv4(w); ok {
		return false // an IPv4 address
	}
	return !fakeshape.Phone(w)
}

// looksLikeDate reports whether w starts like a date: 2024-02-01,
// 01.02.2024, 01/02/24 (with '-', '.' or '/': "0211 12 34 56" is a phone).
func looksLikeDate(w []byte) bool {
	// The lengths of the first fields between '-', '.', '/', ' ' and ':'.
	var f [4]int
	nf, start, first, dashes := 0, -1, byte(0), false
	for i := 0; i <= len(w); i++ {
		if i == len(w) || w[i] == '-' || w[i] == '.' || w[i] == '/' || w[i] == ' ' || w[i] == ':' {
			if start >= 0 {
				if nf < len(f) {
					f[nf] = i - start
				}
				nf++
				start = -1
			}
			dashes = dashes || i < len(w) && w[i] != ' ' && w[i] != ':'
			continue
		}
		if start < 0 {
			start = i
			if nf == 0 {
				first = w[i]
			}
		}
	}
	if nf < 3 || !dashes {
		return false
	}
	a, b, c := f[0], f[1], f[2]
	year := a == 4 && (first == '1' || first == '2')
	return year && b <= 2 && c <= 2 || a <= 2 && b <= 2 && (c == 4 || c == 2) && nf == 3
}

// wholeCard reports whether w is a payment card number: 13 to 19 digits,
// maybe in groups, with a card network's prefix and a valid Luhn check
// digit.
func wholeCard(w []byte) bool {
	var digits [40]byte
	n := 0
	for _, c := range w {
		switch {
		case '0' <= c && c <= '9':
			if n == len(digits) {
				return false
			}
			digits[n] = c
			n++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return n >= 13 && n <= 19 && cardPrefix(digits[:n]) && luhn(digits[:n])
}

// cardPrefix reports whether d has a card network's prefix and one of its
// lengths. 13-digit Visa numbers are long gone; leaving them out spares the
// EAN-13 barcodes of product tables.
func cardPrefix(d []byte) bool {
	n := len(d)
	p2 := int(d[0]-'0')*10 + int(d[1]-'0')
	p4 := p2*100 + int(d[2]-'0')*10 + int(d[3]-'0')
	switch {
	case d[0] == '4': // Visa
		return n == 16 || n == 19
	case 51 <= p2 && p2 <= 55, 2221 <= p4 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011 || p2 == 65: // Discover
		return n >= 16
	case 3528 <= p4 && p4 <= 3589: // JCB
		return n >= 16
	case p2 == 36 || 300 <= p4/10 && p4/10 <= 305: // Diners
		return n >= 14 && n <= 16
	}
	return false
}

func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		x := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if x *= 2; x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// indexDigit returns the index of the first ASCII digit in b, or -1,
// looking at 8 bytes at a time.
func indexDigit(b []byte) int {
	i := 0
	for ; i+16 <= len(b); i += 16 {
		m0 := digitMask(binary.LittleEndian.Uint64(b[i:]))
		m1 := digitMask(binary.LittleEndian.Uint64(b[i+8:]))
		if m0|m1 != 0 {
			if m0 != 0 {
				return i + bits.TrailingZeros64(m0)/8
			}
			return i + 8 + bits.TrailingZeros64(m1)/8
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if m := digitMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if isDigit(b[i]) {
			return i
		}
	}
	return -1
}

// digitMask returns w with the high bit of each byte that is an ASCII
// digit set, and all other bits clear.
func digitMask(w uint64) uint64 {
	const lo7, hi = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	x := w ^ 0x3030303030303030 // digits become 0 to 9
	// (x&0x7f)+0x76 reaches the high bit from 10 up, without carries.
	y := (x & lo7) + 0x7676767676767676
	return ^(x | y) & hi
}
