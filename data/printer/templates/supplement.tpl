# Request to supplement the dossier after Mẫu 02 (TT 01/2018/TT-VPCP),
# printed when the counter asks for documents (docs/counter.md). One
# element a line; syntax and fields: docs/printing.md.
text center bold trunc if=agency_header | {agency_header}
text center bold lines=2 | {office_name}
text center | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
text center | Độc lập - Tự do - Hạnh phúc
feed 1
text center bold lines=2 | PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ
text center | Mã hồ sơ: {code}
barcode | {code}
rule
text bold lines=2 indent=2 | Kính gửi: {owner_name}
text lines=2 indent=2 if=address | Địa chỉ: {address}
text lines=3 indent=2 | Nội dung yêu cầu giải quyết: {procedure_name}
text lines=2 indent=2 | Nhận hồ sơ lúc: {received_at}
text | Đề nghị bổ sung, hoàn thiện hồ sơ gồm:
each items lines=3 indent=4 max=12 | {#}. {items}
text lines=4 indent=2 | Lý do: {reason}
text lines=2 | Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ:
text center if=hotline | {hotline}
feed 1
text center | NGƯỜI HƯỚNG DẪN
text center | (ký, ghi rõ họ tên)
feed 3
text center | {place_date}
feed 2
cut
