package receipt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
)

// Envelope is a DSSE envelope (github.com/secure-systems-lab/dsse, v1.0).
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"`
	Signatures  []Signature `json:"signatures"`
}

// Signature is one DSSE signature. KeyID is the hex SHA-256 of the signer's
// public key.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// b64 is the one base64 spelling accepted: standard alphabet, padded, no
// stray bits or newlines ignored, so a payload or signature has exactly one
// encoding and no flipped character can decode to the same bytes.
var b64 = base64.StdEncoding.Strict()

// PAE is DSSE's pre-authentication encoding, the bytes actually signed:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII
// decimal.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// Sign validates st, encodes it, and signs it into an envelope. The
// returned bytes are the receipt file: the envelope as indented JSON and a
// newline. These exact bytes are what the receipt log records.
func Sign(st *Statement, key *PrivateKey) ([]byte, error) {
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("receipt: refusing to sign: %w", err)
	}
	payload, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("receipt: encode statement: %w", err)
	}
	sig := ed25519.Sign(key.key, PAE(PayloadType, payload))
	env := Envelope{
		PayloadType: PayloadType,
		Payload:     b64.EncodeToString(payload),
		Signatures:  []Signature{{KeyID: key.public.KeyID(), Sig: b64.EncodeToString(sig)}},
	}
	out, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("receipt: encode envelope: %w", err)
	}
	return append(out, '\n'), nil
}

// VerifyReceipt checks a receipt file against a public key and returns its
// statement. In this order: the envelope parses strictly; it carries one
// signature, whose keyid is the key's and which verifies over the PAE of the
// exact payload bytes; only then is the payload parsed, strictly (no unknown
// or differently-cased fields, no duplicate keys, nothing after it) and
// validated (Statement.Validate). Every failure wraps ErrInvalid.
func VerifyReceipt(data []byte, pub *PublicKey) (*Statement, error) {
	var env Envelope
	if err := strictUnmarshal(data, &env); err != nil {
		return nil, badSignature("envelope: %v", err)
	}
	if env.PayloadType != PayloadType {
		return nil, badSignature("envelope: payloadType is %q, want %q", env.PayloadType, PayloadType)
	}
	payload, err := b64.DecodeString(env.Payload)
	if err != nil {
		return nil, badSignature("envelope: payload is not standard base64: %v", err)
	}
	// One signer per receipt: a second signature would be unchecked
	// bytes riding along in a file that claims to be verified.
	if len(env.Signatures) != 1 {
		return nil, badSignature("envelope: want exactly one signature, found %d", len(env.Signatures))
	}
	s := env.Signatures[0]
	if s.KeyID != pub.KeyID() {
		return nil, badSignature("signed by another key (keyid %.16s…, this public key %s has keyid %.16s…)", s.KeyID, pub.Name, pub.KeyID())
	}
	sig, err := b64.DecodeString(s.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, badSignature("envelope: signature is not a base64 Ed25519 signature")
	}
	if !ed25519.Verify(pub.Key, PAE(env.PayloadType, payload), sig) {
		return nil, badSignature("the receipt was altered or not signed by %s", pub.Name)
	}
	var st Statement
	if err := strictUnmarshal(payload, &st); err != nil {
		return nil, invalidf("statement: %v", err)
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}
	return &st, nil
}

// ParseUnverified decodes a receipt's statement without checking anything,
// for display. Nothing it returns may be trusted.
func ParseUnverified(data []byte) (*Envelope, *Statement, error) {
	var env Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, nil, fmt.Errorf("receipt: not a DSSE envelope: %w", err)
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, nil, fmt.Errorf("receipt: payload: %w", err)
	}
	var st Statement
	if err := json.Unmarshal(payload, &st); err != nil {
		return nil, nil, fmt.Errorf("receipt: statement: %w", err)
	}
	return &env, &st, nil
}

// strictUnmarshal decodes data into v and rejects anything a lenient reader
// would let through and another reader might read differently: unknown
// fields, fields spelled in another case (encoding/json matches names
// case-insensitively), duplicate keys, values that do not round-trip, and
// trailing data.
func strictUnmarshal(data []byte, v any) error {
	if err := noDuplicateKeys(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	again, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var a, b any
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	if err := json.Unmarshal(again, &b); err != nil {
		return err
	}
	if path, ok := firstDiff("", a, b); !ok {
		return fmt.Errorf("%s: not in canonical form (required fields present, names case-sensitive, empty optional fields left out, times RFC 3339)", path)
	}
	return nil
}

// firstDiff compares decoded JSON trees and names the first place they
// differ, for an error message that says where.
func firstDiff(path string, a, b any) (string, bool) {
	name := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			return path, false
		}
		for _, k := range slices.Sorted(maps.Keys(a)) {
			bv, ok := bm[k]
			if !ok {
				return name(k), false
			}
			if p, ok := firstDiff(name(k), a[k], bv); !ok {
				return p, false
			}
		}
		for _, k := range slices.Sorted(maps.Keys(bm)) {
			if _, ok := a[k]; !ok {
				return name(k) + " (missing)", false
			}
		}
		return "", true
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return path, false
		}
		for i := range a {
			if p, ok := firstDiff(fmt.Sprintf("%s[%d]", path, i), a[i], bs[i]); !ok {
				return p, false
			}
		}
		return "", true
	}
	if !reflect.DeepEqual(a, b) {
		return path, false
	}
	return "", true
}

// noDuplicateKeys walks the JSON tokens and fails on an object with the
// same key twice.
func noDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		keys   map[string]bool
		object bool
		key    bool // next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				return fmt.Errorf("duplicate key %q", k)
			}
			top.keys[k] = true
			top.key = false
			continue
		}
		if top != nil && top.object {
			top.key = true // this token is the value; the next is a key
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, object: true, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}
