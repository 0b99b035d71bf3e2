<?php
// Fills a MediaWiki made by its own installer (maintenance/install.php)
// with the synthetic people of people.json, through MediaWiki's own code:
// User::createNew (user_token), the PasswordFactory (user_password), the
// UserOptionsManager (a signature in user_properties), BotPassword (the
// bot_passwords hash and token), page edits by PageUpdater from the
// person's IP (text compressed by $wgCompressRevisions, recentchanges,
// the search index) and the database object cache (objectcache: PHP
// serialized, then raw deflate). Only the pending e-mail confirmation
// token is written by hand (MediaWiki would mail it).
//
// Run: php plant.php --conf LocalSettings.php PEOPLE.json
require_once getenv('MW_INSTALL_PATH') . '/maintenance/Maintenance.php';

use MediaWiki\MediaWikiServices;
use MediaWiki\Revision\SlotRecord;

class PlantPeople extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addArg( 'people', 'JSON file of synthetic people' );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$people = json_decode( file_get_contents( $this->getArg( 0 ) ), true );
		$dbw = $services->getDBLoadBalancer()->getConnection( DB_PRIMARY );
		$out = [];
		foreach ( $people as $p ) {
			$user = User::createNew( $p['username'], [
				'email' => $p['email'],
				'real_name' => $p['first'] . ' ' . $p['last'],
			] );
			if ( !$user ) {
				$this->fatalError( "createNew {$p['username']} failed" );
			}
			$hash = $services->getPasswordFactory()->newFromPlaintext( $p['password'] )->toString();
			$dbw->update( 'user', [
				'user_password' => $hash,
				'user_newpassword' => $services->getPasswordFactory()->newFromPlaintext( $p['password'] . '-reset' )->toString(),
				'user_email_token' => md5( $p['email_token'] ),
				'user_email_token_expires' => $dbw->timestamp( time() + 86400 * 7 ),
			], [ 'user_id' => $user->getId() ], __METHOD__ );
			$opts = $services->getUserOptionsManager();
			$opts->setOption( $user, 'nickname', '[[User:' . $p['username'] . '|' . $p['first'] . ']] (call ' . $p['phone'] . ')' );
			$opts->setOption( $user, 'fancysig', 1 );
			$opts->saveOptions( $user );

			$bp = BotPassword::newUnsaved( [ 'user' => $user, 'appId' => 'backup', 'grants' => [ 'basic' ] ] );
			$status = $bp->save( 'insert', PasswordFactory::newInvalidPassword() );
			if ( !$status->isGood() ) {
				$this->fatalError( "bot password: " . $status->getWikiText() );
			}
			$bpHash = $services->getPasswordFactory()->newFromPlaintext( $p['bot_password'] )->toString();
			$dbw->update( 'bot_passwords', [ 'bp_password' => $bpHash ], [ 'bp_user' => $user->getId() ], __METHOD__ );

			// Her edit, from her IP: contact details in the page text.
			RequestContext::getMain()->getRequest()->setIP( $p['ip'] );
			$title = Title::newFromText( 'Volunteers/' . $p['username'] );
			$page = $services->getWikiPageFactory()->newFromTitle( $title );
			$updater = $page->newPageUpdater( $user );
			$f = $p['friend'];
			$updater->setContent( SlotRecord::MAIN, new WikitextContent(
				"== Contact ==\nReach " . $p['first'] . ' ' . $p['last'] . ' at ' . $p['email'] . ' or ' . $p['phone'] . ".\n" .
				'Deliveries: ' . $p['street'] . ', ' . $p['city'] . ' ' . $p['zip'] . ".\n" .
				'Backup contact: ' . $f['first'] . ' ' . $f['last'] . ', ' . $f['email'] . ', ' . $f['phone'] . ".\n"
			) );
			$updater->saveRevision( CommentStoreComment::newUnsavedComment( 'contact details' ) );
			if ( !$updater->getStatus()->isOK() ) {
				$this->fatalError( "edit: " . $updater->getStatus()->getWikiText() );
			}

			// A cached profile, the way SqlBagOStuff keeps it.
			$cache = ObjectCache::getInstance( CACHE_DB );
			$cache->set( $cache->makeKey( 'volunteer-profile', $user->getId() ), [
				'email' => $p['email'], 'phone' => $p['phone'], 'ip' => $p['ip'],
			], 86400 );
			$out[] = $user->getId();
		}
		DeferredUpdates::doUpdates();
		echo json_encode( $out ), "\n";
	}
}

$maintClass = PlantPeople::class;
require_once RUN_MAINTENANCE_IF_MAIN;
