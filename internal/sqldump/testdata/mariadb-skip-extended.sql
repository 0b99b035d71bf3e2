/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: shop
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
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `users` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `name` varchar(100) DEFAULT NULL,
  `bio` text DEFAULT NULL,
  `avatar` blob DEFAULT NULL,
  `token` varbinary(32) DEFAULT NULL,
  `prefs` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`prefs`)),
  `flags` bit(5) DEFAULT b'101',
  `born` year(4) DEFAULT NULL,
  `status` enum('active','banned','it''s') NOT NULL DEFAULT 'active',
  `roles` set('admin','editor') DEFAULT '',
  `balance` decimal(10,2) unsigned NOT NULL DEFAULT 0.00,
  `created` datetime(3) NOT NULL DEFAULT current_timestamp(3),
  `updated` timestamp NULL DEFAULT NULL ON UPDATE current_timestamp(),
  `uid` uuid DEFAULT NULL,
  `ip` inet6 DEFAULT NULL,
  `loc` geometry DEFAULT NULL,
  `email_lc` varchar(255) GENERATED ALWAYS AS (lcase(`email`)) VIRTUAL,
  `name_len` int(11) GENERATED ALWAYS AS (char_length(`name`)) STORED,
  `secret` char(8) CHARACTER SET latin1 COLLATE latin1_swedish_ci INVISIBLE DEFAULT 'x',
  `score` double DEFAULT -1500,
  `tiny` tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_email` (`email`),
  UNIQUE KEY `uk_name_born` (`name`,`born`),
  KEY `idx_name` (`name`(10)),
  CONSTRAINT `chk_balance` CHECK (`balance` >= 0)
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='user''s table; with semicolon';
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `users`
--

LOCK TABLES `users` WRITE;
/*!40000 ALTER TABLE `users` DISABLE KEYS */;
INSERT INTO `users` (`id`, `email`, `name`, `bio`, `avatar`, `token`, `prefs`, `flags`, `born`, `status`, `roles`, `balance`, `created`, `updated`, `uid`, `ip`, `loc`, `email_lc`, `name_len`, `secret`, `score`, `tiny`) VALUES (1,'alice@example.com','Alice O\'Brien','line1\nline2	tab \\ backslash \"dq\" ;semicolon; /* not a comment */ -- nor this','\0�\\\'\"\r\n\Z','ޭ��','{\"a\": [1, 2], \"b\": \"x\\\"y\"}','',1990,'it\'s','admin,editor',12.50,'2024-01-02 03:04:05.678',NULL,'f47ac10b-58cc-4372-a567-0e02b2c3d479','2001:db8::1','\0\0\0\0\0\0\0\0\0\0\0\0\0�?\0\0\0\0\0\0�?','alice@example.com',13,'x',3.25,0);
INSERT INTO `users` (`id`, `email`, `name`, `bio`, `avatar`, `token`, `prefs`, `flags`, `born`, `status`, `roles`, `balance`, `created`, `updated`, `uid`, `ip`, `loc`, `email_lc`, `name_len`, `secret`, `score`, `tiny`) VALUES (2,'bob@example.com',NULL,'',NULL,NULL,NULL,NULL,NULL,'active','',0.00,'2024-02-03 00:00:00.000',NULL,NULL,'::ffff:192.0.2.1',NULL,'bob@example.com',NULL,'x',-0.5,0);
INSERT INTO `users` (`id`, `email`, `name`, `bio`, `avatar`, `token`, `prefs`, `flags`, `born`, `status`, `roles`, `balance`, `created`, `updated`, `uid`, `ip`, `loc`, `email_lc`, `name_len`, `secret`, `score`, `tiny`) VALUES (3,'карл@пример.рф','Карл ✓','emoji 😀 and \0 nul','','',NULL,'\0',2000,'banned','editor',99999999.99,'2024-03-04 05:06:07.000',NULL,NULL,NULL,NULL,'карл@пример.рф',6,'x',1e100,0);
/*!40000 ALTER TABLE `users` ENABLE KEYS */;
UNLOCK TABLES;
/*!50003 SET @saved_cs_client      = @@character_set_client */ ;
/*!50003 SET @saved_cs_results     = @@character_set_results */ ;
/*!50003 SET @saved_col_connection = @@collation_connection */ ;
/*!50003 SET character_set_client  = utf8mb4 */ ;
/*!50003 SET character_set_results = utf8mb4 */ ;
/*!50003 SET collation_connection  = utf8mb4_general_ci */ ;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg_users_bi BEFORE INSERT ON users FOR EACH ROW BEGIN
  SET NEW.email = LOWER(NEW.email); 
  IF NEW.name = 'x;y' THEN SET NEW.name = 'z'; END IF;
END 
*/;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
/*!50003 SET character_set_client  = @saved_cs_client */ ;
/*!50003 SET character_set_results = @saved_cs_results */ ;
/*!50003 SET collation_connection  = @saved_col_connection */ ;

--
-- Table structure for table `orders`
--

DROP TABLE IF EXISTS `orders`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `orders` (
  `id` bigint(20) NOT NULL,
  `user_id` int(10) unsigned NOT NULL,
  `note` mediumtext DEFAULT NULL,
  PRIMARY KEY (`id`,`user_id`),
  KEY `fk_user` (`user_id`),
  CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `orders`
--

LOCK TABLES `orders` WRITE;
/*!40000 ALTER TABLE `orders` DISABLE KEYS */;
INSERT INTO `orders` (`id`, `user_id`, `note`) VALUES (10,1,'first; order');
INSERT INTO `orders` (`id`, `user_id`, `note`) VALUES (11,1,NULL);
INSERT INTO `orders` (`id`, `user_id`, `note`) VALUES (12,2,'long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long ');
/*!40000 ALTER TABLE `orders` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2026-11-23 12:32:41
