# Refusal to accept the dossier after Mẫu 03 (TT 01/2018/TT-VPCP): the
# citizen's paper for a submission the counter refuses (docs/counter.md).
# One element a line; syntax and fields: docs/printing.md.
text center bold trunc if=agency_header | {agency_header}
text center bold lines=2 | {office_name}
text center | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
text center | Độc lập - Tự do - Hạnh phúc
feed 1
text center bold lines=2 | PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ
text center | Mã hồ sơ: {code}
barcode | {code}
rule
text lines=2 indent=2 if=unit | {unit} tiếp nhận hồ sơ của:
text bold lines=2 indent=2 | Ông/Bà: {owner_name}
text lines=2 indent=2 if=address | Địa chỉ: {address}
text lines=3 indent=2 | Nội dung yêu cầu giải quyết: {procedure_name}
text lines=2 | Sau khi xem xét, đối chiếu, hồ sơ không đủ điều kiện tiếp nhận với lý do:
text bold lines=6 indent=2 | {reason}
text lines=2 | Xin thông báo để ông/bà biết và thực hiện.
feed 1
text | NGƯỜI NỘP HỒ SƠ        NGƯỜI TIẾP NHẬN
text | (ký, ghi rõ họ tên)    (ký, ghi rõ họ tên)
feed 3
text center | {place_date}
feed 2
cut
