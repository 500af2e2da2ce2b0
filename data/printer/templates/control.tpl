# Process-control slip after Mẫu 05 (TT 01/2018/TT-VPCP): one line per
# hand-off of the dossier, giver -> receiver, with room to sign
# (docs/counter.md). One element a line; syntax: docs/printing.md.
text center bold trunc if=agency_header | {agency_header}
text center bold lines=2 | {office_name}
feed 1
text center bold lines=2 | PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ
text center | {book}
text center | Mã hồ sơ: {code}
barcode | {code}
rule
text lines=3 indent=2 | {procedure_name}
text lines=2 indent=2 | Người nộp: {owner_name}
text lines=2 indent=2 | Nhận lúc: {received_at}
text bold lines=2 indent=2 | Hẹn trả: {due_at}
text lines=2 indent=2 if=unit | Cơ quan chủ trì: {unit}
rule
text bold | Bàn giao (bên giao -> bên nhận):
each ho_line lines=3 indent=2 max=40 | {#}. {ho_line}
rule
text | BÊN GIAO              BÊN NHẬN
text | (ký, ghi rõ họ tên)   (ký, ghi rõ họ tên)
feed 3
text center | {place_date}
feed 2
cut
