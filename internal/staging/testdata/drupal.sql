-- Drupal 10 tables the staging fixes touch, as mariadb-dump writes them (columns
-- from the user entity's storage schema and system's config and cache tables;
-- PREFIX_ is replaced by the table prefix, "" on most installs). Synthetic rows.

-- As mariadb-dump does: uid 0 (anonymous) must stay 0 in an AUTO_INCREMENT column.
SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';

CREATE TABLE `PREFIX_config` (
  `collection` varchar(255) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT '' COMMENT 'Primary Key: Config object collection.',
  `name` varchar(255) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT '' COMMENT 'Primary Key: Config object name.',
  `data` longblob DEFAULT NULL COMMENT 'A serialized configuration object data.',
  PRIMARY KEY (`collection`,`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='The base table for configuration data.';

CREATE TABLE `PREFIX_cache_config` (
  `cid` varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '' COMMENT 'Primary Key: Unique cache ID.',
  `data` longblob DEFAULT NULL COMMENT 'A collection of data to cache.',
  `expire` int(11) NOT NULL DEFAULT 0 COMMENT 'A Unix timestamp indicating when the cache entry should expire, or -1 for never.',
  `created` decimal(14,3) NOT NULL DEFAULT 0.000 COMMENT 'A timestamp with millisecond precision indicating when the cache entry was created.',
  `serialized` smallint(6) NOT NULL DEFAULT 0 COMMENT 'A flag to indicate whether content is serialized (1) or not (0).',
  `tags` longtext DEFAULT NULL COMMENT 'Space-separated list of cache tags for this entry.',
  `checksum` varchar(255) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL COMMENT 'The tag invalidation checksum when this entry was saved.',
  PRIMARY KEY (`cid`),
  KEY `expire` (`expire`),
  KEY `created` (`created`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='Storage for the cache API.';

CREATE TABLE `PREFIX_users` (
  `uid` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `uuid` varchar(128) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  `langcode` varchar(12) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  PRIMARY KEY (`uid`),
  UNIQUE KEY `user_field__uuid__value` (`uuid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='The base table for user entities.';

CREATE TABLE `PREFIX_users_field_data` (
  `uid` int(10) unsigned NOT NULL,
  `langcode` varchar(12) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  `preferred_langcode` varchar(12) CHARACTER SET ascii COLLATE ascii_general_ci DEFAULT NULL,
  `preferred_admin_langcode` varchar(12) CHARACTER SET ascii COLLATE ascii_general_ci DEFAULT NULL,
  `name` varchar(60) NOT NULL,
  `pass` varchar(255) DEFAULT NULL,
  `mail` varchar(254) DEFAULT NULL,
  `timezone` varchar(32) DEFAULT NULL,
  `status` tinyint(4) DEFAULT NULL,
  `created` int(11) NOT NULL,
  `changed` int(11) DEFAULT NULL,
  `access` int(11) NOT NULL,
  `login` int(11) DEFAULT NULL,
  `init` varchar(254) DEFAULT NULL,
  `default_langcode` tinyint(4) NOT NULL,
  PRIMARY KEY (`uid`,`langcode`),
  UNIQUE KEY `user__name` (`name`,`langcode`),
  KEY `user__id__default_langcode__langcode` (`uid`,`default_langcode`,`langcode`),
  KEY `user_field__mail` (`mail`(191)),
  KEY `user_field__created` (`created`),
  KEY `user_field__access` (`access`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='The data table for user entities.';

CREATE TABLE `PREFIX_user__roles` (
  `bundle` varchar(128) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT '' COMMENT 'The field instance bundle to which this row belongs, used when deleting a field instance',
  `deleted` tinyint(4) NOT NULL DEFAULT 0 COMMENT 'A boolean indicating whether this data item has been deleted',
  `entity_id` int(10) unsigned NOT NULL COMMENT 'The entity id this data is attached to',
  `revision_id` int(10) unsigned NOT NULL COMMENT 'The entity revision id this data is attached to, which for an unversioned entity type is the same as the entity id',
  `langcode` varchar(32) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT '' COMMENT 'The language code for this data item.',
  `delta` int(10) unsigned NOT NULL COMMENT 'The sequence number for this data item, used for multi-value fields',
  `roles_target_id` varchar(255) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL COMMENT 'The ID of the target entity.',
  PRIMARY KEY (`entity_id`,`deleted`,`delta`,`langcode`),
  KEY `bundle` (`bundle`),
  KEY `revision_id` (`revision_id`),
  KEY `roles_target_id` (`roles_target_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='Data storage for user field roles.';

INSERT INTO `PREFIX_config` VALUES
('', 'system.mail', 'a:3:{s:9:"interface";a:1:{s:7:"default";s:8:"php_mail";}s:10:"mailer_dsn";a:6:{s:6:"scheme";s:8:"sendmail";s:4:"host";s:7:"default";s:4:"user";N;s:8:"password";N;s:4:"port";N;s:7:"options";a:0:{}}s:5:"_core";a:1:{s:19:"default_config_hash";s:43:"rYgt7uhPafP2ngaN_ZUPFuyI4KdE0zU868zLNSlzKoE";}}'),
('', 'user.role.administrator', 'a:9:{s:4:"uuid";s:36:"4b2ec9d3-0f4c-4bde-9ac1-9a9ed0c1c1a1";s:8:"langcode";s:2:"en";s:6:"status";b:1;s:12:"dependencies";a:0:{}s:2:"id";s:13:"administrator";s:5:"label";s:13:"Administrator";s:6:"weight";i:2;s:8:"is_admin";b:1;s:11:"permissions";a:0:{}}'),
('', 'user.role.authenticated', 'a:9:{s:4:"uuid";s:36:"8f3a2b1c-1111-4222-8333-944455556666";s:8:"langcode";s:2:"en";s:6:"status";b:1;s:12:"dependencies";a:0:{}s:2:"id";s:13:"authenticated";s:5:"label";s:18:"Authenticated user";s:6:"weight";i:1;s:8:"is_admin";b:0;s:11:"permissions";a:1:{i:0;s:14:"access content";}}');

INSERT INTO `PREFIX_cache_config` (`cid`, `data`, `expire`, `created`, `serialized`, `tags`, `checksum`) VALUES
('system.mail', 'a:1:{s:9:"interface";a:1:{s:7:"default";s:8:"php_mail";}}', -1, 1700000000.000, 1, 'config:system.mail', '0'),
('system.site', 'a:1:{s:4:"name";s:4:"Demo";}', -1, 1700000000.000, 1, 'config:system.site', '0');

INSERT INTO `PREFIX_users` VALUES
(0, '0b8e5c2a-7d4e-4f3a-9b1c-2d3e4f5a6b7c', 'de'),
(1, '1c9f6d3b-8e5f-4a4b-8c2d-3e4f5a6b7c8d', 'de'),
(2, '2d0a7e4c-9f6a-4b5c-9d3e-4f5a6b7c8d9e', 'de');

INSERT INTO `PREFIX_users_field_data` VALUES
(0, 'de', 'de', NULL, '', NULL, NULL, NULL, 0, 1700000000, 1700000000, 0, 0, NULL, 1),
(1, 'de', 'de', NULL, 'admin', '$2y$10$y7FTg2p.EKtVw9nKxCuceuGN9HVDNDkwjfE4lZpP2p.S3LHuaSMjG', 'admin@example.com', 'Europe/Berlin', 1, 1700000000, 1700000000, 1700000100, 1700000100, 'admin@example.com', 1),
(2, 'de', 'de', NULL, 'editor', '$2y$10$y7FTg2p.EKtVw9nKxCuceuGN9HVDNDkwjfE4lZpP2p.S3LHuaSMjG', 'editor@example.com', 'Europe/Berlin', 1, 1700000000, 1700000000, 0, 0, 'editor@example.com', 1);

INSERT INTO `PREFIX_user__roles` VALUES
('user', 0, 1, 1, 'de', 0, 'administrator');
