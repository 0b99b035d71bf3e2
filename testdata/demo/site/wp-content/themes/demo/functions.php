<?php
/**
 * Demo Garden theme functions.
 */

add_action( 'after_setup_theme', function () {
	add_theme_support( 'title-tag' );
	add_theme_support( 'post-thumbnails' );
} );

add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_style( 'demo', get_stylesheet_uri(), array(), '1.0.0' );
} );

// Orders go to the shop owner (a fictional person).
add_filter( 'demo_order_notification_email', function () {
	return 'webmaster@demo.example.test';
} );
