// clerk.js: the post office clerk's registration page (docs/postal.md).
// Scan or type an item id -> the S10 check -> the existing registration
// (read-only) or the form -> the dossier code and the receipt. Then
// "close batch" makes the manifest.
"use strict";
(function () {
  const P = window.Postal;
  const { $, t, tf, show, str, el } = P;
  const T = {
    vi: {
      title: "Tiếp nhận hồ sơ qua bưu chính", logout: "Đăng xuất",
      scan_head: "1. Quét hoặc nhập mã bưu gửi", item_label: "Mã bưu gửi (S10)", item_ph: "Ví dụ: RR123456785VN",
      check: "Kiểm tra", checking: "Đang kiểm tra…",
      s10_bad_format: "Không nhận: {reason}", s10_valid: "Mã hợp lệ: {id}",
      s10_warn: "Cảnh báo: {reason}. Chỉ tiếp nhận khi ghi rõ lý do.", expected: "Chữ số kiểm tra đúng phải là {c}.",
      already: "Bưu gửi này đã được đăng ký", already_note: "Không tạo bản đăng ký thứ hai. Thông tin dưới đây chỉ để xem.",
      next_item: "Bưu gửi tiếp theo", form_head: "2. Đăng ký bưu gửi",
      ov_legend: "Mã bưu gửi không hợp lệ theo S10", ov_label: "Lý do vẫn tiếp nhận (bắt buộc, được ghi vào nhật ký)",
      ov_required: "Phải nhập lý do vì mã bưu gửi không hợp lệ.",
      applicant: "Người gửi hồ sơ", a_name: "Họ và tên", a_phone: "Số điện thoại", a_addr: "Địa chỉ", a_id: "Số CCCD / định danh",
      procedure: "Thủ tục hành chính", proc_search: "Tìm thủ tục (tên hoặc mã)", proc_ph: "Gõ vài chữ, rồi ↓ để chọn",
      proc_none: "Không có thủ tục nào khớp.",
      docs_head: "Thành phần hồ sơ (đánh dấu giấy tờ đã kiểm tra)", docs_none: "Thủ tục này chưa có danh mục giấy tờ.",
      d_check: "Đã kiểm tra", d_name: "Giấy tờ", d_orig: "Bản chính", d_copy: "Bản sao", required: "(bắt buộc)",
      fees_agency: "Lệ phí và cơ quan tiếp nhận", fees: "Phí, lệ phí đã thu (đồng)", fee_no: "Số biên lai thu phí",
      fees_bad: "Nhập số đồng, là số nguyên không âm (ví dụ 50000).",
      agency: "Mã cơ quan tiếp nhận", service: "Dịch vụ bưu chính", svc_send: "Gửi hồ sơ",
      svc_return: "Nhận kết quả qua bưu điện", svc_both: "Cả hai",
      ret_addr: "Địa chỉ nhận kết quả (bắt buộc khi nhận qua bưu điện)",
      seal_legend: "Niêm phong", seal: "Bưu gửi đã niêm phong, niêm phong nguyên vẹn",
      register: "Đăng ký và in biên nhận", cancel: "Huỷ", saving: "Đang lưu…",
      fix_field: "Chưa lưu: {msg}", not_saved: "Chưa lưu gì: {msg}",
      done_head: "Đã đăng ký", code: "Mã hồ sơ",
      receipt_job: "Biên nhận đang được in (lệnh in {id}).", receipt_file: "Biên nhận đã in ra tệp: {path}",
      receipt_none: "Không có máy in biên nhận: hãy ghi mã hồ sơ cho người gửi.",
      batch_head: "Bảng kê bàn giao", batch_note: "Khi giao các bưu gửi cho cơ quan, đóng lô để lập bảng kê.",
      close_batch: "Đóng lô và in bảng kê", batch_empty: "Không có bưu gửi nào chờ đóng lô.",
      batch_ok: "Đã lập bảng kê {id}.", manifest: "Bảng kê", m_count: "Số bưu gửi", m_fees: "Tổng phí, lệ phí",
      m_printed: "Bảng kê đang được in (lệnh in {id}).", m_noprint: "Không có máy in: dùng nút In trang này.",
      print_page: "In trang này", busy_form: "Đang nhập dở một bưu gửi: hãy Đăng ký hoặc Huỷ trước khi quét mã khác.",
      stream_on: "Máy quét: đã kết nối", stream_off: "Máy quét: mất kết nối (vẫn nhập tay được)", station: "Quầy",
      session_ended: "Phiên đăng nhập đã hết. Đăng nhập lại ở một thẻ mới (/staff/login), rồi bấm lại nút này: những gì đã nhập vẫn còn.",
      offline: "Không kết nối được với máy chủ.", http_error: "Lỗi máy chủ (HTTP {n}).",
      wrong_role: "Tài khoản này ({role}) không được dùng trang tiếp nhận bưu gửi.",
      f_code: "Mã hồ sơ", f_item: "Mã bưu gửi", f_state: "Trạng thái", f_manifest: "Bảng kê", f_due: "Hẹn trả",
      f_name: "Người gửi", f_proc: "Thủ tục", f_service: "Dịch vụ", f_posted: "Gửi lúc", f_fees: "Phí, lệ phí",
      st_registered: "đã đăng ký", st_in_manifest: "đã vào bảng kê", st_accepted: "cơ quan đã nhận",
      st_missing: "thiếu khi bàn giao", st_resolved: "đã xử lý sai lệch",
      doc_line: "{name}: {o} bản chính, {c} bản sao", ret_addr_short: "Địa chỉ nhận kết quả",
      seal_yes: "nguyên vẹn", seal_no: "không nguyên vẹn", ov_short: "Lý do tiếp nhận mã không hợp lệ",
      f_accepted: "Cơ quan nhận lúc",
      doc_receipt: "Biên nhận", doc_manifest: "Bảng kê", job_done: "{what} đã in xong (lệnh in {id}).",
      job_waiting: "{what} đang chờ máy in (lệnh in {id}): {outcome}", job_failed: "{what} không in được (lệnh in {id}): {outcome}",
      scan_unknown: "Máy quét không đọc được mã ({reason}). Quét lại hoặc nhập tay.",
      scan_other: "{value} không phải mã bưu gửi. Hãy quét nhãn bưu gửi.",
      // the S10 check's reason_code and the scanner's reasons: the daemon
      // says them in English, the page in the page's language
      r_empty: "chưa nhập mã", r_too_long: "dài hơn 13 ký tự", r_too_short: "ngắn hơn 13 ký tự",
      r_letter_expected: "chỗ này phải là chữ cái", r_digit_expected: "chỗ này phải là chữ số",
      r_reserved: "chữ cái đầu do UPU giữ lại (J, K, S, T, W)",
      r_bad_service: "không loại dịch vụ UPU nào dùng hai chữ đầu này",
      r_bad_check: "chữ số kiểm tra không khớp với số hiệu", r_other: "mã không hợp lệ",
      sr_empty: "trống", sr_not_utf_8: "không phải văn bản UTF-8", sr_control_bytes: "có ký tự điều khiển",
      sr_too_long: "quá dài", sr_no_known_format: "không đúng dạng mã nào đã biết", sr_other: "không rõ lý do",
    },
    en: {
      title: "Postal dossier registration", logout: "Log out",
      scan_head: "1. Scan or type the item id", item_label: "Postal item id (S10)", item_ph: "e.g. RR123456785VN",
      check: "Check", checking: "Checking…",
      s10_bad_format: "Refused: {reason}", s10_valid: "Valid id: {id}",
      s10_warn: "Warning: {reason}. Register it only with a reason.", expected: "The right check digit would be {c}.",
      already: "This item is already registered", already_note: "No second registration is made. This is read-only.",
      next_item: "Next item", form_head: "2. Register the item",
      ov_legend: "Not a valid S10 id", ov_label: "Reason to register it anyway (required, goes to the audit log)",
      ov_required: "A reason is required because the item id is not valid.",
      applicant: "Applicant", a_name: "Full name", a_phone: "Phone", a_addr: "Address", a_id: "ID card number",
      procedure: "Procedure", proc_search: "Find a procedure (name or code)", proc_ph: "Type a few letters, then ↓ to pick",
      proc_none: "No procedure matches.",
      docs_head: "Documents (tick each one checked)", docs_none: "This procedure has no document list.",
      d_check: "Checked", d_name: "Document", d_orig: "Originals", d_copy: "Copies", required: "(required)",
      fees_agency: "Fees and receiving agency", fees: "Fees collected (VND)", fee_no: "Fee receipt number",
      fees_bad: "Type a whole number of dong, 0 or more (e.g. 50000).",
      agency: "Receiving agency code", service: "Postal service", svc_send: "Send the dossier",
      svc_return: "Return the result by post", svc_both: "Both",
      ret_addr: "Return address (required when the result goes back by post)",
      seal_legend: "Seal", seal: "The item is sealed and the seal is intact",
      register: "Register and print the receipt", cancel: "Cancel", saving: "Saving…",
      fix_field: "Not saved: {msg}", not_saved: "Nothing was saved: {msg}",
      done_head: "Registered", code: "Dossier code",
      receipt_job: "The receipt is printing (print job {id}).", receipt_file: "The receipt was printed to the file {path}",
      receipt_none: "No receipt printer: write the dossier code down for the applicant.",
      batch_head: "Handover manifest", batch_note: "When you hand the items to the office, close the batch to make its manifest.",
      close_batch: "Close the batch and print the manifest", batch_empty: "There are no items waiting for a batch.",
      batch_ok: "Manifest {id} made.", manifest: "Manifest", m_count: "Items", m_fees: "Fees total",
      m_printed: "The manifest is printing (print job {id}).", m_noprint: "No printer: use Print this page.",
      print_page: "Print this page", busy_form: "An item is half registered: Register or Cancel it before scanning another.",
      stream_on: "Scanner: connected", stream_off: "Scanner: not connected (typing still works)", station: "Station",
      session_ended: "The session has ended. Sign in again in a new tab (/staff/login), then press this button again: nothing typed is lost.",
      offline: "Cannot reach the server.", http_error: "Server error (HTTP {n}).",
      wrong_role: "This account ({role}) may not use the postal registration page.",
      f_code: "Dossier code", f_item: "Item id", f_state: "State", f_manifest: "Manifest", f_due: "Due",
      f_name: "Applicant", f_proc: "Procedure", f_service: "Service", f_posted: "Posted at", f_fees: "Fees",
      st_registered: "registered", st_in_manifest: "in a manifest", st_accepted: "accepted by the office",
      st_missing: "missing at handover", st_resolved: "discrepancy resolved",
      doc_line: "{name}: {o} originals, {c} copies", ret_addr_short: "Return address",
      seal_yes: "intact", seal_no: "not intact", ov_short: "Reason for an invalid id",
      f_accepted: "Accepted by the office",
      doc_receipt: "The receipt", doc_manifest: "The manifest", job_done: "{what} is printed (print job {id}).",
      job_waiting: "{what} waits for the printer (print job {id}): {outcome}", job_failed: "{what} could not be printed (print job {id}): {outcome}",
      scan_unknown: "The scanner could not read a code ({reason}). Scan again or type it.",
      scan_other: "{value} is not a postal item id. Scan the item label.",
      r_empty: "no id typed", r_too_long: "longer than 13 characters", r_too_short: "shorter than 13 characters",
      r_letter_expected: "a letter is expected here", r_digit_expected: "a digit is expected here",
      r_reserved: "the first letter is reserved by the UPU (J, K, S, T, W)",
      r_bad_service: "no UPU service class uses this indicator",
      r_bad_check: "the check digit does not match the serial", r_other: "not a valid id",
      sr_empty: "empty", sr_not_utf_8: "not UTF-8 text", sr_control_bytes: "control bytes",
      sr_too_long: "too long", sr_no_known_format: "no known format", sr_other: "no reason given",
    },
  };
  const station = P.stationParam();
  const AGENCY_KEY = "motcua.postal.agency";
  // seq: the latest scan; an older scan's replies arriving late are dropped
  const st = { item: null, verdict: null, procs: [], docs: [], existing: null, streamUp: null, loading: null, seq: 0, pending: null };

  // --- the S10 check ---------------------------------------------------
  const normalise = (s) => str(s, 64).replace(/\s+/g, "").toUpperCase();

  function screen(which) { // "scan" alone, or with one of these
    for (const id of ["existing", "reg", "done"]) show($(id), id === which);
  }
  function formBusy() {
    return !$("reg").classList.contains("hidden") &&
      ["a-name", "a-addr", "a-phone", "a-id"].some((id) => $(id).value.trim() !== "");
  }

  async function onItem(raw) {
    const id = normalise(raw);
    if (!id) return;
    if (formBusy()) { P.message($("s10-msg"), "warn", t("busy_form")); return; }
    const seq = ++st.seq;
    $("item").value = id;
    screen(null);
    P.message($("s10-msg"), "info", t("checking"));
    const c = await P.api("GET", "/api/v1/postal/s10/" + encodeURIComponent(id));
    if (seq !== st.seq) return;
    if (c.status !== 200) { P.message($("s10-msg"), "bad", c.error.message); return; }
    const v = c.body;
    if (v.verdict === "bad_format") {
      P.message($("s10-msg"), "bad", tf("s10_bad_format", { reason: P.reasonText(T, "r_", v.reason_code) }));
      $("item").select();
      return;
    }
    const item = str(v.normalised || id, 64);
    const ex = await P.api("GET", "/api/v1/postal/items/" + encodeURIComponent(item));
    if (seq !== st.seq) return;
    if (ex.status === 200) { showExisting(ex.body); return; }
    if (ex.status !== 404) { P.message($("s10-msg"), "bad", ex.error.message); return; }
    if (v.overridable) {
      let w = tf("s10_warn", { reason: P.reasonText(T, "r_", v.reason_code) });
      if (v.verdict === "bad_check" && v.expected_check != null) w += " " + tf("expected", { c: v.expected_check });
      P.message($("s10-msg"), "warn", w);
    } else {
      P.message($("s10-msg"), "ok", tf("s10_valid", { id: item }));
    }
    openForm(item, v);
  }

  // --- an existing registration, read-only ------------------------------
  function row(dl, key, value) {
    if (value == null || value === "") return;
    dl.append(el("dt", null, t(key)), el("dd", key === "f_code" || key === "f_item" || key === "f_manifest" ? "mono" : null, value));
  }
  function showExisting(r) {
    st.existing = r;
    const dl = $("ex-view");
    dl.textContent = "";
    const a = r.applicant && typeof r.applicant === "object" ? r.applicant : {};
    const proc = st.procs.find((p) => p.code === r.procedure_code);
    const docs = Array.isArray(r.documents) ? r.documents.filter((x) => x && typeof x === "object") : [];
    row(dl, "f_code", str(r.code));
    row(dl, "f_item", str(r.item_id));
    row(dl, "f_state", T[P.lang()]["st_" + str(r.state, 32)] || str(r.state));
    row(dl, "f_manifest", str(r.manifest_id));
    row(dl, "f_name", str(a.name));
    row(dl, "a_addr", str(a.address));
    row(dl, "a_phone", str(a.phone));
    row(dl, "a_id", str(a.id_number));
    row(dl, "f_proc", proc && proc.name ? str(proc.name) + " · " + str(r.procedure_code) : str(r.procedure_code));
    row(dl, "d_name", docs.map((x) => tf("doc_line", { name: str(x.name, 300), o: Number(x.originals) || 0, c: Number(x.copies) || 0 }) +
      (x.checked ? " ✓" : "")).join("; "));
    row(dl, "f_fees", r.fees_vnd != null ? P.fmtVnd(r.fees_vnd) + (r.fee_receipt_no ? " · " + str(r.fee_receipt_no, 64) : "") : "");
    row(dl, "agency", str(r.agency_code));
    row(dl, "f_service", { send: t("svc_send"), return: t("svc_return"), both: t("svc_both") }[r.service] || str(r.service));
    row(dl, "ret_addr_short", str(r.return_address));
    row(dl, "seal_legend", typeof r.seal_intact === "boolean" ? t(r.seal_intact ? "seal_yes" : "seal_no") : "");
    row(dl, "ov_short", str(r.override_reason));
    row(dl, "f_posted", P.fmtTime(r.posted_at));
    row(dl, "f_accepted", P.fmtTime(r.accepted_at));
    row(dl, "f_due", P.fmtTime(r.due_at));
    P.message($("s10-msg"), "warn", t("already"));
    screen("existing");
    $("ex-next").focus();
  }

  // --- the form ---------------------------------------------------------
  function openForm(item, verdict) {
    st.item = item;
    st.verdict = verdict;
    const f = $("reg");
    f.reset();
    P.clearErrors(f);
    show($("form-msg"), false);
    $("reg-item").textContent = item;
    let agency = "";
    try { agency = localStorage.getItem(AGENCY_KEY) || ""; } catch (e) { /* private mode */ }
    $("agency").value = agency;
    $("fees").value = "0";
    const ov = !!verdict.overridable;
    show($("ov-box"), ov);
    $("ov-warn").textContent = ov ? P.reasonText(T, "r_", verdict.reason_code) : "";
    serviceChanged();
    $("proc-q").value = "";
    filterProcs();
    renderDocs([]);
    screen("reg");
    (ov ? $("override") : $("a-name")).focus();
  }

  function serviceChanged() {
    const s = ($("reg").querySelector("input[name=service]:checked") || {}).value;
    show($("ret-box"), s === "return" || s === "both");
  }

  async function loadProcs() {
    const r = await P.api("GET", "/api/v1/procedures");
    st.procs = r.status === 200 && Array.isArray(r.body.procedures) ? r.body.procedures.filter((p) => p && typeof p.code === "string") : [];
    filterProcs();
  }
  function filterProcs() {
    const words = P.fold($("proc-q").value).split(/\s+/).filter(Boolean);
    const sel = $("proc"), keep = sel.value;
    sel.textContent = "";
    let n = 0;
    for (const p of st.procs) {
      const hay = P.fold(p.code + " " + (p.name || ""));
      if (!words.every((w) => hay.includes(w))) continue;
      const o = el("option", null, str(p.name || p.code, 300) + " · " + str(p.code, 64));
      o.value = p.code;
      sel.append(o);
      if (++n >= 200) break;
    }
    if (n === 0) { const o = el("option", null, t("proc_none")); o.disabled = true; o.value = ""; sel.append(o); }
    if (keep && [...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }
  function procChosen() {
    st.loading = loadChecklist();
    return st.loading;
  }
  async function loadChecklist() {
    const code = $("proc").value;
    if (!code) { renderDocs([]); return; }
    const r = await P.api("GET", "/api/v1/procedures/" + encodeURIComponent(code) + "/checklist");
    let docs = [];
    if (r.status === 200 && Array.isArray(r.body.documents)) {
      docs = r.body.documents;
    } else { // no checklist route: the catalogue's own list, if any
      const p = st.procs.find((x) => x.code === code);
      docs = p && Array.isArray(p.documents) ? p.documents : [];
    }
    if ($("proc").value !== code) return; // chosen again meanwhile
    renderDocs(docs.map((d) => (typeof d === "string" ? { name: d, required: false } : { name: str(d && d.name, 300), required: !!(d && d.required) }))
      .filter((d) => d.name));
  }
  function num(field, value, label) {
    const i = el("input");
    i.type = "number"; i.min = "0"; i.max = "99"; i.step = "1"; i.value = String(value);
    i.dataset.field = field;
    i.setAttribute("aria-label", label);
    return i;
  }
  function renderDocs(docs) {
    st.docs = docs;
    const body = $("docs-body");
    body.textContent = "";
    docs.forEach((d, i) => {
      const tr = el("tr");
      const cb = el("input");
      cb.type = "checkbox"; cb.dataset.field = `documents.${i}.checked`;
      cb.setAttribute("aria-label", d.name);
      const name = el("td");
      const lab = el("span", null, d.name);
      name.append(lab);
      if (d.required) name.append(" ", el("span", "req", t("required")));
      const err = el("p", "ferr hidden");
      err.dataset.for = `documents.${i}`;
      err.setAttribute("role", "alert");
      name.append(err);
      const c1 = el("td"); c1.append(cb);
      const c3 = el("td"); c3.append(num(`documents.${i}.originals`, 1, d.name + ": " + t("d_orig")));
      const c4 = el("td"); c4.append(num(`documents.${i}.copies`, 0, d.name + ": " + t("d_copy")));
      tr.append(c1, name, c3, c4);
      body.append(tr);
    });
    show($("docs"), docs.length > 0);
    show($("docs-none"), $("proc").value !== "" && docs.length === 0);
  }

  function body() {
    const v = (id) => $(id).value.trim();
    const b = {
      item_id: st.item,
      applicant: { name: v("a-name"), address: v("a-addr"), phone: v("a-phone"), id_number: v("a-id") },
      procedure_code: $("proc").value,
      documents: st.docs.map((d, i) => {
        const q = (f) => $("docs-body").querySelector(`[data-field="documents.${i}.${f}"]`);
        return { name: d.name, originals: parseInt(q("originals").value, 10) || 0,
          copies: parseInt(q("copies").value, 10) || 0, checked: q("checked").checked };
      }),
      fees_vnd: 0,
      agency_code: v("agency"),
      service: ($("reg").querySelector("input[name=service]:checked") || {}).value || "send",
      seal_intact: $("seal").checked,
    };
    if (v("fee-no")) b.fee_receipt_no = v("fee-no");
    if (b.service !== "send") b.return_address = v("ret-addr");
    if (st.verdict && st.verdict.overridable) b.override_reason = v("override");
    if (station) b.station = station;
    return b;
  }

  async function submit(ev) {
    ev.preventDefault();
    const f = $("reg");
    P.clearErrors(f);
    show($("form-msg"), false);
    const b = body();
    // What the page can tell at once; the API checks everything again.
    const fees = $("fees").value.replace(/[\s.,₫]/g, "");
    if (!/^\d{1,13}$/.test(fees)) { P.fieldError(f, "fees_vnd", t("fees_bad")); return; }
    b.fees_vnd = parseInt(fees, 10);
    if (st.verdict && st.verdict.overridable && !b.override_reason) { P.fieldError(f, "override_reason", t("ov_required")); return; }
    $("submit").disabled = true;
    P.message($("form-msg"), "info", t("saving"));
    // One key per registration: a resubmit of the same form after no
    // answer reuses it (the daemon then replays the first reply); any
    // other submit gets a new one.
    const sent = JSON.stringify(b);
    if (!st.pending || st.pending.body !== sent) st.pending = { body: sent, key: P.newKey() };
    const r = await P.api("POST", "/api/v1/postal/items", b, false, st.pending.key);
    if (r.status !== 0) st.pending = null;
    $("submit").disabled = false;
    show($("form-msg"), false);
    if (r.status === 201 && r.body.created) {
      try { localStorage.setItem(AGENCY_KEY, b.agency_code); } catch (e) { /* private mode */ }
      done(r.body);
    } else if (r.status === 200 && r.body.created === false) {
      showExisting(r.body);
    } else {
      const msg = r.error.message;
      if (r.error.field && P.fieldError(f, r.error.field, msg)) P.message($("form-msg"), "bad", tf("fix_field", { msg }));
      else P.message($("form-msg"), "bad", tf("not_saved", { msg }));
    }
  }

  function done(r) {
    $("done-code").textContent = str(r.code, 64);
    $("done-item").textContent = str(r.item_id || st.item, 64);
    $("done-receipt").textContent = r.receipt_file ? tf("receipt_file", { path: str(r.receipt_file, 300) })
      : r.receipt_job != null ? tf("receipt_job", { id: str(r.receipt_job, 32) }) : t("receipt_none");
    $("done-receipt").className = "msg " + (r.receipt_file || r.receipt_job != null ? "ok" : "warn");
    if (!r.receipt_file && r.receipt_job != null) {
      const code = str(r.code, 64);
      P.watchJob(r.receipt_job, (state, outcome, ps) => {
        if ($("done-code").textContent !== code) return; // the next item is open
        jobMessage($("done-receipt"), "receipt", r.receipt_job, state, P.printText(state, outcome, ps));
      });
    }
    show($("s10-msg"), false);
    screen("done");
    $("done-next").focus();
  }

  // A print job's state in words: printed, waiting (with the printer's
  // reason), or failed.
  // outcome: the job's state in the page's language (P.printText)
  function jobMessage(box, what, id, state, outcome) {
    const vars = { id: str(id, 32), what: t("doc_" + what), outcome };
    if (state === "done") { box.textContent = tf("job_done", vars); box.className = box.className.replace(/\b(warn|bad)\b/, "ok"); }
    else if (state === "failed") { box.textContent = tf("job_failed", vars); box.className = box.className.replace(/\bok\b/, "bad"); }
    else if (outcome) box.textContent = tf("job_waiting", vars);
  }

  function next() {
    st.item = null; st.verdict = null; st.existing = null;
    $("reg").reset();
    screen(null);
    show($("s10-msg"), false);
    $("item").value = "";
    $("item").focus();
  }

  // --- the batch --------------------------------------------------------
  async function closeBatch() {
    $("close-batch").disabled = true;
    const r = await P.api("POST", "/api/v1/postal/batches/close", station ? { station } : {});
    $("close-batch").disabled = false;
    if (r.status === 409) { P.message($("batch-msg"), "info", t("batch_empty")); show($("manifest"), false); return; }
    if (r.status !== 201) { P.message($("batch-msg"), "bad", r.error.message); return; }
    const m = r.body;
    P.message($("batch-msg"), "ok", tf("batch_ok", { id: str(m.manifest_id, 32) }));
    $("m-id").textContent = str(m.manifest_id, 32);
    $("m-count").textContent = str(m.count, 16);
    $("m-fees").textContent = P.fmtVnd(m.fees_vnd);
    const ol = $("m-items");
    ol.textContent = "";
    (Array.isArray(m.items) ? m.items : []).forEach((i) => ol.append(el("li", null, typeof i === "string" ? i : str(i && i.item_id, 64))));
    $("m-print").textContent = m.print_job != null ? tf("m_printed", { id: str(m.print_job, 32) }) : t("m_noprint");
    if (m.print_job != null) {
      const mid = str(m.manifest_id, 32);
      P.watchJob(m.print_job, (state, outcome, ps) => {
        if ($("m-id").textContent === mid) jobMessage($("m-print"), "manifest", m.print_job, state, P.printText(state, outcome, ps));
      });
    }
    show($("manifest"), true);
    $("m-print-btn").focus();
  }

  const stationLabel = () => { $("station").textContent = station ? t("station") + ": " + station : ""; };
  function streamState(up) {
    st.streamUp = up;
    const s = $("stream");
    s.textContent = t(up ? "stream_on" : "stream_off");
    s.className = "stream " + (up ? "up" : "down");
  }
  // What the desk's scanner read (scanner/classify.h): only an S10 id
  // is an item; anything else is said, never guessed at.
  function onScan(d) {
    if (d.kind === "s10" && d.value) onItem(d.value);
    else if (d.kind === "unknown") P.message($("s10-msg"), "warn", tf("scan_unknown", { reason: P.reasonText(T, "sr_", d.reason) }));
    else P.message($("s10-msg"), "warn", tf("scan_other", { value: str(d.value, 64) }));
  }

  async function init() {
    $("scan-form").addEventListener("submit", (ev) => { ev.preventDefault(); onItem($("item").value); });
    $("reg").addEventListener("submit", submit);
    $("cancel").addEventListener("click", next);
    $("ex-next").addEventListener("click", next);
    $("done-next").addEventListener("click", next);
    $("close-batch").addEventListener("click", closeBatch);
    $("m-print-btn").addEventListener("click", () => window.print());
    $("reg").querySelectorAll("input[name=service]").forEach((r) => r.addEventListener("change", serviceChanged));
    $("proc-q").addEventListener("input", filterProcs);
    $("proc-q").addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" || ev.key === "Enter") {
        ev.preventDefault();
        const sel = $("proc");
        if (!sel.value && sel.options.length && !sel.options[0].disabled) { sel.selectedIndex = 0; procChosen(); }
        sel.focus();
      }
    });
    $("proc").addEventListener("change", procChosen);
    // Enter on the chosen procedure: on to its checklist (once loaded)
    $("proc").addEventListener("keydown", async (ev) => {
      if (ev.key !== "Enter") return;
      ev.preventDefault();
      if (st.loading) await st.loading;
      const first = $("docs-body").querySelector("input[type=checkbox]");
      (first || $("fees")).focus();
    });
    // Enter in a text field moves on instead of submitting half a form.
    $("reg").addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" || ev.target.tagName !== "INPUT" || ev.target.type === "search") return;
      ev.preventDefault();
      const all = [...$("reg").querySelectorAll("input, select, button")].filter((e) => !e.disabled && e.offsetParent !== null);
      const i = all.indexOf(ev.target);
      if (i >= 0 && i + 1 < all.length) all[i + 1].focus();
    });
    P.onLang(() => {
      stationLabel();
      if (st.streamUp !== null) streamState(st.streamUp);
      if (st.existing && !$("existing").classList.contains("hidden")) showExisting(st.existing);
      if (st.verdict && st.verdict.overridable && !$("reg").classList.contains("hidden"))
        $("ov-warn").textContent = P.reasonText(T, "r_", st.verdict.reason_code);
    });
    const s = await P.start(T, ["postal_clerk", "admin"]);
    if (!s) { show($("scan"), false); show($("batch"), false); return; }
    stationLabel();
    await loadProcs();
    P.stream(station, onScan, streamState);
    $("item").focus();
  }
  document.addEventListener("DOMContentLoaded", init);
})();
