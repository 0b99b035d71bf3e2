// The date transformer: shifts dates and timestamps by a keyed number of
// days, keeping their format.

package anonymize

import (
	"fmt"
	"strconv"
	"time"
)

func init() {
	register(&transformer{
		name:  "date",
		keyed: true,
		opts: []option{{
			name:    "shift_days",
			kind:    optInt,
			accepts: "a whole number of days from 0 to 36500, default 30",
			check:   intRange(0, 36500),
		}},
		describe: func(o opts) string {
			n := o.int("shift_days", 30)
			if n == 0 {
				return "keeps dates unchanged (shift_days is 0)"
			}
			return fmt.Sprintf("shifts dates by 1 to %d days earlier or later, the same shift for every value on the same day; keeps the format (YYYY-MM-DD, with time, fraction, T and zone, unix seconds/ms/µs); zero dates stay as they are; other formats are an error", n)
		},
		build: func(o opts, k *Keyer) (Transformer, error) {
			return &dateFake{k: k, days: o.int("shift_days", 30)}, nil
		},
	})
}

type dateFake struct {
	k    *Keyer
	days int
}

// Transform shifts the value by a number of whole days in [-days, -1] or
// [1, days], chosen by the keyed hash of the day itself (not of the time),
// so all values of one day move together and keep their order and time of
// day. Recognized forms:
//
//   - "YYYY-MM-DD" (or with '/'), optionally followed by ' ' or 'T' and
//     anything (time, fraction, zone): only the date part is rewritten.
//   - unix timestamps: 9-10 digits (seconds), 12-13 (milliseconds), 15-16
//     (microseconds).
//
// Zero dates (0000-00-00...) and timestamps of 0 are returned unchanged: they
// carry no date to hide. A shift that would leave MySQL's range (years
// 1000-9999; 1970-2038 for timestamp columns) goes the other way. Values in
// any other format are an error wrapping ErrUnsafe: passing them through
// would keep a real date.
func (t *dateFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 || t.days == 0 {
		return in, null, nil
	}
	if y, m, d, ok := parseYMD(in); ok {
		day := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		off := t.offset(y, m, d)
		shifted := day.AddDate(0, 0, off)
		if !inRange(shifted, col) {
			// At the edge of the column's range: shift the other way.
			if shifted = day.AddDate(0, 0, -off); !inRange(shifted, col) {
				return nil, false, fmt.Errorf("%w: date %q cannot be shifted within the column's range", ErrUnsafe, in)
			}
		}
		out := append([]byte(nil), in...)
		sy, sm, sd := shifted.Date()
		put2(out[0:], sy/100)
		put2(out[2:], sy%100)
		put2(out[5:], int(sm))
		put2(out[8:], sd)
		return fitOrTooLong(out, col)
	}
	if unit, ok := timestampUnit(in); ok {
		v, err := strconv.ParseInt(string(in), 10, 64)
		if err != nil || v == 0 {
			return in, false, nil
		}
		perDay := 86400 * unit
		y, m, d := time.Unix(v/unit, 0).UTC().Date()
		off := int64(t.offset(y, int(m), d))
		sv := v + off*perDay
		if !inRange(time.Unix(sv/unit, 0).UTC(), col) {
			if sv = v - off*perDay; !inRange(time.Unix(sv/unit, 0).UTC(), col) {
				return nil, false, fmt.Errorf("%w: timestamp %s cannot be shifted within the column's range", ErrUnsafe, in)
			}
		}
		return fitOrTooLong(strconv.AppendInt(make([]byte, 0, 20), sv, 10), col)
	}
	if isZeroDate(in) {
		return in, false, nil
	}
	// A date in a format this transformer cannot read would pass unchanged:
	// refuse it (fail closed).
	return nil, false, fmt.Errorf("%w: %q is not a date the date transformer reads (YYYY-MM-DD[ HH:MM:SS], unix time); use null, fixed or lorem for this column", ErrUnsafe, clipValue(in))
}

// isZeroDate reports MySQL's zero dates: digits all 0 ("0000-00-00",
// "0000-00-00 00:00:00", "00:00:00").
func isZeroDate(b []byte) bool {
	digits := 0
	for _, c := range b {
		switch {
		case c == '0':
			digits++
		case c == '-' || c == ':' || c == ' ' || c == '.' || c == 'T' || c == 'Z':
		default:
			return false
		}
	}
	return digits > 0
}

func clipValue(b []byte) string {
	if len(b) > 32 {
		return string(b[:32]) + "..."
	}
	return string(b)
}

// fitOrTooLong returns a shifted date, or ErrTooLong if the column is
// shorter than the date (which then was not in the column either).
func fitOrTooLong(out []byte, col Column) ([]byte, bool, error) {
	if !fits(col, out) {
		return nil, false, errTooLong("date", len(out), col)
	}
	return out, false, nil
}

// offset returns the shift in days for a day: in [-days, -1] or
// [1, days], never 0. The key is the day as "YYYY-MM-DD", whatever the
// input's form, so a date column and a timestamp column agree.
func (t *dateFake) offset(y, m, d int) int {
	var key [10]byte
	put2(key[0:], y/100%100)
	put2(key[2:], y%100)
	key[4], key[7] = '-', '-'
	put2(key[5:], m)
	put2(key[8:], d)
	sum := t.k.Sum("date", key[:])
	r := newStream(sum)
	off := r.intn(2*t.days) - t.days
	if off >= 0 {
		off++
	}
	return off
}

// parseYMD reads a valid calendar date at the start of b, followed by
// nothing, or by ' ' or 'T' and a time of printable ASCII (digits, ':',
// '.', a zone): the rest is kept as it is, so it may hold nothing else.
func parseYMD(b []byte) (y, m, d int, ok bool) {
	if len(b) < 10 || (len(b) > 10 && b[10] != ' ' && b[10] != 'T') {
		return 0, 0, 0, false
	}
	for _, c := range b[10:] {
		if c < ' ' || c > '~' {
			return 0, 0, 0, false
		}
	}
	sep := b[4]
	if (sep != '-' && sep != '/') || b[7] != sep {
		return 0, 0, 0, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var ok1, ok2, ok3 bool
	y, ok1 = num(b[0:4])
	m, ok2 = num(b[5:7])
	d, ok3 = num(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || y < 1 {
		return 0, 0, 0, false
	}
	if d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// timestampUnit recognizes unix timestamps by their digit count and
// returns how many units make a second.
func timestampUnit(b []byte) (int64, bool) {
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	switch len(b) {
	case 9, 10:
		return 1, true
	case 12, 13:
		return 1000, true
	case 15, 16:
		return 1000000, true
	}
	return 0, false
}

func inRange(t time.Time, col Column) bool {
	if col.Type == "timestamp" {
		return t.After(time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)) && t.Before(time.Date(2038, 1, 18, 0, 0, 0, 0, time.UTC))
	}
	y := t.Year()
	return y >= 1000 && y <= 9999
}

func put2(b []byte, n int) {
	b[0] = byte('0' + n/10)
	b[1] = byte('0' + n%10)
}
