/* assets.S: the kiosk lookup page, embedded so that motcuad serves it with
 * no files to install and no CDN. */
	.section .rodata
	.global ui_index_html
	.global ui_index_html_end
ui_index_html:
	.incbin "lookup-ui/index.html"
ui_index_html_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
