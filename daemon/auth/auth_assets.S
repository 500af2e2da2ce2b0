/* auth_assets.S: the staff sign-in page, its script and styles, embedded
 * like the kiosk's: nothing to install, no CDN. */
	.section .rodata
	.global staff_login_html, staff_login_html_end
	.global staff_login_js, staff_login_js_end
	.global staff_login_css, staff_login_css_end
staff_login_html:
	.incbin "lookup-ui/staff-login.html"
staff_login_html_end:
	.byte 0
staff_login_js:
	.incbin "lookup-ui/staff-login.js"
staff_login_js_end:
	.byte 0
staff_login_css:
	.incbin "lookup-ui/staff-login.css"
staff_login_css_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
