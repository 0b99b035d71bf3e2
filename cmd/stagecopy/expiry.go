package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseLifetime reads 14d, 36h, 90m or "never" (0).
func parseLifetime(s string) (time.Duration, error) {
	switch s {
	case "never", "0", "":
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: use a duration such as 14d, 36h or 90m, or never", s)
	}
	return d, nil
}

// expiredNote is " (EXPIRED)" for a time in the past.
func expiredNote(t time.Time) string {
	if !time.Now().Before(t) {
		return " (EXPIRED: restore refuses it without --ignore-expiry)"
	}
	return ""
}
