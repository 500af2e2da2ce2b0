# Kiosk status slip: only the kiosk-safe fields (masked name, no address,
# phone or ID number).
text center bold lines=2 | {office_name}
text center bold | PHIẾU TRA CỨU HỒ SƠ
rule
text | Mã hồ sơ: {code}
barcode | {code}
text lines=3 indent=2 | Thủ tục: {procedure_name}
text | Người nộp: {masked_name}
text bold lines=2 indent=2 | Trạng thái: {status}
text lines=2 indent=2 | Nhận lúc: {received_at}
text lines=2 indent=2 | Hẹn trả: {due_at}
text bold lines=2 indent=2 if=apology_due_at | Hẹn trả mới: {apology_due_at}
text lines=2 indent=2 | Nhận kết quả: {collect}
rule
text center if=hotline | Đường dây nóng: {hotline}
text center | In lúc {printed_at}
feed 2
cut
