<?php
// Fills a Roundcube database (made from the package's own
// SQL/mysql.initial.sql) with the synthetic people of people.json, through
// Roundcube's own classes: rcube_user::create and insert_identity (users,
// identities with signatures), rcube_contacts (contacts: the vCard and the
// search words Roundcube builds), rcube_addresses (collected addresses),
// insert_response, save_prefs, rcube_cache (the IMAP cache), and
// rcube_session_db::write (session rows: base64 of PHP session data, the
// IMAP password encrypted with des_key, as a login leaves them).
//
// Environment: ROUNDCUBE_CONFIG_DIR (a config.inc.php naming the database,
// and defaults.inc.php), PEOPLE (the JSON file). Prints the user ids.
define('INSTALL_PATH', '/usr/share/roundcube/');
require INSTALL_PATH . 'program/include/clisetup.php';

$rc = rcmail::get_instance();
$db = $rc->get_dbh();
$db->db_connect('w');
if (!$db->is_connected()) {
    fwrite(STDERR, "no database: " . $db->is_error() . "\n");
    exit(1);
}
$people = json_decode(file_get_contents(getenv('PEOPLE')), true);
$ids = [];
foreach ($people as $i => $p) {
    $user = rcube_user::create($p['email'], $p['mail_host']);
    if (!$user) {
        fwrite(STDERR, "rcube_user::create failed: " . $db->is_error() . "\n");
        exit(1);
    }
    $rc->user = $user;
    $ids[] = $user->ID;
    $db->query("UPDATE users SET last_login = NOW() WHERE user_id = ?", $user->ID);
    // The identity create() made, with a signature that has the phone and
    // the postal address in it, and a second one with a reply-to.
    $ident = $user->get_identity();
    $user->update_identity($ident['identity_id'], [
        'name' => $p['first'] . ' ' . $p['last'],
        'organization' => $p['company'],
        'signature' => "--\n" . $p['first'] . ' ' . $p['last'] . "\n" . $p['street'] . ', ' . $p['city'] . ' ' . $p['zip'] . "\nMobile: " . $p['phone'],
    ]);
    $user->insert_identity([
        'name' => $p['first'] . ' ' . $p['last'],
        'email' => $p['email2'],
        'reply-to' => $p['email'],
        'bcc' => $p['email2'],
        'signature' => '<p>' . $p['first'] . ' · <a href="tel:' . $p['phone'] . '">' . $p['phone'] . '</a></p>',
        'html_signature' => 1,
    ]);
    $user->save_prefs(['timezone' => 'Europe/London', 'compose_extwin' => 0, 'reply_mode' => 1], true);
    $user->insert_response(['name' => 'Call me', 'data' => 'Please call me back on ' . $p['phone'] . ' or write to ' . $p['email2'] . '.', 'is_html' => false]);

    // Her address book: a friend, the way Roundcube stores a contact.
    $f = $p['friend'];
    $contacts = new rcube_contacts($db, $user->ID);
    $contacts->insert([
        'name' => $f['first'] . ' ' . $f['last'],
        'firstname' => $f['first'],
        'surname' => $f['last'],
        'email:home' => [$f['email']],
        'phone:mobile' => [$f['phone']],
        'address:home' => [['street' => $f['street'], 'locality' => $f['city'], 'zipcode' => $f['zip'], 'country' => 'United Kingdom']],
        'birthday' => $f['birthday'],
        'notes' => 'Met at the conference; her landline is ' . $f['landline'],
    ]);
    $collected = new rcube_addresses($db, $user->ID, rcube_addresses::TYPE_RECIPIENT);
    $collected->insert(['name' => $f['first'] . ' ' . $f['last'], 'email' => $f['email']]);

    // The IMAP cache of a message header from her friend.
    $cache = rcube_cache::factory('db', $user->ID, 'IMAP', '10d', true);
    $cache->set('mailboxes.list', ['INBOX' => ['from' => $f['first'] . ' ' . $f['last'] . ' <' . $f['email'] . '>', 'phone' => $f['phone']]]);
    $cache->close();

    // A logged-in session, as Roundcube writes it.
    $sess = new rcube_session_db($rc->config);
    $sess->set_lifetime(600);
    $vars = 'language|' . serialize('en_GB') . 'user_id|' . serialize($user->ID) . 'username|' . serialize($p['email'])
        . 'storage_host|' . serialize($p['mail_host']) . 'password|' . serialize($rc->encrypt($p['password']))
        . 'compose_data_1|' . serialize(['param' => ['to' => $f['email'], 'body' => 'Post it to ' . $p['street'] . ', ' . $p['city'] . ' ' . $p['zip']]]);
    $_SERVER['REMOTE_ADDR'] = $p['ip'];
    $sess->write($p['session_id'], $vars);
    $db->query("UPDATE session SET ip = ? WHERE sess_id = ?", $p['ip'], $p['session_id']);
}
echo json_encode($ids), "\n";
