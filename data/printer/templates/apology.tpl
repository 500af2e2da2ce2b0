# Apology and new appointment after Mẫu 04 (TT 01/2018/TT-VPCP), printed
# when the counter records an apology with a new date (docs/counter.md).
# One element a line; syntax and fields: docs/printing.md.
text center bold trunc if=agency_header | {agency_header}
text center bold lines=2 | {office_name}
text center | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
text center | Độc lập - Tự do - Hạnh phúc
feed 1
text center bold lines=2 | PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ
text center | Mã hồ sơ: {code}
barcode | {code}
rule
text bold lines=2 indent=2 | Kính gửi: {owner_name}
text lines=2 indent=2 | Ngày nhận hồ sơ: {received_at}
text lines=3 indent=2 | Nội dung: {procedure_name}
text lines=2 indent=2 if=old_due_at | Thời gian hẹn trả kết quả: {old_due_at}
text lines=2 | Việc trả kết quả đã quá thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Lý do:
text lines=4 indent=2 | {reason}
text lines=2 indent=2 if=responsible | Đơn vị chịu trách nhiệm: {responsible}
text lines=2 | Sự chậm trễ này đã gây phiền hà cho ông/bà; chúng tôi thành thật xin lỗi và hẹn trả kết quả vào:
text center bold lines=2 | {new_due_at}
text lines=2 | Nơi nhận kết quả: Bộ phận Tiếp nhận và Trả kết quả.
feed 1
text center | THỦ TRƯỞNG CƠ QUAN
text center | (ký, ghi rõ họ tên)
feed 3
text center | {place_date}
feed 2
cut
