package sqldump

import (
	"regexp"
	"strings"
)

// Origin is what a dump's header comments say of where it came from:
// the program that wrote it, the server's version and the database.
type Origin struct {
	// Tool is the program and its version: "mysqldump 8.0.36",
	// "mariadb-dump 10.11.6-MariaDB", "phpMyAdmin 5.2.1"; "" when no
	// header says (mydumper writes none in its files).
	Tool string
	// ServerVersion is the source server's version as the header gives
	// it: "8.0.36", "10.11.6-MariaDB-0+deb12u1".
	ServerVersion string
	// Database is the dumped database, "" when the header does not name it.
	Database string
}

var (
	reMySQLDump   = regexp.MustCompile(`(?m)^-- MySQL dump \S+\s+Distrib (\S+?),`)
	reMariaDBDump = regexp.MustCompile(`(?m)^-- MariaDB dump (\S+?)(?:\s+Distrib (\S+?))?,`)
	rePMA         = regexp.MustCompile(`(?m)^-- phpMyAdmin SQL Dump\s*\n-- version (\S+)`)
	reServer      = regexp.MustCompile(`(?m)^-- Server version:?\s+(\S+)`)
	reHostDB      = regexp.MustCompile("(?m)^-- Host: \\S*\\s+Database: (\\S+)")
	rePMADB       = regexp.MustCompile("(?m)^-- Database: `((?:[^`]|``)+)`")
)

// Read fills the fields of o still empty from the comment text of a
// dump's header (a Statement's Lead): the first lines of mysqldump 5.x and
// 8.x, mariadb-dump 10.x and 11.x and phpMyAdmin exports.
func (o *Origin) Read(comments []byte) {
	if o.Tool == "" {
		switch m := reMariaDBDump.FindSubmatch(comments); {
		case m != nil && len(m[2]) > 0: // "10.19  Distrib 10.11.6-MariaDB"
			o.Tool = "mariadb-dump " + string(m[2])
		case m != nil: // "10.19-11.4.2-MariaDB": the client's version after the format's
			v := string(m[1])
			if i := strings.IndexByte(v, '-'); i >= 0 {
				v = v[i+1:]
			}
			o.Tool = "mariadb-dump " + v
		}
		if m := reMySQLDump.FindSubmatch(comments); m != nil && o.Tool == "" {
			o.Tool = "mysqldump " + string(m[1])
		}
		if m := rePMA.FindSubmatch(comments); m != nil && o.Tool == "" {
			o.Tool = "phpMyAdmin " + string(m[1])
		}
	}
	if m := reServer.FindSubmatch(comments); m != nil && o.ServerVersion == "" {
		o.ServerVersion = string(m[1])
	}
	if o.Database == "" {
		if m := reHostDB.FindSubmatch(comments); m != nil {
			o.Database = string(m[1])
		} else if m := rePMADB.FindSubmatch(comments); m != nil {
			o.Database = strings.ReplaceAll(string(m[1]), "``", "`")
		}
	}
}

// Flavor returns "mariadb" or "mysql" for a server version string as
// SELECT VERSION() and dump headers give it (MariaDB's always holds
// "MariaDB"; MySQL's and Percona Server's do not), "" for none.
func Flavor(serverVersion string) string {
	switch {
	case serverVersion == "":
		return ""
	case strings.Contains(strings.ToLower(serverVersion), "mariadb"):
		return "mariadb"
	}
	return "mysql"
}
