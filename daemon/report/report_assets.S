/* report_assets.S: the staff report pages' styles and script
 * (daemon/report/ui/), embedded like the kiosk's: nothing to install, no
 * CDN, and no inline <style> or <script> for the CSP to block. */
	.section .rodata
	.global report_css, report_css_end
	.global report_f06a_css, report_f06a_css_end
	.global report_js, report_js_end
report_css:
	.incbin "daemon/report/ui/reports.css"
report_css_end:
	.byte 0
report_f06a_css:
	.incbin "daemon/report/ui/f06a.css"
report_f06a_css_end:
	.byte 0
report_js:
	.incbin "daemon/report/ui/reports.js"
report_js_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
