package anonymize

import (
	"bytes"
	"fmt"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
	"github.com/stagecopy/stagecopy/scan"
)

func init() {
	register(&transformer{
		name:  "redact",
		keyed: true,
		describe: func(opts) string {
			return "keeps the text and replaces each e-mail address, phone number, IP address, street address, card number and URL password in it with a fake of its kind (the same fake the email, phone, ip and street transformers give the same value)"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) {
			return &redactT{k: k, email: &emailFake{k: k, domain: defaultDomain}, phone: &phoneFake{k: k}, ip: &ipFake{k: k}, street: &streetFake{k: k}}, nil
		},
	})
}

// redactT replaces the personal data scan finds in a text, and leaves
// every other byte as it was: "call +44 20 7946 0958 after 5" becomes
// "call +1 212 555 0142 after 5". What it finds is what scan.Spans finds;
// names in free text are not found, and stay.
type redactT struct {
	k                        *Keyer
	email, phone, ip, street Transformer
}

func (t *redactT) Transform(in []byte, null bool, col Column, row Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	var out []byte
	last := 0
	var err error
	scan.Spans(in, func(k scan.Kind, start, end int) {
		if err != nil {
			return
		}
		var fake []byte
		fake, err = t.fake(k, in[start:end], row)
		if err != nil {
			return
		}
		if out == nil {
			out = make([]byte, 0, len(in)+16)
		}
		out = append(append(out, in[last:start]...), fake...)
		last = end
	})
	if err != nil {
		return nil, false, err
	}
	if out == nil {
		return in, false, nil
	}
	out = append(out, in[last:]...)
	if !fits(col, out) {
		return nil, false, errTooLong("redacted text", len(out), col)
	}
	return out, false, nil
}

// fake returns the fake for one place, written as the column
// transformers write it for the same value (no column limit).
func (t *redactT) fake(k scan.Kind, v []byte, row Row) ([]byte, error) {
	var tr Transformer
	switch k {
	case scan.Email:
		tr = t.email
	case scan.Phone:
		tr = t.phone
	case scan.IP:
		tr = t.ip
	case scan.Address:
		tr = t.street
	case scan.Card:
		return t.card(v), nil
	case scan.Credential:
		return []byte(fakeshape.RedactedUserinfo), nil
	default:
		return nil, fmt.Errorf("%w: redact cannot replace %s", ErrUnsafe, k.Plural())
	}
	out, _, err := tr.Transform(v, false, Column{Type: "text"}, row)
	return out, err
}

// card keeps a card number's length and grouping and replaces its digits
// with "0000" and keyed digits: no card network starts with 0, so it is no
// card number.
func (t *redactT) card(v []byte) []byte {
	sum := t.k.Sum("card", v)
	out := bytes.Clone(v)
	n := 0
	for i, c := range out {
		if c < '0' || c > '9' {
			continue
		}
		if n < 4 {
			out[i] = '0'
		} else {
			out[i] = '0' + sum[n%len(sum)]%10
		}
		n++
	}
	return out
}
