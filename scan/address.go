package scan

import (
	"bytes"
	"strings"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

// Postal addresses in text: a house number with a street (English "14
// Elmwood Avenue", French and Southern European "12 rue de la Paix", "3
// via Roma", German and Dutch "Hauptstraße 12", "Kerkstraat 4") and UK
// postcodes ("BS8 1TH", "SW1A 1AA"), which have a shape little else has.
// Cities and countries alone are not found, nor addresses written without
// a house number or a street word: finding those needs knowing the places.

// streetAfter are the street words that end an English-style street
// after the house number and the street's name: "14 Elmwood Avenue".
var streetAfter = wordSet("road rd street st avenue ave av lane ln grove drive dr close court ct way place pl crescent terrace " +
	"boulevard blvd square sq gardens hill row walk parade mews park rise view green highway hwy parkway pkwy circle cir")

// streetAbbr are the abbreviated street words, which a '.' may end.
var streetAbbr = wordSet("rd st ave av ln dr ct pl blvd sq hwy pkwy cir")

// streetBefore are the street words that come right after the house
// number: "12 rue de la Paix", "3 via Roma", "5 Calle Mayor".
var streetBefore = wordSet("rue avenue av boulevard bd chemin allée allee impasse quai place cours route " +
	"via viale piazza corso calle avenida avda rua travessa praça praca carrer")

// streetSuffixes end a street's one-word name that the house number
// follows: "Hauptstraße 12", "Kerkstraat 4", "Bahnhofstr. 3".
var streetSuffixes = []string{"straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "ring", "damm", "ufer", "straat", "laan", "gracht", "plein", "vej", "gatan", "gata", "veien", "katu"}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// findAddresses appends the postal addresses of v to dst. Every form has
// a digit: the loop looks for digits only, and at each run of them tries
// the forms that fit around it.
func findAddresses(v []byte, dst []span) []span {
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			continue
		}
		e := i + 1
		for e < len(v) && isDigit(v[e]) {
			e++
		}
		if e-i <= 4 && (i == 0 || !isAddrWord(v[i-1])) {
			if end, ok := streetAfterNumber(v, e); ok && !numberedThing(v, i) && !fakeshape.Street(v[i:end]) {
				dst = append(dst, span{Address, i, end})
				i = end - 1
				continue
			}
			if start, ok := streetBeforeNumber(v, i); ok && (e == len(v) || !isAddrWord(v[e])) {
				dst = append(dst, span{Address, start, e})
				i = e - 1
				continue
			}
		}
		// A UK postcode's outward code: one or two capitals right before
		// the first digit.
		if e-i <= 2 && i > 0 && isUpperByte(v[i-1]) {
			s := i - 1
			if s > 0 && isUpperByte(v[s-1]) {
				s--
			}
			if s == 0 || !isAddrWord(v[s-1]) {
				if end, ok := ukPostcode(v, s); ok {
					dst = append(dst, span{Address, s, end})
					i = end - 1
					continue
				}
			}
		}
		i = e - 1
	}
	return dst
}

// isAddrWord reports whether c can be part of a word or number.
func isAddrWord(c byte) bool { return isDigit(c) || isWordByte(c) }

// notHouse are words after which a number is not a house number:
// "Chapter 3 The Road Ahead", "Order 1234 Shipped".
var notHouse = wordSet("chapter part section page p pp volume vol step level room floor episode season version v no nr num number " +
	"item order invoice table figure fig article art track disc book lesson unit exercise question line row col size model")

// numberedThing reports whether the number at i follows one of notHouse.
func numberedThing(v []byte, i int) bool {
	j := i
	for j > 0 && (v[j-1] == ' ' || v[j-1] == '#' || v[j-1] == '.') {
		j--
	}
	if j == i {
		return false
	}
	s := j
	for s > 0 && isLetterByte(v[s-1]) {
		s--
	}
	return inSetFold(notHouse, v[s:j])
}

// wordAt returns the word at v[i:] (letters, UTF-8, ' and -) and its end;
// an empty word when there is none.
func wordAt(v []byte, i int) ([]byte, int) {
	e := i
	for e < len(v) && (isLetterByte(v[e]) || v[e] >= 0x80 || v[e] == '\'' || v[e] == '-') {
		e++
	}
	return v[i:e], e
}

// inSetFold reports whether the lower case of w is in m, without
// allocating.
func inSetFold(m map[string]bool, w []byte) bool {
	var buf [16]byte
	if len(w) > len(buf) {
		return false
	}
	for i, c := range w {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return m[string(buf[:len(w)])]
}

func capitalized(w []byte) bool { return len(w) > 0 && (isUpperByte(w[0]) || w[0] >= 0x80) }

// streetAfterNumber reads what follows a house number ending at e: an
// optional letter ("12a"), an optional ',', a space, then either a street
// word and a name ("rue de la Paix") or one to four words of a name and a
// street word ("Elmwood Avenue", "Quarry Hill Lane"). It returns the end.
func streetAfterNumber(v []byte, e int) (int, bool) {
	if e < len(v) && isLetterByte(v[e]) && (e+1 == len(v) || !isAddrWord(v[e+1])) {
		e++ // 12a
	}
	if e < len(v) && v[e] == ',' {
		e++
	}
	if e+1 >= len(v) || v[e] != ' ' {
		return 0, false
	}
	i := e + 1
	first, end := wordAt(v, i)
	if len(first) == 0 {
		return 0, false
	}
	if inSetFold(streetBefore, first) {
		// "rue de la Paix": the name must follow, a capital in its first
		// three words.
		j := end
		for n := 0; n < 3 && j < len(v) && v[j] == ' '; n++ {
			w, we := wordAt(v, j+1)
			if len(w) == 0 {
				break
			}
			if capitalized(w) {
				return we, true
			}
			j = we
		}
		return 0, false
	}
	// "Elmwood Avenue": capitalized words, the last a street word.
	j := i
	for n := 0; n < 4; n++ {
		w, we := wordAt(v, j)
		if !capitalized(w) {
			return 0, false
		}
		if n > 0 && inSetFold(streetAfter, w) {
			if we < len(v) && v[we] == '.' && inSetFold(streetAbbr, w) {
				we++ // "Elm Rd." (not a sentence's full stop after "Avenue.")
			}
			return we, true
		}
		if we >= len(v) || v[we] != ' ' {
			return 0, false
		}
		j = we + 1
	}
	return 0, false
}

// streetBeforeNumber reports whether the house number at i follows a
// one-word street name with a street suffix and a space: "Hauptstraße 12".
func streetBeforeNumber(v []byte, i int) (int, bool) {
	if i < 2 || v[i-1] != ' ' {
		return 0, false
	}
	s := i - 1
	for s > 0 && (isLetterByte(v[s-1]) || v[s-1] >= 0x80 || v[s-1] == '.' || v[s-1] == '-') {
		s--
	}
	w := bytes.ToLower(v[s : i-1])
	if len(w) < 5 || !(v[s] >= 'A' && v[s] <= 'Z' || v[s] >= 0x80) {
		return 0, false
	}
	for _, suf := range streetSuffixes {
		if bytes.HasSuffix(w, []byte(suf)) && len(w) > len(suf)+1 {
			return s, true
		}
	}
	return 0, false
}

// ukPostcode reads a UK postcode at i: an outward code of one or two
// letters, a digit and maybe a letter or digit, a space, and an inward
// code of a digit and two letters ("BS8 1TH", "SW1A 1AA", "M14 6PL").
func ukPostcode(v []byte, i int) (int, bool) {
	j := i
	letters := 0
	for j < len(v) && 'A' <= v[j] && v[j] <= 'Z' && letters < 2 {
		j++
		letters++
	}
	if j >= len(v) || !isDigit(v[j]) {
		return 0, false
	}
	j++
	if j < len(v) && (isDigit(v[j]) || 'A' <= v[j] && v[j] <= 'Z') {
		j++
	}
	if j+4 > len(v) || v[j] != ' ' || !isDigit(v[j+1]) || !isUpperByte(v[j+2]) || !isUpperByte(v[j+3]) {
		return 0, false
	}
	end := j + 4
	if end < len(v) && isAddrWord(v[end]) {
		return 0, false
	}
	return end, true
}

func isUpperByte(c byte) bool { return 'A' <= c && c <= 'Z' }
