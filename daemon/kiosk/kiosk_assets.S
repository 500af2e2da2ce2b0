/* kiosk_assets.S: the kiosk page's script, styles and fonts, embedded so
 * that motcuad serves them with no files to install and no internet. The
 * fonts are Debian's DejaVu Sans (fonts-dejavu-core, full Vietnamese
 * coverage), found through the assembler's include path (-Wa,-I). */
	.section .rodata
	.global kiosk_js, kiosk_js_end, kiosk_css, kiosk_css_end
	.global font_regular, font_regular_end, font_bold, font_bold_end
kiosk_js:
	.incbin "lookup-ui/kiosk.js"
kiosk_js_end:
	.byte 0
kiosk_css:
	.incbin "lookup-ui/kiosk.css"
kiosk_css_end:
	.byte 0
	.balign 16
font_regular:
	.incbin "DejaVuSans.ttf"
font_regular_end:
	.balign 16
font_bold:
	.incbin "DejaVuSans-Bold.ttf"
font_bold_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
