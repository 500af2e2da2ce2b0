/* postal_assets.S: the postal staff pages (clerk registration, office
 * reconciliation) with their script and styles, embedded so that motcuad
 * serves them with no files to install and no CDN (docs/postal.md). */
	.section .rodata
	.global postal_clerk_html, postal_clerk_html_end
	.global postal_office_html, postal_office_html_end
	.global postal_common_js, postal_common_js_end
	.global postal_clerk_js, postal_clerk_js_end
	.global postal_office_js, postal_office_js_end
	.global postal_css, postal_css_end
postal_clerk_html:
	.incbin "postal/ui/clerk.html"
postal_clerk_html_end:
	.byte 0
postal_office_html:
	.incbin "postal/ui/office.html"
postal_office_html_end:
	.byte 0
postal_common_js:
	.incbin "postal/ui/common.js"
postal_common_js_end:
	.byte 0
postal_clerk_js:
	.incbin "postal/ui/clerk.js"
postal_clerk_js_end:
	.byte 0
postal_office_js:
	.incbin "postal/ui/office.js"
postal_office_js_end:
	.byte 0
postal_css:
	.incbin "postal/ui/postal.css"
postal_css_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
