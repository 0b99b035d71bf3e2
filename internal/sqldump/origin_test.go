package sqldump

import "testing"

// TestOrigin reads the header comments each dump tool writes.
func TestOrigin(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   Origin
		flavor string
	}{
		{"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: db    Database: shop\n-- ------\n-- Server version\t8.0.36\n",
			Origin{"mysqldump 8.0.36", "8.0.36", "shop"}, "mysql"},
		{"-- MySQL dump 10.13  Distrib 8.4.0, for Linux (x86_64)\n--\n-- Host: 127.0.0.1    Database: blog\n-- Server version\t8.4.0-commercial\n",
			Origin{"mysqldump 8.4.0", "8.4.0-commercial", "blog"}, "mysql"},
		// mysqldump of MariaDB 10.4 and older kept MySQL's name.
		{"-- MySQL dump 10.17  Distrib 10.3.39-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: wp\n-- Server version\t10.3.39-MariaDB-0+deb10u1\n",
			Origin{"mysqldump 10.3.39-MariaDB", "10.3.39-MariaDB-0+deb10u1", "wp"}, "mariadb"},
		{"/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: x\n-- Server version\t10.11.6-MariaDB-0+deb12u1\n",
			Origin{"mariadb-dump 10.11.6-MariaDB", "10.11.6-MariaDB-0+deb12u1", "x"}, "mariadb"},
		{"-- MariaDB dump 10.19-11.4.2-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: crm\n-- Server version\t11.4.2-MariaDB-ubu2404\n",
			Origin{"mariadb-dump 11.4.2-MariaDB", "11.4.2-MariaDB-ubu2404", "crm"}, "mariadb"},
		{"-- phpMyAdmin SQL Dump\n-- version 5.2.1\n-- https://www.phpmyadmin.net/\n--\n-- Host: localhost:3306\n-- Server version: 8.0.36-0ubuntu0.22.04.1\n-- PHP Version: 8.1.2\n\n--\n-- Database: `ps_shop`\n",
			Origin{"phpMyAdmin 5.2.1", "8.0.36-0ubuntu0.22.04.1", "ps_shop"}, "mysql"},
		{"/*!40101 SET NAMES binary*/;\n", Origin{}, ""},
	} {
		var o Origin
		o.Read([]byte(tc.header))
		if o != tc.want || Flavor(o.ServerVersion) != tc.flavor {
			t.Errorf("%.40q: %+v %q, want %+v %q", tc.header, o, Flavor(o.ServerVersion), tc.want, tc.flavor)
		}
	}
}
