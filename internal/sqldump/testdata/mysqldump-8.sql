-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: app
-- ------------------------------------------------------
-- Server version	8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN= 0;

--
-- GTID state at the beginning of the backup 
--

SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5';

--
-- Current Database: `app`
--

CREATE DATABASE /*!32312 IF NOT EXISTS*/ `app` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */;

USE `app`;

--
-- Table structure for table `wp_users`
--

DROP TABLE IF EXISTS `wp_users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE `wp_users` (
  `ID` bigint unsigned NOT NULL AUTO_INCREMENT,
  `user_login` varchar(60) COLLATE utf8mb4_unicode_520_ci NOT NULL DEFAULT '',
  `user_pass` varchar(255) COLLATE utf8mb4_unicode_520_ci NOT NULL DEFAULT '',
  `user_email` varchar(100) COLLATE utf8mb4_unicode_520_ci NOT NULL DEFAULT '',
  `user_registered` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `photo` longblob,
  `api_key` binary(16) DEFAULT NULL,
  `hidden_note` text /*!80023 INVISIBLE */,
  `amount` decimal(12,4) NOT NULL DEFAULT '0.0000',
  `meta` json DEFAULT NULL,
  `pos` point /*!80003 SRID 4326 */ DEFAULT NULL,
  PRIMARY KEY (`ID`),
  UNIQUE KEY `user_login_key` (`user_login`),
  KEY `user_email` (`user_email`),
  UNIQUE KEY `func_idx` ((lower(`user_email`)))
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `wp_users`
--

LOCK TABLES `wp_users` WRITE;
/*!40000 ALTER TABLE `wp_users` DISABLE KEYS */;
INSERT INTO `wp_users` VALUES (1,'admin','$P$B1234567890abcdef/.','admin@example.com','2020-01-01 00:00:00',_binary '\0\0GIF89a\'\"\\\n\r\Z',_binary '\xAB\0\0\0\0\0\0\0\0\0\0\0\0\0\0',NULL,12.5000,'{\"k\": \"v\"}',_binary '\0\0\0\0\0\0\0\0\0\0\0\0\0\0�?\0\0\0\0\0\0@'),(2,'o\'brien','x','ob@example.com','2021-02-03 04:05:06',NULL,NULL,'note',-0.0100,NULL,NULL);
/*!40000 ALTER TABLE `wp_users` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Temporary view structure for view `active_users`
--

DROP TABLE IF EXISTS `active_users`;
/*!50001 DROP VIEW IF EXISTS `active_users`*/;
SET @saved_cs_client     = @@character_set_client;
/*!50503 SET character_set_client = utf8mb4 */;
/*!50001 CREATE VIEW `active_users` AS SELECT 
 1 AS `ID`,
 1 AS `user_login`*/;
SET character_set_client = @saved_cs_client;
/*!50003 SET @saved_cs_client      = @@character_set_client */ ;
/*!50003 SET sql_mode              = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES' */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `wp_users_bi` BEFORE INSERT ON `wp_users` FOR EACH ROW BEGIN
  IF NEW.user_login = ';;' THEN
    SET NEW.user_login = 'semi;colon'; -- comment with ;; inside
  END IF;
END */;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;

--
-- Dumping routines for database 'app'
--
/*!50003 DROP PROCEDURE IF EXISTS `cleanup` */;
DELIMITER ;;
CREATE DEFINER=`root`@`%` PROCEDURE `cleanup`(IN days INT)
    MODIFIES SQL DATA
BEGIN
  DELETE FROM wp_users WHERE user_registered < NOW() - INTERVAL days DAY;
  /* a ;; inside a comment */
  SELECT "done;;" AS msg;
END ;;
DELIMITER ;
/*!50003 DROP FUNCTION IF EXISTS `add1` */;
DELIMITER ;;
CREATE DEFINER=CURRENT_USER FUNCTION `add1`(x INT) RETURNS int
    DETERMINISTIC
RETURN x + 1 ;;
DELIMITER ;

--
-- Final view structure for view `active_users`
--

/*!50001 DROP VIEW IF EXISTS `active_users`*/;
/*!50001 SET @saved_cs_client          = @@character_set_client */;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `active_users` AS select `wp_users`.`ID` AS `ID`,`wp_users`.`user_login` AS `user_login` from `wp_users` where (`wp_users`.`user_login` <> 'x;y') */;
/*!50001 SET character_set_client      = @saved_cs_client */;
SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2024-05-01 12:00:00
