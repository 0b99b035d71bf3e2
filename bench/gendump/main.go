// Command gendump writes a synthetic mariadb-dump file of about the
// requested size, for benchmarks, in one of two shapes: "wp", a
// WordPress/WooCommerce site (users, user meta, posts, comments), or
// "users", one `users` table of small rows (about 150 bytes) with three
// personal-data columns (email, full_name, hash) among nine. Every person
// in it is invented from small word lists and a seeded PRNG, so the output
// is the same for the same flags.
//
//	go run ./bench/gendump -size 1GiB -o /tmp/wp-1g.sql
//	go run ./bench/gendump -shape users -size 400MB -o /tmp/users-400mb.sql
//	go run ./bench/gendump -shop -size 1GiB -o /tmp/shop-1g.sql
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

var (
	firsts = strings.Fields("Alice Bruno Chloé Daniel Emma Farid Giulia Hugo Inès Jonas Katarzyna Liam Maëlle Noah Olga Pedro Quentin Rosa Samir Tereza Ugo Vera William Xénia Yann Zoé")
	lasts  = strings.Fields("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier O'Connor Müller Nowak Rossi")
	cities = strings.Fields("Lyon Nantes Lille Toulouse Bordeaux Rennes Grenoble Dijon Angers Nîmes Brest Metz Tours Amiens Limoges")
	words  = strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat")
)

func main() {
	sizeFlag := flag.String("size", "100MiB", "approximate output size (KiB, MiB, GiB, KB, MB, GB)")
	out := flag.String("o", "-", "output file, - for stdout")
	seed := flag.Uint64("seed", 1, "PRNG seed")
	rowsPer := flag.Int("rows-per-insert", 0, "rows per extended INSERT (mariadb-dump packs about 1 MiB; 0: 7000 for -shape users, 500 otherwise)")
	shape := flag.String("shape", "wp", "what to generate: wp (a WordPress site) or users (one table of small rows)")
	shop := flag.Bool("shop", false, "a WooCommerce shop with WordPress's indexes: ten years of orders with meta, items and notes (the last 1% from "+shopLast1Percent+")")
	flag.Parse()
	if *shape != "wp" && *shape != "users" {
		fmt.Fprintf(os.Stderr, "gendump: unknown -shape %q: want wp or users\n", *shape)
		os.Exit(2)
	}
	size, err := parseSize(*sizeFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendump:", err)
		os.Exit(2)
	}
	f := os.Stdout
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintln(os.Stderr, "gendump:", err)
			os.Exit(1)
		}
	}
	w := bufio.NewWriterSize(f, 1<<20)
	g := &gen{w: w, r: rand.New(rand.NewPCG(*seed, 2)), rowsPer: *rowsPer}
	switch {
	case *shop:
		if g.rowsPer == 0 {
			g.rowsPer = 500
		}
		g.shop(size)
	case *shape == "users":
		if g.rowsPer == 0 {
			g.rowsPer = 7000 // about 1 MiB, as mariadb-dump packs them
		}
		g.users(size)
	default:
		if g.rowsPer == 0 {
			g.rowsPer = 500
		}
		g.run(size)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gendump:", err)
		os.Exit(1)
	}
	if f != os.Stdout {
		f.Close()
	}
}

func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			return int64(v * float64(u.mult)), err
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

type gen struct {
	w       *bufio.Writer
	r       *rand.Rand
	rowsPer int
	n       int64
}

func (g *gen) printf(format string, args ...any) {
	n, _ := fmt.Fprintf(g.w, format, args...)
	g.n += int64(n)
}

func (g *gen) pick(l []string) string { return l[g.r.IntN(len(l))] }

func (g *gen) text(words_ int) string {
	var b strings.Builder
	for i := 0; i < words_; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.pick(words))
	}
	return b.String()
}

func esc(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s)
}

const header = `/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: bench_wp
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;

`

// run writes users, usermeta, posts and comments in the proportions of a
// small shop until about size bytes are written.
func (g *gen) run(size int64) {
	g.printf("%s", header)
	g.printf("%s", schema)
	users := max(size/20000, 10)
	g.people(users)
	// Posts and comments fill the rest.
	rest := size - g.n
	posts := max(rest/2/1500, 10)
	g.table("wp_posts", posts, func(i int64) {
		g.printf("(%d,1,'2024-01-01 10:00:00','2024-01-01 09:00:00','%s','%s','','publish','open','open','','post-%d','','','2024-01-01 10:00:00','2024-01-01 09:00:00','',0,'http://shop.example.test/?p=%d',0,'post','',0)",
			i, esc(g.text(200)), esc(g.text(5)), i, i)
	})
	comments := max((size-g.n)/400, 10)
	g.table("wp_comments", comments, func(i int64) {
		first, last := g.pick(firsts), g.pick(lasts)
		g.printf("(%d,%d,'%s %s','%s@example-customer.net','','81.%d.%d.%d','2024-02-01 12:00:00','2024-02-01 11:00:00','%s',0,'1','Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0','comment',0,0)",
			i, 1+i%posts, esc(first), esc(last), esc(strings.ToLower(first)), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), esc(g.text(30)))
	})
}

// people writes users and their meta.
func (g *gen) people(users int64) {
	g.table("wp_users", users, func(i int64) {
		first, last := g.pick(firsts), g.pick(lasts)
		login := strings.ToLower(first) + strconv.FormatInt(i, 10)
		g.printf("(%d,'%s','$P$B%s','%s','%s.%s%d@example-customer.net','','2023-%02d-%02d %02d:%02d:00','',0,'%s %s')",
			i, esc(login), strconv.FormatUint(g.r.Uint64(), 36)+"abcdefghijklmnopq"[:12], esc(login), esc(strings.ToLower(first)), esc(strings.ToLower(last)), i,
			1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), esc(first), esc(last))
	})
	metaKeys := []string{"first_name", "last_name", "nickname", "billing_phone", "billing_city", "billing_postcode", "wp_capabilities", "description"}
	g.table("wp_usermeta", users*int64(len(metaKeys)), func(i int64) {
		u := i/int64(len(metaKeys)) + 1
		k := metaKeys[i%int64(len(metaKeys))]
		var v string
		switch k {
		case "first_name", "nickname":
			v = g.pick(firsts)
		case "last_name":
			v = g.pick(lasts)
		case "billing_phone":
			v = fmt.Sprintf("+33 6 %02d %02d %02d %02d", g.r.IntN(100), g.r.IntN(100), g.r.IntN(100), g.r.IntN(100))
		case "billing_city":
			v = g.pick(cities)
		case "billing_postcode":
			v = fmt.Sprintf("%05d", g.r.IntN(100000))
		case "wp_capabilities":
			v = `a:1:{s:8:"customer";b:1;}`
		default:
			v = g.text(8)
		}
		g.printf("(%d,%d,'%s','%s')", i+1, u, k, esc(v))
	})
}

// users writes one `users` table of rows of about 150 bytes until about
// size bytes are written: the shape where the per-value cost of the rules
// (three of nine columns) dominates, not the copying of long texts.
func (g *gen) users(size int64) {
	g.printf("%s", strings.Replace(header, "bench_wp", "bench_users", 1))
	g.printf("%s", usersSchema)
	rows := max((size-g.n)/150, 10)
	g.table("users", rows, func(i int64) {
		first, last := g.pick(firsts), g.pick(lasts)
		g.printf("(%d,'%s.%s%d@example-customer.net','%s %s','%016x%016x','2023-%02d-%02d %02d:%02d:%02d','2024-%02d-%02d %02d:%02d:%02d','%s',%d,%d)",
			i, esc(strings.ToLower(first)), esc(strings.ToLower(last)), i, esc(first), esc(last),
			g.r.Uint64(), g.r.Uint64(),
			1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60),
			1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60),
			[]string{"FR", "DE", "IT", "ES", "PL", "NL"}[g.r.IntN(6)], g.r.IntN(500), g.r.IntN(2))
	})
}

const usersSchema = "CREATE TABLE `users` (\n  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `email` varchar(190) NOT NULL,\n  `full_name` varchar(100) NOT NULL DEFAULT '',\n  `hash` char(32) NOT NULL DEFAULT '',\n  `created_at` datetime NOT NULL,\n  `last_login` datetime DEFAULT NULL,\n  `country` char(2) NOT NULL DEFAULT '',\n  `logins` int(11) NOT NULL DEFAULT 0,\n  `active` tinyint(1) NOT NULL DEFAULT 1,\n  PRIMARY KEY (`id`),\n  KEY `email` (`email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n"

func (g *gen) table(name string, rows int64, row func(i int64)) {
	for i := int64(1); i <= rows; i++ {
		if (i-1)%int64(g.rowsPer) == 0 {
			if i > 1 {
				g.printf(";\n")
			}
			g.printf("INSERT INTO `%s` VALUES ", name)
		} else {
			g.printf(",")
		}
		row(i)
	}
	g.printf(";\n")
}

const schema = "CREATE TABLE `wp_users` (\n  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `user_login` varchar(60) NOT NULL DEFAULT '',\n  `user_pass` varchar(255) NOT NULL DEFAULT '',\n  `user_nicename` varchar(50) NOT NULL DEFAULT '',\n  `user_email` varchar(100) NOT NULL DEFAULT '',\n  `user_url` varchar(100) NOT NULL DEFAULT '',\n  `user_registered` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `user_activation_key` varchar(255) NOT NULL DEFAULT '',\n  `user_status` int(11) NOT NULL DEFAULT 0,\n  `display_name` varchar(250) NOT NULL DEFAULT '',\n  PRIMARY KEY (`ID`),\n  KEY `user_login_key` (`user_login`),\n  KEY `user_email` (`user_email`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_usermeta` (\n  `umeta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `meta_key` varchar(255) DEFAULT NULL,\n  `meta_value` longtext DEFAULT NULL,\n  PRIMARY KEY (`umeta_id`),\n  KEY `user_id` (`user_id`),\n  KEY `meta_key` (`meta_key`(191))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_posts` (\n  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `post_author` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `post_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_content` longtext NOT NULL,\n  `post_title` text NOT NULL,\n  `post_excerpt` text NOT NULL,\n  `post_status` varchar(20) NOT NULL DEFAULT 'publish',\n  `comment_status` varchar(20) NOT NULL DEFAULT 'open',\n  `ping_status` varchar(20) NOT NULL DEFAULT 'open',\n  `post_password` varchar(255) NOT NULL DEFAULT '',\n  `post_name` varchar(200) NOT NULL DEFAULT '',\n  `to_ping` text NOT NULL,\n  `pinged` text NOT NULL,\n  `post_modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_modified_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_content_filtered` longtext NOT NULL,\n  `post_parent` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `guid` varchar(255) NOT NULL DEFAULT '',\n  `menu_order` int(11) NOT NULL DEFAULT 0,\n  `post_type` varchar(20) NOT NULL DEFAULT 'post',\n  `post_mime_type` varchar(100) NOT NULL DEFAULT '',\n  `comment_count` bigint(20) NOT NULL DEFAULT 0,\n  PRIMARY KEY (`ID`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n" +
	"CREATE TABLE `wp_comments` (\n  `comment_ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `comment_post_ID` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `comment_author` tinytext NOT NULL,\n  `comment_author_email` varchar(100) NOT NULL DEFAULT '',\n  `comment_author_url` varchar(200) NOT NULL DEFAULT '',\n  `comment_author_IP` varchar(100) NOT NULL DEFAULT '',\n  `comment_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `comment_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `comment_content` text NOT NULL,\n  `comment_karma` int(11) NOT NULL DEFAULT 0,\n  `comment_approved` varchar(20) NOT NULL DEFAULT '1',\n  `comment_agent` varchar(255) NOT NULL DEFAULT '',\n  `comment_type` varchar(20) NOT NULL DEFAULT 'comment',\n  `comment_parent` bigint(20) unsigned NOT NULL DEFAULT 0,\n  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,\n  PRIMARY KEY (`comment_ID`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n"
