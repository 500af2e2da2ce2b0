/* counter_assets.S: the counter desk's page with its script and styles,
 * embedded so that motcuad serves them with no files to install and no
 * CDN (docs/counter.md). */
	.section .rodata
	.global counter_html, counter_html_end
	.global counter_js, counter_js_end
	.global counter_css, counter_css_end
counter_html:
	.incbin "daemon/counter/ui/counter.html"
counter_html_end:
	.byte 0
counter_js:
	.incbin "daemon/counter/ui/counter.js"
counter_js_end:
	.byte 0
counter_css:
	.incbin "daemon/counter/ui/counter.css"
counter_css_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
