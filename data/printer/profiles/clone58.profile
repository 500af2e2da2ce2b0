# Generic 58 mm clone (POS-5890, ZJ-5870 class): 384 dots, 32 characters.
# Clones differ: native Code 128 with {B/{C and GS ( k QR are often
# missing or print "{B" as data, so both are drawn as raster here. No
# TCVN-3 code page: Vietnamese prints as raster text.
name = clone58
description = Generic 58 mm ESC/POS clone (POS-5890 class)
width_dots = 384
width_chars = 32
text = raster
codepage_ascii = 0
code128 = raster
qr = raster
barcode_height = 64
barcode_module = 2
qr_module = 5
raster = gs_v_0
cut = 1d 56 42 00
status_printer = 10 04 01
status_cause = 10 04 02
status_paper = 10 04 04
