<?php
/**
 * Plugin Name: Hello Demo
 * Description: Greets the visitor in the footer. Part of the stagecopy demo site.
 * Version: 1.0
 */

add_action( 'wp_footer', function () {
	echo '<p class="hello-demo">' . esc_html( get_option( 'demo_footer_text', 'Hello!' ) ) . '</p>';
} );
