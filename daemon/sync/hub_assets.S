/* hub_assets.S: the hub's offices page with its script and styles
 * (daemon/sync/ui/), embedded like the other staff pages: nothing to
 * install, no CDN, no inline script or style for the CSP to block. */
	.section .rodata
	.global hub_html, hub_html_end
	.global hub_js, hub_js_end
	.global hub_css, hub_css_end
hub_html:
	.incbin "daemon/sync/ui/hub.html"
hub_html_end:
	.byte 0
hub_js:
	.incbin "daemon/sync/ui/hub.js"
hub_js_end:
	.byte 0
hub_css:
	.incbin "daemon/sync/ui/hub.css"
hub_css_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
