/*!40101 SET NAMES binary*/;
/*!40014 SET FOREIGN_KEY_CHECKS=0*/;

/*!40103 SET TIME_ZONE='+00:00' */;
CREATE TABLE `events` (
  `id` int NOT NULL AUTO_INCREMENT,
  `kind` varchar(20) COLLATE utf8mb4_0900_ai_ci NOT NULL,
  `data` json DEFAULT NULL,
  `hidden` tinyint NOT NULL DEFAULT '0' /*!80023 INVISIBLE */,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET NAMES binary*/;
/*!40014 SET FOREIGN_KEY_CHECKS=0*/;
/*!40103 SET TIME_ZONE='+00:00' */;
INSERT INTO `events` (`id`,`kind`,`data`,`hidden`) VALUES(1,"signup","{\"plan\": \"free\"}",0)
,(2,"upgrade","{\"plan\": \"pro\", \"seats\": 3}",1)
,(3,"it's \"quoted\"",NULL,0)
;
