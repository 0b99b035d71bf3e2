// Package suggest finds the name a misspelled one was meant to be, for the
// "did you mean" of error messages. Rules keys, actions, presets, tables,
// columns and transformer names all ask it, so a typo gets the same kind of
// suggestion wherever it is made.
package suggest

import (
	"fmt"
	"strings"
)

// Closest returns the candidate nearest to word, or "" when none is near
// enough to be a typo of it. Case is ignored, and insertions, deletions,
// substitutions and swaps of neighbouring characters cost one edit each
// (the optimal string alignment distance). A candidate is near enough
// within one edit from 3 characters and two from 6; shorter names are too
// alike to guess between ("v" is not a typo of "k"). Of equally near
// candidates the first wins.
func Closest(word string, candidates []string) string {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		limit := min(len([]rune(c))/3, 2)
		d := distance(lw, strings.ToLower(c))
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// Hint returns ` (did you mean "name"?)` for the Closest candidate, to
// append to a message, or "" when there is none.
func Hint(word string, candidates []string) string {
	if c := Closest(word, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// distance is the optimal string alignment distance between a and b,
// counted in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
