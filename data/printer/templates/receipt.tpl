# Intake receipt after Mẫu 01 (TT 01/2018/TT-VPCP): the applicant's copy.
# One element a line; delete a line to drop that element. Syntax and the
# field list: docs/printing.md.
text center bold trunc if=agency_header | {agency_header}
text center bold lines=2 | {office_name}
text center | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
text center | Độc lập - Tự do - Hạnh phúc
feed 1
text center bold lines=2 | GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
text center | Mã hồ sơ: {code}
barcode | {code}
text center | Liên {copy}
text center if=postal_item | Số hiệu bưu gửi: {postal_item}
rule
text lines=2 indent=2 if=unit | {unit} tiếp nhận hồ sơ của:
text bold lines=2 indent=2 | Ông/Bà: {owner_name}
text lines=2 indent=2 if=address | Địa chỉ: {address}
text lines=3 indent=2 | Nội dung yêu cầu giải quyết: {procedure_name}
text if=documents | Thành phần hồ sơ:
each documents lines=2 indent=4 max=12 | {#}. {documents}
text | Số lượng hồ sơ: {sets} bộ
text if=days | Thời gian giải quyết: {days} ngày làm việc
text lines=2 indent=2 | Nhận lúc: {received_at}
text bold lines=2 indent=2 | Hẹn trả: {due_at}
text lines=2 indent=2 | Nhận kết quả: {collect}
text | {book}
feed 1
text | NGƯỜI NỘP HỒ SƠ        NGƯỜI TIẾP NHẬN
text | (ký, ghi rõ họ tên)    (ký, ghi rõ họ tên)
feed 3
rule
text center if=hotline | Đường dây nóng: {hotline}
text center | Tra cứu hồ sơ:
text center lines=3 if=lookup_note | {lookup_note}
qr if=lookup_url | {lookup_url}
text center lines=2 if=lookup_url | {lookup_url}
text center | {place_date}
feed 2
cut
