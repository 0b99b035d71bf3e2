package scan

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func zl(s string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// deflate is PHP's gzdeflate: raw deflate, as MediaWiki's objectcache
// keeps values.
func deflate(s string) string {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func b64(s string) string  { return base64.StdEncoding.EncodeToString([]byte(s)) }
func b64u(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestEncoded: personal data inside base64, zlib, gzip and raw deflate
// payloads is found, reported with its kind and the encodings.
func TestEncoded(t *testing.T) {
	session := `language|s:5:"en_US";username|s:14:"jane@gmail.com";login_time|i:1700000000;`
	mw := `a:2:{s:4:"user";a:2:{s:5:"email";s:19:"john.roe@web.de";s:2:"ip";s:11:"81.13.87.78";}s:4:"time";i:1;}`
	jwt := b64u(`{"alg":"HS256","typ":"JWT"}`) + "." + b64u(`{"sub":"123","email":"mary.poe@outlook.com","iat":1700000000}`) + ".c2lnbmF0dXJl"
	checkDetect(t, []detectCase{
		// PHP session data, as the issue shows it.
		{"dXNlcj1qYW5lLmRvZUBnbWFpbC5jb20=", "email j***@g***.com (in base64)"},
		{b64("user=jane.doe@gmail.com"), "email j***@g***.com (in base64)"},
		// Roundcube's session variables, in a column and in serialized PHP.
		{b64(session), "email j***@g***.com (in base64)"},
		{`a:1:{s:4:"vars";s:104:"` + b64(session) + `";}`, "email j***@g***.com (in base64)"},
		// A JWT, URL alphabet without padding.
		{jwt, "email m***@o***.com (in base64)"},
		{"Bearer " + jwt + " expires", "email m***@o***.com (in base64)"},
		// Compressed blobs: MediaWiki's objectcache (gzdeflate), zlib,
		// gzip, and gzip inside base64.
		{deflate(mw), "email j***@w***.de (in deflate),ip 81.x.x.x (in deflate)"},
		{zl(mw), "email j***@w***.de (in zlib),ip 81.x.x.x (in zlib)"},
		{gz("Call me: +44 20 7946 0958"), "phone ***58 (in gzip)"},
		{b64(gz("card 4242 4242 4242 4242")), "card **** 4242 (in base64, gzip)"},
		{b64(zl(b64("jane@gmail.com"))), "email j***@g***.com (in base64, zlib, base64)"},
		// What is found in plain text is not reported again; other kinds
		// inside are.
		{"jane@gmail.com " + b64("joe@gmail.com from 81.13.87.78"), "email j***@g***.com,ip 81.x.x.x (in base64)"},
		// Fakes stay fakes inside.
		{b64("emma.smith1234567890@example.com +1 212 555 0142 192.0.2.7"), ""},
		{b64("bob@example.com"), "email b***@e***.com (in base64)"},
	})
}

// TestEncodedBounds: at most three encodings inside one another, and at
// most 1 MiB decoded per value.
func TestEncodedBounds(t *testing.T) {
	four := b64(gz(b64(zl("jane@gmail.com"))))
	checkDetect(t, []detectCase{
		{b64(gz(b64("jane@gmail.com"))), "email j***@g***.com (in base64, gzip, base64)"},
		{four, ""},
	})
	pad := strings.Repeat("lorem ipsum dolor sit amet ", 40000) // 1.08 MB
	checkDetect(t, []detectCase{
		{b64(pad[:900000] + " jane@gmail.com"), "email j***@g***.com (in base64)"},
		{b64(pad + " jane@gmail.com"), ""},
		{gz(pad[:900000] + " jane@gmail.com"), "email j***@g***.com (in gzip)"},
		{gz(pad + " jane@gmail.com"), ""},
		{deflate(pad + " jane@gmail.com"), ""},
	})
	// A gzip bomb costs no more than 1 MiB of output.
	bomb := gz(strings.Repeat("\x00", 16<<20))
	start := time.Now()
	if d := detected(bomb); d != "" {
		t.Errorf("bomb: %q", d)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("a 16 MiB gzip bomb took %v", el)
	}
}

// TestEncodedFalsePositives: hex, hashes, ids, words, paths and binary
// data are not decoded into findings, and cost little.
func TestEncodedFalsePositives(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(r.Uint32())
	}
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + string(noise[:200])
	for _, v := range []string{
		"5f4dcc3b5aa765d61d8327deb882cf99",
		"F47AC10B-58CC-4372-A567-0E02B2C3D479",
		"f47ac10b-58cc-4372-a567-0e02b2c3d479",
		"$P$BI8C8BboMWxv76HHxWdM2cW/JSfiZA0",
		"$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm",
		"$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm",
		"backgroundColorSchemeDefault",
		"/wp-content/uploads/2023/05/PhotoOfTheTeam-1024x768.jpg",
		"my-very-long-post-slug-about-things",
		"WordPressIsGreatForSmallShops",
		"data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte(png)),
		string(noise),
		"\x78\x9c" + string(noise[:100]),
		"\x1f\x8b\x08" + string(noise[:100]),
		base64.StdEncoding.EncodeToString(noise),
	} {
		if d := detected(v); d != "" {
			t.Errorf("detect(%.60q) = %q", v, d)
		}
	}
}

func TestTextLike(t *testing.T) {
	for s, want := range map[string]bool{
		"user=jane": true,
		"O:8:\"stdClass\":1:{s:4:\"\x00*\x00a\";i:1;}": true,
		"héllo wörld":               true,
		"héllo w\xc3":               true, // cut at the end
		"\x89PNG\r\n\x1a\n\x00\x00": false,
		"":                          false,
		"\xff\xfe\xfd\xfc":          false,
	} {
		if textLike([]byte(s)) != want {
			t.Errorf("textLike(%q) = %v", s, !want)
		}
	}
}
