-- PrestaShop 8.1 tables the staging fixes touch, as install-dev/data/db_structure.sql
-- defines them (PREFIX_ is replaced by the table prefix before loading). Synthetic rows:
-- shop 1 (default) and shop 2 (virtual URI de/) on shop.example.com, shop 3 on its own domain.

CREATE TABLE `PREFIX_configuration` (
  `id_configuration` int(10) unsigned NOT NULL auto_increment,
  `id_shop_group` INT(11) UNSIGNED DEFAULT NULL,
  `id_shop` INT(11) UNSIGNED DEFAULT NULL,
  `name` varchar(254) NOT NULL,
  `value` text,
  `date_add` datetime NOT NULL,
  `date_upd` datetime NOT NULL,
  PRIMARY KEY (`id_configuration`),
  KEY `name` (`name`),
  KEY `id_shop` (`id_shop`),
  KEY `id_shop_group` (`id_shop_group`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `PREFIX_shop` (
  `id_shop` int(11) NOT NULL AUTO_INCREMENT,
  `id_shop_group` int(11) NOT NULL,
  `name` varchar(64) NOT NULL,
  `color` varchar(50) NOT NULL,
  `id_category` int(11) NOT NULL,
  `theme_name` varchar(255) NOT NULL,
  `active` tinyint(1) NOT NULL,
  `deleted` tinyint(1) NOT NULL,
  PRIMARY KEY (`id_shop`),
  KEY `id_shop_group` (`id_shop_group`),
  KEY `id_category` (`id_category`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `PREFIX_shop_url` (
  `id_shop_url` int(11) unsigned NOT NULL AUTO_INCREMENT,
  `id_shop` int(11) unsigned NOT NULL,
  `domain` varchar(150) NOT NULL,
  `domain_ssl` varchar(150) NOT NULL,
  `physical_uri` varchar(64) NOT NULL,
  `virtual_uri` varchar(64) NOT NULL,
  `main` TINYINT(1) NOT NULL,
  `active` TINYINT(1) NOT NULL,
  PRIMARY KEY (`id_shop_url`),
  KEY `id_shop` (`id_shop`, `main`),
  UNIQUE KEY `full_shop_url` (`domain`, `physical_uri`, `virtual_uri`),
  UNIQUE KEY `full_shop_url_ssl` (`domain_ssl`, `physical_uri`, `virtual_uri`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `PREFIX_profile` (
  `id_profile` int(10) unsigned NOT NULL auto_increment,
  PRIMARY KEY (`id_profile`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `PREFIX_profile_lang` (
  `id_lang` int(10) unsigned NOT NULL,
  `id_profile` int(10) unsigned NOT NULL,
  `name` varchar(128) NOT NULL,
  PRIMARY KEY (`id_profile`, `id_lang`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `PREFIX_employee` (
  `id_employee` int(10) unsigned NOT NULL auto_increment,
  `id_profile` int(10) unsigned NOT NULL,
  `id_lang` int(10) unsigned NOT NULL DEFAULT '0',
  `lastname` varchar(255) NOT NULL,
  `firstname` varchar(255) NOT NULL,
  `email` varchar(255) NOT NULL,
  `passwd` varchar(255) NOT NULL,
  `last_passwd_gen` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `stats_date_from` date DEFAULT NULL,
  `stats_date_to` date DEFAULT NULL,
  `stats_compare_from` date DEFAULT NULL,
  `stats_compare_to` date DEFAULT NULL,
  `stats_compare_option` int(1) unsigned NOT NULL DEFAULT 1,
  `preselect_date_range` varchar(32) DEFAULT NULL,
  `bo_color` varchar(32) DEFAULT NULL,
  `bo_theme` varchar(32) DEFAULT NULL,
  `bo_css` varchar(64) DEFAULT NULL,
  `default_tab` int(10) unsigned NOT NULL DEFAULT '0',
  `bo_width` int(10) unsigned NOT NULL DEFAULT '0',
  `bo_menu` tinyint(1) NOT NULL DEFAULT '1',
  `active` tinyint(1) unsigned NOT NULL DEFAULT '0',
  `optin` tinyint(1) unsigned DEFAULT NULL,
  `id_last_order` int(10) unsigned NOT NULL DEFAULT '0',
  `id_last_customer_message` int(10) unsigned NOT NULL DEFAULT '0',
  `id_last_customer` int(10) unsigned NOT NULL DEFAULT '0',
  `last_connection_date` date DEFAULT NULL,
  `reset_password_token` varchar(40) DEFAULT NULL,
  `reset_password_validity` datetime DEFAULT NULL,
  `has_enabled_gravatar` TINYINT UNSIGNED DEFAULT 0 NOT NULL,
  PRIMARY KEY (`id_employee`),
  KEY `employee_login` (`email`, `passwd`),
  KEY `id_employee_passwd` (`id_employee`, `passwd`),
  KEY `id_profile` (`id_profile`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE `PREFIX_employee_shop` (
  `id_employee` INT(11) UNSIGNED NOT NULL,
  `id_shop` INT(11) UNSIGNED NOT NULL,
  PRIMARY KEY (`id_employee`, `id_shop`),
  KEY `id_shop` (`id_shop`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT INTO `PREFIX_configuration` (`id_shop_group`, `id_shop`, `name`, `value`, `date_add`, `date_upd`) VALUES
(NULL, NULL, 'PS_SHOP_DEFAULT', '1', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_LANG_DEFAULT', '2', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_SHOP_DOMAIN', 'shop.example.com', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_SHOP_DOMAIN_SSL', 'shop.example.com', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_SSL_ENABLED', '1', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_SSL_ENABLED_EVERYWHERE', '1', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_MAIL_METHOD', '1', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, 2, 'PS_MAIL_METHOD', '2', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_SHOP_ENABLE', '1', '2024-01-01 00:00:00', '2024-01-01 00:00:00'),
(NULL, NULL, 'PS_MAINTENANCE_ALLOW_ADMINS', '0', '2024-01-01 00:00:00', '2024-01-01 00:00:00');

INSERT INTO `PREFIX_shop` VALUES
(1, 1, 'Example shop', '', 2, 'classic', 1, 0),
(2, 1, 'Example shop DE', '', 2, 'classic', 1, 0),
(3, 1, 'Other shop', '', 2, 'classic', 1, 0);

INSERT INTO `PREFIX_shop_url` VALUES
(1, 1, 'shop.example.com', 'shop.example.com', '/', '', 1, 1),
(2, 2, 'shop.example.com', 'shop.example.com', '/', 'de/', 1, 1),
(3, 3, 'other.example.net', 'other.example.net', '/', '', 1, 1),
(4, 1, 'www.shop.example.com', 'www.shop.example.com', '/', '', 0, 1);

INSERT INTO `PREFIX_profile` VALUES (1), (2);
INSERT INTO `PREFIX_profile_lang` VALUES (1, 1, 'SuperAdmin'), (2, 1, 'Logistician'), (1, 2, 'SuperAdmin'), (2, 2, 'Logisticien');

INSERT INTO `PREFIX_employee` (`id_employee`, `id_profile`, `id_lang`, `lastname`, `firstname`, `email`, `passwd`, `bo_theme`, `bo_css`, `default_tab`, `active`) VALUES
(1, 1, 2, 'Owner', 'Olga', 'owner@example.com', '$2y$10$y7FTg2p.EKtVw9nKxCuceuGN9HVDNDkwjfE4lZpP2p.S3LHuaSMjG', 'default', 'theme.css', 1, 1),
(2, 2, 1, 'Packer', 'Paul', 'packer@example.com', '$2y$10$y7FTg2p.EKtVw9nKxCuceuGN9HVDNDkwjfE4lZpP2p.S3LHuaSMjG', 'default', 'theme.css', 0, 1);
INSERT INTO `PREFIX_employee_shop` VALUES (1, 1), (1, 2), (1, 3), (2, 1);
