// Package anonymize replaces personal data in MySQL dumps with consistent
// fakes. Transformers (email, first_name, phone, date, password, ...) turn
// one value into its fake, deterministically: a keyed sum (AES-256-CMAC,
// see Keyer) of a secret and the value picks the fake, so the same email becomes the same fake email in
// every table, column and PHP or JSON document. A Filter applies a rules
// file to a stream of dump statements (see package rules) and fails closed:
// data it cannot read or rewrite stops the stream instead of passing
// through.
package anonymize
