# Postal manifest (bảng kê, after Thanh Hóa's "Phiếu bàn giao"): one block
# per item (number, S10 id, dossier code, procedure, owner, address, fee,
# result by post), counts, fee total, the manifest barcode, signatures.
text center bold trunc if=agency_header | {agency_header}
text center bold lines=2 | {office_name}
text center bold | BẢNG KÊ BÀN GIAO HỒ SƠ
text center | Số: {manifest_id}
barcode | {manifest_code}
rule
# Consecutive "each" lines over one list print as one block per item
# (item 1's lines, then item 2's): keep an item's lines together here.
each item_code bold | {#}. Bưu gửi {item_s10}
each item_code indent=4 | Mã hồ sơ: {item_code}
each item_code lines=2 indent=4 | Thủ tục: {item_procedure}
each item_code trunc indent=4 | Chủ hồ sơ: {item_owner}
each item_code lines=2 indent=4 | Địa chỉ: {item_address}
each item_code indent=4 | Lệ phí: {item_fee} đ
each item_code indent=4 | Trả kết quả qua bưu điện: {item_post}
rule
text bold | Tổng số hồ sơ: {count}
text | Trả kết quả qua bưu điện: {post_count}
text bold | Tổng lệ phí: {fee_total} đ
text lines=2 indent=2 | Bàn giao lúc: {handover_at}
feed 1
text | Bên giao              Bên nhận
text | (ký, ghi rõ họ tên)   (ký, ghi rõ họ tên)
feed 4
cut
