-- WordPress 6.x core tables that the staging fixes touch, as
-- wp-admin/includes/schema.php creates them (PREFIX_ is the table prefix).
CREATE TABLE PREFIX_options (
  option_id bigint(20) unsigned NOT NULL auto_increment,
  option_name varchar(191) NOT NULL default '',
  option_value longtext NOT NULL,
  autoload varchar(20) NOT NULL default 'yes',
  PRIMARY KEY  (option_id),
  UNIQUE KEY option_name (option_name),
  KEY autoload (autoload)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE PREFIX_users (
  ID bigint(20) unsigned NOT NULL auto_increment,
  user_login varchar(60) NOT NULL default '',
  user_pass varchar(255) NOT NULL default '',
  user_nicename varchar(50) NOT NULL default '',
  user_email varchar(100) NOT NULL default '',
  user_url varchar(100) NOT NULL default '',
  user_registered datetime NOT NULL default '0000-00-00 00:00:00',
  user_activation_key varchar(255) NOT NULL default '',
  user_status int(11) NOT NULL default '0',
  display_name varchar(250) NOT NULL default '',
  PRIMARY KEY  (ID),
  KEY user_login_key (user_login),
  KEY user_nicename (user_nicename),
  KEY user_email (user_email)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE PREFIX_usermeta (
  umeta_id bigint(20) unsigned NOT NULL auto_increment,
  user_id bigint(20) unsigned NOT NULL default '0',
  meta_key varchar(255) default NULL,
  meta_value longtext,
  PRIMARY KEY  (umeta_id),
  KEY user_id (user_id),
  KEY meta_key (meta_key(191))
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE PREFIX_posts (
  ID bigint(20) unsigned NOT NULL auto_increment,
  post_content longtext NOT NULL,
  post_title text NOT NULL,
  guid varchar(255) NOT NULL default '',
  PRIMARY KEY  (ID)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
INSERT INTO PREFIX_options (option_name, option_value) VALUES
  ('siteurl', 'https://shop.example.org'), ('home', 'https://shop.example.org/'), ('blog_public', '1');
INSERT INTO PREFIX_users (user_login, user_pass, user_email, display_name) VALUES ('owner', '$P$Bxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'owner@example.com', 'Owner');
INSERT INTO PREFIX_usermeta (user_id, meta_key, meta_value) VALUES (1, 'PREFIX_capabilities', 'a:1:{s:13:"administrator";b:1;}');
