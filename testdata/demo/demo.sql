/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: demo_wp
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `wp_comments`
--

DROP TABLE IF EXISTS `wp_comments`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_comments` (
  `comment_ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `comment_post_ID` bigint(20) unsigned NOT NULL DEFAULT 0,
  `comment_author` tinytext NOT NULL,
  `comment_author_email` varchar(100) NOT NULL DEFAULT '',
  `comment_author_url` varchar(200) NOT NULL DEFAULT '',
  `comment_author_IP` varchar(100) NOT NULL DEFAULT '',
  `comment_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `comment_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `comment_content` text NOT NULL,
  `comment_karma` int(11) NOT NULL DEFAULT 0,
  `comment_approved` varchar(20) NOT NULL DEFAULT '1',
  `comment_agent` varchar(255) NOT NULL DEFAULT '',
  `comment_type` varchar(20) NOT NULL DEFAULT 'comment',
  `comment_parent` bigint(20) unsigned NOT NULL DEFAULT 0,
  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (`comment_ID`),
  KEY `comment_post_ID` (`comment_post_ID`),
  KEY `comment_approved_date_gmt` (`comment_approved`,`comment_date_gmt`),
  KEY `comment_date_gmt` (`comment_date_gmt`),
  KEY `comment_parent` (`comment_parent`),
  KEY `comment_author_email` (`comment_author_email`(10))
) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_comments`
--

LOCK TABLES `wp_comments` WRITE;
/*!40000 ALTER TABLE `wp_comments` DISABLE KEYS */;
INSERT INTO `wp_comments` VALUES
(1,1,'A WordPress Commenter','wapuu@wordpress.example','https://wordpress.org/','','2024-05-02 10:15:00','2024-05-02 09:15:00','Hi, this is a comment.\nTo get started with moderating, editing, and deleting comments, please visit the Comments screen in the dashboard.',0,'1','','comment',0,0),
(2,1,'Jonas Prewitt','jonas.prewitt@example-customer.net','https://jonas-prewitt.example.org','81.56.190.7','2024-05-04 18:22:10','2024-05-04 17:22:10','Do you ship to Scotland? My \"Terracotta Classic\" arrived cracked last time :(',0,'1','Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0','comment',0,0),
(3,1,'Margit Olsberg','webmaster@demo.example.test','http://demo.example.test','81.56.23.101','2024-05-05 09:01:44','2024-05-05 08:01:44','Hi Jonas, yes we do! Sorry about the pot — email us your order number and we\'ll replace it.',0,'1','Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0','comment',2,1),
(4,1,'Priya Venkataraman-Holt','priya.vholt@example-customer.net','','2001:db8:4f2a::17','2024-05-06 21:47:03','2024-05-06 20:47:03','Lovely logo 😍 Is the shop open on bank holidays?',0,'1','Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36','comment',0,2),
(5,5,'Zoë Haddad-Brennan','zoe.hb@inbox.example-customer.net','','92.184.105.77','2024-05-21 06:12:55','2024-05-21 05:12:55','Does the code work on C:\\Planters\\Large too? Asking for a friend \\o/',0,'1','Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1','comment',0,5),
(6,5,'cheap pots online','seo-deals@spam.example.com','http://spam.example.com/pots','198.51.100.203','2024-05-21 03:33:03','2024-05-21 02:33:03','Great post!!! visit http://spam.example.com/pots for best price',0,'spam','Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1)','comment',0,0);
/*!40000 ALTER TABLE `wp_comments` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `wp_options`
--

DROP TABLE IF EXISTS `wp_options`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_options` (
  `option_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `option_name` varchar(191) NOT NULL DEFAULT '',
  `option_value` longtext NOT NULL,
  `autoload` varchar(20) NOT NULL DEFAULT 'yes',
  PRIMARY KEY (`option_id`),
  UNIQUE KEY `option_name` (`option_name`),
  KEY `autoload` (`autoload`)
) ENGINE=InnoDB AUTO_INCREMENT=25 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_options`
--

LOCK TABLES `wp_options` WRITE;
/*!40000 ALTER TABLE `wp_options` DISABLE KEYS */;
INSERT INTO `wp_options` VALUES
(1,'siteurl','http://demo.example.test','on'),
(2,'home','http://demo.example.test','on'),
(3,'blogname','Demo Garden Supplies','on'),
(4,'blogdescription','Plants, pots & more 🌱','on'),
(5,'admin_email','webmaster@demo.example.test','on'),
(6,'users_can_register','0','on'),
(7,'start_of_week','1','on'),
(8,'timezone_string','Europe/London','on'),
(9,'date_format','j F Y','on'),
(10,'permalink_structure','/%postname%/','on'),
(11,'template','demo','on'),
(12,'stylesheet','demo','on'),
(13,'upload_path','','on'),
(14,'upload_url_path','','on'),
(15,'active_plugins','a:1:{i:0;s:9:\"hello.php\";}','on'),
(16,'wp_user_roles','a:2:{s:13:\"administrator\";a:2:{s:4:\"name\";s:13:\"Administrator\";s:12:\"capabilities\";a:8:{s:13:\"switch_themes\";b:1;s:11:\"edit_themes\";b:1;s:16:\"activate_plugins\";b:1;s:10:\"edit_users\";b:1;s:14:\"manage_options\";b:1;s:10:\"edit_posts\";b:1;s:4:\"read\";b:1;s:8:\"level_10\";b:1;}}s:8:\"customer\";a:2:{s:4:\"name\";s:8:\"Customer\";s:12:\"capabilities\";a:1:{s:4:\"read\";b:1;}}}','on'),
(17,'widget_text','a:2:{i:2;a:4:{s:5:\"title\";s:7:\"Find us\";s:4:\"text\";s:111:\"<p>3 Quarry Lane, Ludlow<br>\n<a href=\"http://demo.example.test/contact/\">Directions &amp; opening hours</a></p>\";s:6:\"filter\";b:1;s:6:\"visual\";b:1;}s:12:\"_multiwidget\";i:1;}','auto'),
(18,'widget_block','a:2:{i:3;a:1:{s:7:\"content\";s:185:\"<!-- wp:image {\"id\":4} -->\n<figure class=\"wp-block-image\"><img src=\"http://demo.example.test/wp-content/uploads/2024/05/logo.svg\" alt=\"\" class=\"wp-image-4\"/></figure>\n<!-- /wp:image -->\";}s:12:\"_multiwidget\";i:1;}','auto'),
(19,'sidebars_widgets','a:3:{s:19:\"wp_inactive_widgets\";a:0:{}s:9:\"sidebar-1\";a:2:{i:0;s:7:\"block-3\";i:1;s:6:\"text-2\";}s:13:\"array_version\";i:3;}','auto'),
(20,'demo_theme_settings','{\"logo\":\"http:\\/\\/demo.example.test\\/wp-content\\/uploads\\/2024\\/05\\/logo.svg\",\"contact\":{\"email\":\"webmaster@demo.example.test\",\"phone\":\"+44 7700 900123\"},\"colors\":{\"primary\":\"#2f6b3a\",\"accent\":\"#e3a72f\"},\"footer_links\":[\"http:\\/\\/demo.example.test\\/about-us\\/\",\"http:\\/\\/demo.example.test\\/contact\\/\"]}','on'),
(21,'demo_footer_text','© 2024 Demo Garden Supplies\nAll people on this site are fictional.','auto'),
(22,'recently_activated','a:0:{}','off'),
(23,'cron','a:2:{i:1716450000;a:1:{s:16:\"wp_version_check\";a:1:{s:32:\"40cd750bba9870f18aada2478b24840a\";a:3:{s:8:\"schedule\";s:10:\"twicedaily\";s:4:\"args\";a:0:{}s:8:\"interval\";i:43200;}}}s:7:\"version\";i:2;}','on'),
(24,'_transient_demo_last_order_email','tobias.fenwick@example-customer.net','off');
/*!40000 ALTER TABLE `wp_options` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `wp_postmeta`
--

DROP TABLE IF EXISTS `wp_postmeta`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_postmeta` (
  `meta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `post_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `meta_key` varchar(255) DEFAULT NULL,
  `meta_value` longtext DEFAULT NULL,
  PRIMARY KEY (`meta_id`),
  KEY `post_id` (`post_id`),
  KEY `meta_key` (`meta_key`(191))
) ENGINE=InnoDB AUTO_INCREMENT=13 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_postmeta`
--

LOCK TABLES `wp_postmeta` WRITE;
/*!40000 ALTER TABLE `wp_postmeta` DISABLE KEYS */;
INSERT INTO `wp_postmeta` VALUES
(1,4,'_wp_attached_file','2024/05/logo.svg'),
(2,4,'_wp_attachment_metadata','a:5:{s:5:\"width\";i:240;s:6:\"height\";i:80;s:4:\"file\";s:16:\"2024/05/logo.svg\";s:8:\"filesize\";i:286;s:5:\"sizes\";a:0:{}}'),
(3,4,'_wp_attachment_image_alt','Demo Garden Supplies logo'),
(4,1,'_thumbnail_id','4'),
(5,1,'_edit_lock','1714644900:1'),
(6,2,'_wp_page_template','default'),
(7,3,'_wp_page_template','default'),
(8,3,'_contact_form_recipient','webmaster@demo.example.test'),
(9,5,'_edit_lock','1716190200:1'),
(10,5,'_edit_last','1'),
(11,5,'_demo_campaign_links','a:2:{i:0;s:37:\"http://demo.example.test/summer-sale/\";i:1;s:46:\"http://demo.example.test/shop/?coupon=SUNSHINE\";}'),
(12,5,'_demo_seo_override',NULL);
/*!40000 ALTER TABLE `wp_postmeta` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `wp_posts`
--

DROP TABLE IF EXISTS `wp_posts`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_posts` (
  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `post_author` bigint(20) unsigned NOT NULL DEFAULT 0,
  `post_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_date_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_content` longtext NOT NULL,
  `post_title` text NOT NULL,
  `post_excerpt` text NOT NULL,
  `post_status` varchar(20) NOT NULL DEFAULT 'publish',
  `comment_status` varchar(20) NOT NULL DEFAULT 'open',
  `ping_status` varchar(20) NOT NULL DEFAULT 'open',
  `post_password` varchar(255) NOT NULL DEFAULT '',
  `post_name` varchar(200) NOT NULL DEFAULT '',
  `to_ping` text NOT NULL,
  `pinged` text NOT NULL,
  `post_modified` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_modified_gmt` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `post_content_filtered` longtext NOT NULL,
  `post_parent` bigint(20) unsigned NOT NULL DEFAULT 0,
  `guid` varchar(255) NOT NULL DEFAULT '',
  `menu_order` int(11) NOT NULL DEFAULT 0,
  `post_type` varchar(20) NOT NULL DEFAULT 'post',
  `post_mime_type` varchar(100) NOT NULL DEFAULT '',
  `comment_count` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`ID`),
  KEY `post_name` (`post_name`(191)),
  KEY `type_status_date` (`post_type`,`post_status`,`post_date`,`ID`),
  KEY `post_parent` (`post_parent`),
  KEY `post_author` (`post_author`)
) ENGINE=InnoDB AUTO_INCREMENT=8 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_posts`
--

LOCK TABLES `wp_posts` WRITE;
/*!40000 ALTER TABLE `wp_posts` DISABLE KEYS */;
INSERT INTO `wp_posts` VALUES
(1,1,'2024-05-02 10:15:00','2024-05-02 09:15:00','<!-- wp:paragraph -->\n<p>Welcome to Demo Garden Supplies! Our spring catalogue is online at <a href=\"http://demo.example.test/shop/\">http://demo.example.test/shop/</a>.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:image {\"id\":4,\"sizeSlug\":\"full\"} -->\n<figure class=\"wp-block-image size-full\"><img src=\"http://demo.example.test/wp-content/uploads/2024/05/logo.svg\" alt=\"Demo Garden Supplies logo\" class=\"wp-image-4\"/></figure>\n<!-- /wp:image -->','Hello world!','','publish','open','open','','hello-world','','','2024-05-02 10:15:00','2024-05-02 09:15:00','',0,'http://demo.example.test/?p=1',0,'post','',3),
(2,1,'2024-05-02 10:20:00','2024-05-02 09:20:00','<!-- wp:paragraph -->\n<p>We are a small family shop. Questions? Write to <a href=\"mailto:webmaster@demo.example.test\">webmaster@demo.example.test</a> or call +44 7700 900123.</p>\n<!-- /wp:paragraph -->','About us','','publish','closed','closed','','about-us','','','2024-05-02 10:20:00','2024-05-02 09:20:00','',0,'http://demo.example.test/?page_id=2',0,'page','',0),
(3,1,'2024-05-03 08:00:00','2024-05-03 07:00:00','<!-- wp:shortcode -->\n[contact-form to=\"webmaster@demo.example.test\" subject=\"Website enquiry\"]\n<!-- /wp:shortcode -->\n\n<p>Visit us: 3 Quarry Lane, Ludlow SY8 1QX. Map: <a href=\"http://demo.example.test/contact/#map\">http://demo.example.test/contact/#map</a></p>','Contact','','publish','closed','closed','','contact','','','2024-05-03 08:00:00','2024-05-03 07:00:00','',0,'http://demo.example.test/?page_id=3',0,'page','',0),
(4,1,'2024-05-02 10:14:31','2024-05-02 09:14:31','','logo','','inherit','open','closed','','logo','','','2024-05-02 10:14:31','2024-05-02 09:14:31','',1,'http://demo.example.test/wp-content/uploads/2024/05/logo.svg',0,'attachment','image/svg+xml',0),
(5,1,'2024-05-20 07:30:00','2024-05-20 06:30:00','<!-- wp:paragraph -->\n<p>Summer sale: 20% off \"Terracotta Classic\" pots. Use code <code>SUN\\SHINE</code> at checkout — it\'s our customers\' favourite 🌞.</p>\n<!-- /wp:paragraph -->','Summer sale 🌞','Pots, planters & more: 20% off until June\'s end.','publish','open','open','','summer-sale','','','2024-05-20 07:30:00','2024-05-20 06:30:00','',0,'http://demo.example.test/?p=5',0,'post','',1),
(6,1,'2024-05-20 07:29:12','2024-05-20 06:29:12','<!-- wp:paragraph -->\n<p>Summer sale: 15% off pots.</p>\n<!-- /wp:paragraph -->','Summer sale','','inherit','closed','closed','','5-revision-v1','','','2024-05-20 07:29:12','2024-05-20 06:29:12','',5,'http://demo.example.test/?p=6',0,'revision','',0),
(7,1,'2024-05-22 11:00:00','0000-00-00 00:00:00','','Auto Draft','','auto-draft','open','open','','','','','2024-05-22 11:00:00','0000-00-00 00:00:00','',0,'http://demo.example.test/?p=7',0,'post','',0);
/*!40000 ALTER TABLE `wp_posts` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `wp_usermeta`
--

DROP TABLE IF EXISTS `wp_usermeta`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_usermeta` (
  `umeta_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) unsigned NOT NULL DEFAULT 0,
  `meta_key` varchar(255) DEFAULT NULL,
  `meta_value` longtext DEFAULT NULL,
  PRIMARY KEY (`umeta_id`),
  KEY `user_id` (`user_id`),
  KEY `meta_key` (`meta_key`(191))
) ENGINE=InnoDB AUTO_INCREMENT=109 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_usermeta`
--

LOCK TABLES `wp_usermeta` WRITE;
/*!40000 ALTER TABLE `wp_usermeta` DISABLE KEYS */;
INSERT INTO `wp_usermeta` VALUES
(1,1,'nickname','admin'),
(2,1,'first_name','Margit'),
(3,1,'last_name','Olsberg'),
(4,1,'description',''),
(5,1,'rich_editing','true'),
(6,1,'locale',''),
(7,1,'wp_capabilities','a:1:{s:13:\"administrator\";b:1;}'),
(8,1,'wp_user_level','10'),
(9,1,'session_tokens','a:1:{s:64:\"33de0f4656daa675b52667875d86167acf191c5046dac777d98a1a755c5701a2\";a:4:{s:10:\"expiration\";i:1717196013;s:2:\"ip\";s:12:\"81.56.23.101\";s:2:\"ua\";s:70:\"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0\";s:5:\"login\";i:1715986413;}}'),
(10,1,'dismissed_wp_pointers',''),
(11,1,'show_admin_bar_front','true'),
(12,2,'nickname','priya.venkat'),
(13,2,'first_name','Priya'),
(14,2,'last_name','Venkataraman-Holt'),
(15,2,'description',''),
(16,2,'rich_editing','true'),
(17,2,'locale',''),
(18,2,'wp_capabilities','a:1:{s:8:\"customer\";b:1;}'),
(19,2,'wp_user_level','0'),
(20,2,'billing_first_name','Priya'),
(21,2,'billing_last_name','Venkataraman-Holt'),
(22,2,'billing_company',''),
(23,2,'billing_address_1','1840 Cedar Hollow Rd, Apt 4B'),
(24,2,'billing_address_2',''),
(25,2,'billing_city','Arlington'),
(26,2,'billing_postcode','22201'),
(27,2,'billing_country','US'),
(28,2,'billing_email','priya.vholt@example-customer.net'),
(29,2,'billing_phone','+1 202-555-0147'),
(30,2,'session_tokens','a:1:{s:64:\"fea971bbd5d92c3ce95d43198f3f215046b9e4d7e5e5c9d042dc510a7545a65d\";a:4:{s:10:\"expiration\";i:1717282426;s:2:\"ip\";s:17:\"2001:db8:4f2a::17\";s:2:\"ua\";s:111:\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36\";s:5:\"login\";i:1716072826;}}'),
(31,3,'nickname','corentin_a'),
(32,3,'first_name','Corentin'),
(33,3,'last_name','Aubray'),
(34,3,'description',''),
(35,3,'rich_editing','true'),
(36,3,'locale',''),
(37,3,'wp_capabilities','a:1:{s:8:\"customer\";b:1;}'),
(38,3,'wp_user_level','0'),
(39,3,'billing_first_name','Corentin'),
(40,3,'billing_last_name','Aubray'),
(41,3,'billing_company',''),
(42,3,'billing_address_1','27 rue des Tisserands'),
(43,3,'billing_address_2',''),
(44,3,'billing_city','Lyon'),
(45,3,'billing_postcode','69003'),
(46,3,'billing_country','FR'),
(47,3,'billing_email','c.aubray@mail.example-customer.net'),
(48,3,'billing_phone','+33 1 99 00 12 34'),
(49,3,'session_tokens','a:1:{s:64:\"3afa1273e6a7e0ae22aecb9cfc62a7ad1d336b558972324fc67645e0eef57664\";a:4:{s:10:\"expiration\";i:1717368839;s:2:\"ip\";s:12:\"81.56.143.22\";s:2:\"ua\";s:135:\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1\";s:5:\"login\";i:1716159239;}}'),
(50,4,'nickname','dmitri.os'),
(51,4,'first_name','Dmitri'),
(52,4,'last_name','O\'Sullivan'),
(53,4,'description',''),
(54,4,'rich_editing','true'),
(55,4,'locale',''),
(56,4,'wp_capabilities','a:1:{s:8:\"customer\";b:1;}'),
(57,4,'wp_user_level','0'),
(58,4,'billing_first_name','Dmitri'),
(59,4,'billing_last_name','O\'Sullivan'),
(60,4,'billing_company',''),
(61,4,'billing_address_1','Flat 2, 9 St. Brigid\'s Terrace'),
(62,4,'billing_address_2',''),
(63,4,'billing_city','Cork'),
(64,4,'billing_postcode','T12 X7K4'),
(65,4,'billing_country','IE'),
(66,4,'billing_email','dmitri.osullivan@example-customer.net'),
(67,4,'billing_phone','+353 20 910 4417'),
(68,4,'session_tokens','a:1:{s:64:\"919b22366c62898b0060c7493d76c874d7e77ec3fd4e6104f3c16a41814d0def\";a:4:{s:10:\"expiration\";i:1717455252;s:2:\"ip\";s:12:\"203.0.113.58\";s:2:\"ua\";s:129:\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80\";s:5:\"login\";i:1716245652;}}'),
(69,4,'delivery_notes','Ring twice; the bell\'s wiring is \"creative\".\nGate code: 4417\\B'),
(70,5,'nickname','zoe_hb'),
(71,5,'first_name','Zoë'),
(72,5,'last_name','Haddad-Brennan'),
(73,5,'description',''),
(74,5,'rich_editing','true'),
(75,5,'locale',''),
(76,5,'wp_capabilities','a:1:{s:8:\"customer\";b:1;}'),
(77,5,'wp_user_level','0'),
(78,5,'billing_first_name','Zoë'),
(79,5,'billing_last_name','Haddad-Brennan'),
(80,5,'billing_company',''),
(81,5,'billing_address_1','51 Wattle Grove'),
(82,5,'billing_address_2',''),
(83,5,'billing_city','Fremantle'),
(84,5,'billing_postcode','6160'),
(85,5,'billing_country','AU'),
(86,5,'billing_email','zoe.hb@inbox.example-customer.net'),
(87,5,'billing_phone','+61 491 570 156'),
(88,5,'session_tokens','a:1:{s:64:\"eef50f1124d12aa0bc5be2d5fcea636b30df14668624cb9f78c7a2b18e9e99f6\";a:4:{s:10:\"expiration\";i:1717541665;s:2:\"ip\";s:13:\"92.184.105.77\";s:2:\"ua\";s:70:\"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0\";s:5:\"login\";i:1716332065;}}'),
(89,5,'billing_state',NULL),
(90,6,'nickname','tobias.fenwick'),
(91,6,'first_name','Tobias'),
(92,6,'last_name','Fenwick'),
(93,6,'description',''),
(94,6,'rich_editing','true'),
(95,6,'locale',''),
(96,6,'wp_capabilities','a:1:{s:8:\"customer\";b:1;}'),
(97,6,'wp_user_level','0'),
(98,6,'billing_first_name','Tobias'),
(99,6,'billing_last_name','Fenwick'),
(100,6,'billing_company',''),
(101,6,'billing_address_1','Grünberger Straße 112'),
(102,6,'billing_address_2',''),
(103,6,'billing_city','Berlin'),
(104,6,'billing_postcode','10245'),
(105,6,'billing_country','DE'),
(106,6,'billing_email','tobias.fenwick@example-customer.net'),
(107,6,'billing_phone','+49 30 23125 678'),
(108,6,'session_tokens','a:1:{s:64:\"81b7aab4623fb1dfae6546d97f79adb5656385800937be00cad4f21ff49f2b67\";a:4:{s:10:\"expiration\";i:1717628078;s:2:\"ip\";s:11:\"88.130.52.9\";s:2:\"ua\";s:111:\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36\";s:5:\"login\";i:1716418478;}}');
/*!40000 ALTER TABLE `wp_usermeta` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `wp_users`
--

DROP TABLE IF EXISTS `wp_users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_users` (
  `ID` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_login` varchar(60) NOT NULL DEFAULT '',
  `user_pass` varchar(255) NOT NULL DEFAULT '',
  `user_nicename` varchar(50) NOT NULL DEFAULT '',
  `user_email` varchar(100) NOT NULL DEFAULT '',
  `user_url` varchar(100) NOT NULL DEFAULT '',
  `user_registered` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `user_activation_key` varchar(255) NOT NULL DEFAULT '',
  `user_status` int(11) NOT NULL DEFAULT 0,
  `display_name` varchar(250) NOT NULL DEFAULT '',
  PRIMARY KEY (`ID`),
  KEY `user_login_key` (`user_login`),
  KEY `user_nicename` (`user_nicename`),
  KEY `user_email` (`user_email`)
) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_users`
--

LOCK TABLES `wp_users` WRITE;
/*!40000 ALTER TABLE `wp_users` DISABLE KEYS */;
INSERT INTO `wp_users` VALUES
(1,'admin','$P$BI8C8BboMWxv76HHxWdM2cW/JSfiZA0','admin','webmaster@demo.example.test','http://demo.example.test','2023-11-02 09:14:27','',0,'Margit Olsberg'),
(2,'priya.venkat','$wp$2y$10$biOfbdKxVGQoQb4d7UdZz.oDmNhhCH83QgICZVbomXtFXUMNPC0Wu','priya-venkat','priya.vholt@example-customer.net','','2024-01-15 17:42:03','',0,'Priya Venkataraman-Holt'),
(3,'corentin_a','$P$BxBYLNqSS4nz95ixRzGA4/ZQcniygG.','corentin-a','c.aubray@mail.example-customer.net','','2024-02-03 08:05:51','',0,'Corentin Aubray'),
(4,'dmitri.os','$P$B1n9IedAqWE/F6QI5Ut8W6Mu3HBWPg0','dmitri-os','dmitri.osullivan@example-customer.net','','2024-03-21 21:17:45','',0,'Dmitri O\'Sullivan'),
(5,'zoe_hb','$P$B0qh4vTTYwW2T3THAzf1Robcd6wfc3.','zoe-hb','zoe.hb@inbox.example-customer.net','','2024-04-09 06:33:12','',0,'Zoë Haddad-Brennan'),
(6,'tobias.fenwick','$P$B2h0RZHemy5hqMhCrkMoqRBxtbyDvs/','tobias-fenwick','tobias.fenwick@example-customer.net','','2024-05-12 13:58:40','',0,'Tobias Fenwick');
/*!40000 ALTER TABLE `wp_users` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-11-23 12:28:40
