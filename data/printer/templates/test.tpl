# Test page: every feature of the profile. Print it before opting a
# printer into TCVN-3 text: every letter must match the line above it.
text center bold big | TEST
text center bold lines=2 | {office_name}
text | Profile: {profile}
text lines=2 | {description}
text | Paper: {width}
text | Text path: {text_path}; {native}
rule
text lines=4 | {sample_vi}
text lines=4 | {sample_upper}
text lines=3 | {ascii}
text | Thay thế: {unprintable}
text bold | Chữ đậm / bold
text big | Chữ to / big
text right | Căn phải / right
rule
barcode | {barcode}
text center | {barcode}
qr | {qr}
text center lines=2 | {qr}
feed 2
cut
