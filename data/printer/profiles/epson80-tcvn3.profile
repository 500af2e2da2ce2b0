# Generic 80 mm Epson-compatible printer (TM-T20/TM-T82/TM-T88 class):
# 576 dots, 48 characters of font A, native Code 128 and QR.
# Vietnamese prints as TCVN-3 printer text (ESC t 30 lower, 31 upper):
# opt in only after the test page prints every letter right.
name = epson80-tcvn3
description = Generic 80 mm Epson-compatible, TCVN-3 text (confirm with a test page)
width_dots = 576
width_chars = 48
text = tcvn3
codepage_ascii = 0
codepage_tcvn3_lower = 30
codepage_tcvn3_upper = 31
codepage_cp1258 = 52
code128 = native
qr = native
barcode_height = 80
barcode_module = 2
qr_module = 6
raster = gs_v_0
# GS V 66 0: feed to the cutter and cut partially
cut = 1d 56 42 00
# DLE EOT 1 (printer), 2 (offline cause), 4 (paper sensor)
status_printer = 10 04 01
status_cause = 10 04 02
status_paper = 10 04 04
