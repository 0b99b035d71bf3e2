-- A Drupal site on Drupal 10's real schema (loaded before this file): the
-- anonymous user and the administrator (uid 0 and 1), 60 people, 120
-- articles, one a day back from now (2 h off the day), each with two
-- revisions, a body, a site field (node__field_test_1), a tag, an image,
-- comments and statistics; terms, path aliases and reading history. Authors
-- 2-11 write the recent articles (the last 29 days), 12-31 only older ones;
-- commenters 32-51 comment on recent articles, 52-61 only on older ones.
SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
INSERT INTO users (uid, uuid, langcode) SELECT seq, UUID(), 'en' FROM seq_0_to_61;
INSERT INTO users_field_data (uid, langcode, preferred_langcode, name, pass, mail, timezone, status, created, changed, access, login, init, default_langcode)
  SELECT seq, 'en', 'en', IF(seq = 0, '', CONCAT('person', seq)), 'x', IF(seq = 0, NULL, CONCAT('person', seq, '@drupal-people.net')), 'UTC', seq > 0,
    1577836800, 1577836800, 0, 0, CONCAT('person', seq, '@drupal-people.net'), 1 FROM seq_0_to_61;
INSERT INTO user__roles (bundle, deleted, entity_id, revision_id, langcode, delta, roles_target_id)
  SELECT 'user', 0, seq, seq, 'en', 0, IF(seq = 1, 'administrator', 'content_editor') FROM seq_1_to_61 WHERE seq % 3 = 1;
INSERT INTO shortcut_set_users (uid, set_name) SELECT seq, 'default' FROM seq_1_to_61;

-- Terms 1-12 (vocabulary tags), 11 and 12 tag nothing; 2 is 1's child.
INSERT INTO taxonomy_term_data (tid, revision_id, vid, uuid, langcode) SELECT seq, seq, 'tags', UUID(), 'en' FROM seq_1_to_12;
INSERT INTO taxonomy_term_revision (tid, revision_id, langcode, revision_user, revision_created, revision_default)
  SELECT seq, seq, 'en', 1, 1577836800, 1 FROM seq_1_to_12;
INSERT INTO taxonomy_term_field_data (tid, revision_id, vid, langcode, status, name, weight, changed, default_langcode, revision_translation_affected)
  SELECT seq, seq, 'tags', 'en', 1, CONCAT('Tag ', seq), 0, 1577836800, 1, 1 FROM seq_1_to_12;
INSERT INTO taxonomy_term_field_revision (tid, revision_id, langcode, status, name, changed, default_langcode, revision_translation_affected)
  SELECT seq, seq, 'en', 1, CONCAT('Tag ', seq), 1577836800, 1, 1 FROM seq_1_to_12;
INSERT INTO taxonomy_term__parent (bundle, deleted, entity_id, revision_id, langcode, delta, parent_target_id)
  SELECT 'tags', 0, seq, seq, 'en', 0, IF(seq = 2, 1, 0) FROM seq_1_to_12;
INSERT INTO taxonomy_term_revision__parent (bundle, deleted, entity_id, revision_id, langcode, delta, parent_target_id)
  SELECT 'tags', 0, seq, seq, 'en', 0, IF(seq = 2, 1, 0) FROM seq_1_to_12;

-- Articles: nid seq, changed seq days and 2 hours ago; revisions
-- 10*nid+1 (the first, by the author) and 10*nid+2 (the current one, by
-- the administrator).
CREATE TEMPORARY TABLE a (nid INT PRIMARY KEY, author INT, ts INT, tag INT);
INSERT INTO a SELECT seq, IF(seq <= 29, 2 + seq % 10, 12 + seq % 20), UNIX_TIMESTAMP(NOW() - INTERVAL seq DAY - INTERVAL 2 HOUR),
  IF(seq <= 29, 3 + seq % 4, 1 + seq % 10) FROM seq_1_to_120;
INSERT INTO node (nid, vid, type, uuid, langcode) SELECT nid, nid * 10 + 2, 'article', UUID(), 'en' FROM a;
INSERT INTO node_revision (nid, vid, langcode, revision_uid, revision_timestamp, revision_log, revision_default)
  SELECT nid, nid * 10 + 1, 'en', author, ts - 3600, NULL, 0 FROM a
  UNION ALL SELECT nid, nid * 10 + 2, 'en', 1, ts, 'Edited', 1 FROM a;
INSERT INTO node_field_data (nid, vid, type, langcode, status, uid, title, created, changed, promote, sticky, default_langcode, revision_translation_affected)
  SELECT nid, nid * 10 + 2, 'article', 'en', 1, author, CONCAT('Article ', nid), ts - 3600, ts, 1, 0, 1, 1 FROM a;
INSERT INTO node_field_revision (nid, vid, langcode, status, uid, title, created, changed, promote, sticky, default_langcode, revision_translation_affected)
  SELECT nid, nid * 10 + r, 'en', 1, author, CONCAT('Article ', nid), ts - 3600, ts - 3600 * (2 - r), 1, 0, 1, 1 FROM a JOIN (SELECT 1 r UNION SELECT 2) x;
INSERT INTO node__body (bundle, deleted, entity_id, revision_id, langcode, delta, body_value, body_format)
  SELECT 'article', 0, nid, nid * 10 + 2, 'en', 0, CONCAT('Body of ', nid), 'basic_html' FROM a;
INSERT INTO node_revision__body (bundle, deleted, entity_id, revision_id, langcode, delta, body_value, body_format)
  SELECT 'article', 0, nid, nid * 10 + r, 'en', 0, CONCAT('Body of ', nid, ' rev ', r), 'basic_html' FROM a JOIN (SELECT 1 r UNION SELECT 2) x;
INSERT INTO node__field_test_1 (bundle, deleted, entity_id, revision_id, langcode, delta, field_test_1_value)
  SELECT 'article', 0, nid, nid * 10 + 2, 'en', 0, 1 FROM a;
INSERT INTO node_revision__field_test_1 (bundle, deleted, entity_id, revision_id, langcode, delta, field_test_1_value)
  SELECT 'article', 0, nid, nid * 10 + r, 'en', 0, 1 FROM a JOIN (SELECT 1 r UNION SELECT 2) x;
INSERT INTO node__field_tags (bundle, deleted, entity_id, revision_id, langcode, delta, field_tags_target_id)
  SELECT 'article', 0, nid, nid * 10 + 2, 'en', 0, tag FROM a;
INSERT INTO node_revision__field_tags (bundle, deleted, entity_id, revision_id, langcode, delta, field_tags_target_id)
  SELECT 'article', 0, nid, nid * 10 + 2, 'en', 0, tag FROM a;
INSERT INTO taxonomy_index (nid, tid, status, sticky, created) SELECT nid, tag, 1, 0, ts FROM a;
INSERT INTO node_access (nid, langcode, fallback, gid, realm, grant_view) SELECT nid, 'en', 1, 0, 'all', 1 FROM a;
-- Images: file nid + 1000, uploaded by the author.
INSERT INTO file_managed (fid, uuid, langcode, uid, filename, uri, filemime, filesize, status, created, changed)
  SELECT nid + 1000, UUID(), 'en', author, CONCAT('a', nid, '.jpg'), CONCAT('public://a', nid, '.jpg'), 'image/jpeg', 100, 1, ts, ts FROM a;
INSERT INTO node__field_image (bundle, deleted, entity_id, revision_id, langcode, delta, field_image_target_id, field_image_alt)
  SELECT 'article', 0, nid, nid * 10 + 2, 'en', 0, nid + 1000, 'alt' FROM a;
INSERT INTO file_usage (fid, module, type, id, count) SELECT nid + 1000, 'file', 'node', nid, 1 FROM a;
-- A picture for person 5 (a recent author) and person 20 (an old one).
INSERT INTO file_managed (fid, uuid, langcode, uid, filename, uri, filemime, filesize, status, created, changed)
  SELECT seq + 2000, UUID(), 'en', seq, CONCAT('p', seq, '.jpg'), CONCAT('public://p', seq, '.jpg'), 'image/jpeg', 100, 1, 1577836800, 1577836800 FROM seq_1_to_61 WHERE seq IN (5, 20);
INSERT INTO user__user_picture (bundle, deleted, entity_id, revision_id, langcode, delta, user_picture_target_id)
  SELECT 'user', 0, fid - 2000, fid - 2000, 'en', 0, fid FROM file_managed WHERE fid > 2000;
INSERT INTO file_usage (fid, module, type, id, count) SELECT fid, 'file', 'user', fid - 2000, 1 FROM file_managed WHERE fid > 2000;

-- Comments: two per article (cid 2*nid-1, 2*nid), the second a reply; the
-- first anonymous on every fourth article.
CREATE TEMPORARY TABLE c (cid INT PRIMARY KEY, nid INT, pid INT, uid INT, ts INT);
INSERT INTO c SELECT 2 * nid - 1, nid, NULL, IF(nid % 4 = 0, 0, IF(nid <= 29, 32 + nid % 20, 52 + nid % 10)), ts + 60 FROM a
  UNION ALL SELECT 2 * nid, nid, 2 * nid - 1, IF(nid <= 29, 32 + (nid + 7) % 20, 52 + (nid + 3) % 10), ts + 120 FROM a;
INSERT INTO comment (cid, comment_type, uuid, langcode) SELECT cid, 'comment', UUID(), 'en' FROM c;
INSERT INTO comment_field_data (cid, comment_type, langcode, status, uid, pid, entity_id, subject, name, mail, hostname, created, changed, thread, entity_type, field_name, default_langcode)
  SELECT cid, 'comment', 'en', 1, uid, pid, nid, CONCAT('Comment ', cid), CONCAT('person', uid), CONCAT('person', uid, '@drupal-people.net'), '203.0.113.9', ts, ts,
    IF(pid IS NULL, '01/', '01.00/'), 'node', 'comment', 1 FROM c;
INSERT INTO comment__comment_body (bundle, deleted, entity_id, revision_id, langcode, delta, comment_body_value, comment_body_format)
  SELECT 'comment', 0, cid, cid, 'en', 0, CONCAT('Text of comment ', cid), 'basic_html' FROM c;
INSERT INTO comment_entity_statistics (entity_id, entity_type, field_name, cid, last_comment_timestamp, last_comment_name, last_comment_uid, comment_count)
  SELECT nid, 'node', 'comment', 2 * nid, ts + 120, NULL, IF(nid <= 29, 32 + (nid + 7) % 20, 52 + (nid + 3) % 10), 2 FROM a;
INSERT INTO node__comment (bundle, deleted, entity_id, revision_id, langcode, delta, comment_status) SELECT 'article', 0, nid, nid * 10 + 2, 'en', 0, 2 FROM a;

-- Whole: aliases, configuration, state. Left out: history.
INSERT INTO path_alias (id, revision_id, uuid, langcode, path, alias, status) SELECT nid, nid, UUID(), 'en', CONCAT('/node/', nid), CONCAT('/article-', nid), 1 FROM a;
INSERT INTO path_alias_revision (id, revision_id, langcode, path, alias, status, revision_default) SELECT nid, nid, 'en', CONCAT('/node/', nid), CONCAT('/article-', nid), 1, 1 FROM a;
INSERT INTO config (collection, name, data) VALUES ('', 'system.site', 'a:1:{s:4:"name";s:4:"Site";}');
INSERT INTO key_value (collection, name, value) VALUES ('state', 'system.cron_last', 'i:1577836800;');
INSERT INTO history (uid, nid, timestamp) SELECT 40 + seq % 20, seq, 1577836800 FROM seq_1_to_120;
DROP TEMPORARY TABLE a;
DROP TEMPORARY TABLE c;
