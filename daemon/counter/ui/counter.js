// counter.js: the counter desk (docs/counter.md). Keyboard and scanner
// first: the cursor sits where the next scan or keystroke goes, Enter
// submits, Esc cancels, F2/F3/F4/F6 switch panes, and a scan from the
// desk's scanner (?station=NAME, the staff terminal's event stream) opens
// that dossier wherever the cursor is. Uses the staff pages' helpers
// (postal/ui/common.js: session, CSRF, API calls, field errors). Text from
// the daemon or a scanner goes in with textContent only.
"use strict";
(function () {
  const P = window.Postal;
  const { $, t, tf, show, str, el, fmtTime, api, newKey, message, clearErrors, fieldError } = P;

  const T = {
    vi: {
      title: "Bàn tiếp nhận và trả kết quả", logout: "Đăng xuất",
      tab_find: "F3 Tìm · quét", tab_intake: "F2 Tiếp nhận", tab_refuse: "F4 Từ chối tiếp nhận",
      tab_book: "F6 Sổ theo dõi",
      find_head: "Quét biên nhận hoặc tìm hồ sơ", find_label: "Mã hồ sơ, mã tra cứu hoặc tên",
      find_ph: "Quét biên nhận, nhập mã hồ sơ hoặc tên người nộp", go: "Tìm",
      c_code: "Mã hồ sơ", c_owner: "Người nộp", c_proc: "Thủ tục", c_status: "Trạng thái", c_due: "Hẹn trả",
      c_contact: "Liên hệ", c_received: "Nhận lúc", c_delivery: "Nhận kết quả", c_at: "Lúc", c_what: "Việc",
      c_by: "Người làm", c_reason: "Lý do", c_from: "Bên giao", c_to: "Bên nhận", c_note: "Ghi chú",
      dossier: "Hồ sơ", history: "Quá trình xử lý", handoffs: "Bàn giao (Mẫu 05)",
      no_handoffs: "Chưa có lần bàn giao nào.", confirm: "Xác nhận (Enter)", cancel: "Huỷ (Esc)",
      intake_head: "Tiếp nhận hồ sơ trực tiếp", procedure: "Thủ tục hành chính",
      proc_search: "Tìm thủ tục (tên hoặc mã, không cần dấu)", applicant: "Người nộp hồ sơ",
      a_name: "Họ và tên", a_id: "Số CCCD / định danh", a_phone: "Số điện thoại", a_email: "Thư điện tử",
      a_addr: "Địa chỉ", delivery: "Nhận kết quả", del_counter: "Tại Bộ phận Một cửa", del_post: "Qua bưu điện",
      summary: "Nội dung yêu cầu (nếu cần)", intake_submit: "Tiếp nhận và in biên nhận (Enter)",
      d_check: "Đã kiểm tra", d_name: "Giấy tờ", d_orig: "Bản chính", d_copy: "Bản sao",
      done_head: "Đã tiếp nhận", code: "Mã hồ sơ", token: "Mã tra cứu", open_card: "Mở hồ sơ",
      next: "Hồ sơ tiếp theo", refuse_head: "Từ chối tiếp nhận hồ sơ (Mẫu 03)",
      refuse_note: "Hồ sơ bị từ chối vẫn được ghi lại để người nộp có phiếu và cơ quan có số liệu.",
      reason: "Lý do", refuse_submit: "Ghi nhận từ chối (Enter)", book_head: "Sổ theo dõi hồ sơ (Mẫu 06)",
      from: "Từ ngày", to: "Đến ngày", book_view: "Xem và in",
      proc_info: "{days} ngày làm việc · lệ phí {fee}", no_docs: "Thủ tục này chưa có danh mục giấy tờ.",
      pick_proc: "Chọn một thủ tục", printed: "Biên nhận đang in (lệnh in số {job}).",
      no_print: "Không in biên nhận: máy in chưa bật.", print_state: "Lệnh in {job}: {state}",
      searching: "Đang tìm…", none_found: "Không tìm thấy hồ sơ nào.", found: "{n} hồ sơ",
      not_code: "Không phải mã hồ sơ hay mã tra cứu: tìm theo tên.",
      a_processing: "Chuyển xử lý", a_supp: "Yêu cầu bổ sung (Mẫu 02)", a_supp_done: "Đã nhận bổ sung",
      a_apology: "Xin lỗi, hẹn lại (Mẫu 04)", a_fees: "Yêu cầu nộp phí", a_stop: "Dừng xử lý",
      a_ready: "Đã có kết quả", a_refuse: "Từ chối (Mẫu 03)", a_handoff: "Bàn giao (Mẫu 05)",
      a_return: "Trả kết quả", a_accept: "Tiếp nhận",
      f_reason: "Lý do", f_items: "Giấy tờ cần bổ sung", f_unit: "Đơn vị chịu trách nhiệm",
      f_new_due: "Ngày hẹn trả mới", f_from: "Bên giao", f_to: "Bên nhận", f_note: "Ghi chú",
      f_collected: "Người nhận kết quả", f_id_checked: "Đã kiểm tra giấy tờ tùy thân của người nhận",
      done_action: "Đã ghi: {what}.", returned: "Đã trả kết quả cho {who}.",
      refused: "Đã ghi nhận từ chối: hồ sơ {code}.", session_ended: "Phiên đăng nhập đã hết: đăng nhập lại ở thẻ khác rồi bấm lại, dữ liệu đã nhập vẫn còn.",
      offline: "Không kết nối được máy chủ: dữ liệu đã nhập vẫn còn, bấm lại khi có mạng.",
      http_error: "Lỗi máy chủ ({n})", wrong_role: "Vai trò {role} không dùng được trang này.",
      stream_up: "Máy quét {s}", stream_down: "Máy quét {s}: mất kết nối", scanned: "Đã quét: {v}",
      bad_period: "Chọn từ ngày và đến ngày.", ev_intake: "Tiếp nhận", ev_status: "Đổi trạng thái",
      ev_supplement_request: "Yêu cầu bổ sung", ev_supplement_complete: "Nhận bổ sung", ev_apology: "Xin lỗi, hẹn lại",
      ev_import: "Nhập dữ liệu", refusal_reason: "Lý do từ chối: {r}", collected: "Người nhận kết quả: {who}",
      no_factor: "Chưa có số CCCD hay số điện thoại đủ 4 chữ số: người nộp sẽ chỉ tra cứu được bằng mã QR trên biên nhận, không tra cứu bằng mã hồ sơ tại kiosk. Nhập một trong hai, hoặc nhấn Enter lần nữa để vẫn tiếp nhận và in.",
      a5: "In khổ A5:", f_receipt: "Mẫu 01 biên nhận", f_supp: "Mẫu 02 bổ sung", f_refusal: "Mẫu 03 từ chối",
      f_apology: "Mẫu 04 xin lỗi", f_control: "Mẫu 05 phiếu kiểm soát",
    },
    en: {
      title: "Counter desk: intake and results", logout: "Sign out",
      tab_find: "F3 Find · scan", tab_intake: "F2 Intake", tab_refuse: "F4 Refuse at the counter",
      tab_book: "F6 Tracking book",
      find_head: "Scan a receipt or find a dossier", find_label: "Dossier code, lookup code or name",
      find_ph: "Scan a receipt, type a dossier code or the applicant's name", go: "Find",
      c_code: "Dossier code", c_owner: "Applicant", c_proc: "Procedure", c_status: "Status", c_due: "Due",
      c_contact: "Contact", c_received: "Received", c_delivery: "Result by", c_at: "At", c_what: "What",
      c_by: "By", c_reason: "Reason", c_from: "From", c_to: "To", c_note: "Note",
      dossier: "Dossier", history: "History", handoffs: "Hand-offs (form 05)",
      no_handoffs: "No hand-off yet.", confirm: "Confirm (Enter)", cancel: "Cancel (Esc)",
      intake_head: "In-person intake", procedure: "Procedure",
      proc_search: "Find a procedure (name or code, accents optional)", applicant: "Applicant",
      a_name: "Full name", a_id: "ID number", a_phone: "Phone", a_email: "E-mail",
      a_addr: "Address", delivery: "Result by", del_counter: "At the counter", del_post: "By post",
      summary: "Request (if needed)", intake_submit: "Register and print the receipt (Enter)",
      d_check: "Checked", d_name: "Document", d_orig: "Originals", d_copy: "Copies",
      done_head: "Registered", code: "Dossier code", token: "Lookup code", open_card: "Open the dossier",
      next: "Next dossier", refuse_head: "Refuse at the counter (form 03)",
      refuse_note: "A refused submission is still recorded: the applicant gets the paper and the office the count.",
      reason: "Reason", refuse_submit: "Record the refusal (Enter)", book_head: "Tracking book (form 06)",
      from: "From", to: "To", book_view: "View and print",
      proc_info: "{days} working days · fee {fee}", no_docs: "This procedure has no document list.",
      pick_proc: "Choose a procedure", printed: "The receipt is printing (job {job}).",
      no_print: "No receipt printed: the printer is off.", print_state: "Print job {job}: {state}",
      searching: "Searching…", none_found: "No dossier found.", found: "{n} dossiers",
      not_code: "Not a dossier or lookup code: searching by name.",
      a_processing: "To processing", a_supp: "Ask for documents (form 02)", a_supp_done: "Documents received",
      a_apology: "Apology, new date (form 04)", a_fees: "Fees due", a_stop: "Stop processing",
      a_ready: "Result ready", a_refuse: "Refuse (form 03)", a_handoff: "Hand-off (form 05)",
      a_return: "Return the result", a_accept: "Accept",
      f_reason: "Reason", f_items: "Documents missing", f_unit: "Unit responsible",
      f_new_due: "New due date", f_from: "From", f_to: "To", f_note: "Note",
      f_collected: "Collected by", f_id_checked: "I checked the collector's ID document",
      done_action: "Recorded: {what}.", returned: "Result handed to {who}.",
      refused: "Refusal recorded: dossier {code}.", session_ended: "The session ended: sign in again in another tab, then press again; what you typed is kept.",
      offline: "The server cannot be reached: what you typed is kept; press again when it is back.",
      http_error: "Server error ({n})", wrong_role: "The {role} role cannot use this page.",
      stream_up: "Scanner {s}", stream_down: "Scanner {s}: disconnected", scanned: "Scanned: {v}",
      bad_period: "Choose a from and a to date.", ev_intake: "Intake", ev_status: "Status change",
      ev_supplement_request: "Documents asked", ev_supplement_complete: "Documents received", ev_apology: "Apology, new date",
      ev_import: "Import", refusal_reason: "Refusal reason: {r}", collected: "Result collected by: {who}",
      no_factor: "No ID number or phone with at least 4 digits: the applicant will look the dossier up only with the receipt's QR, not by its code at the kiosk. Type one, or press Enter again to register and print anyway.",
      a5: "Print on A5:", f_receipt: "01 receipt", f_supp: "02 supplement", f_refusal: "03 refusal",
      f_apology: "04 apology", f_control: "05 control slip",
    },
  };

  const state = { pane: "find", dossier: null, procs: [], action: null, keys: {} };

  // --- panes and keys
  function go(pane) {
    state.pane = pane;
    for (const p of ["find", "intake", "refuse", "book"]) {
      show($(p), p === pane);
      $("tab-" + p).setAttribute("aria-current", String(p === pane));
    }
    if (pane !== "find") { show($("card"), false); show($("done"), false); }
    const first = { find: "find-in", intake: "i-proc-q", refuse: "r-name", book: "b-from" }[pane];
    $(first).focus();
  }
  function cancel() {
    if (!$("act").classList.contains("hidden")) { closeAction(); return; }
    if (state.pane === "intake" || state.pane === "refuse") { clearErrors($(state.pane)); go("find"); return; }
    show($("card"), false);
    $("find-in").value = "";
    $("find-in").focus();
  }
  document.addEventListener("keydown", (e) => {
    const k = { F2: "intake", F3: "find", F4: "refuse", F6: "book" }[e.key];
    if (k) { e.preventDefault(); go(k); return; }
    if (e.key === "Escape") { e.preventDefault(); cancel(); }
  });
  document.querySelectorAll("nav.tabs button").forEach((b) => b.addEventListener("click", () => go(b.dataset.go)));
  document.querySelectorAll("button.cancel").forEach((b) => b.addEventListener("click", cancel));

  // --- find: a code, token or lookup URL opens the card; other text is a name
  const looksScanned = (s) => /\/l\/[0-9A-Za-z]+$/.test(s) || /^[0-9A-Z]{16,32}$/i.test(s) || /\d{6}\s*[-–]\s*\d{1,4}$/.test(s);
  async function open(text) {
    const r = await api("GET", "/api/v1/counter/resolve?scan=" + encodeURIComponent(text));
    if (r.status !== 200) return r;
    return showDossier(str(r.body.code, 64));
  }
  async function showDossier(code) {
    const r = await api("GET", "/api/v1/dossiers/" + encodeURIComponent(code));
    if (r.status !== 200) return r;
    state.dossier = r.body;
    if (state.pane !== "find") go("find");
    show($("hits"), false);
    show($("done"), false);
    renderCard();
    return r;
  }
  async function find(text) {
    const box = $("find-msg");
    text = text.trim();
    if (!text) return;
    message(box, "info", t("searching"));
    if (looksScanned(text)) {
      const r = await open(text);
      if (r.status === 200) { message(box, "", ""); return; }
      if (r.status !== 400) { message(box, "bad", r.error.message); return; }
    }
    const r = await api("GET", "/api/v1/dossiers?limit=50&name=" + encodeURIComponent(text));
    if (r.status !== 200) { message(box, "bad", r.error.message); return; }
    const hits = Array.isArray(r.body.results) ? r.body.results : [];
    const tb = $("hits").querySelector("tbody");
    tb.replaceChildren();
    for (const h of hits) {
      const tr = el("tr");
      tr.tabIndex = 0;
      tr.append(el("td", "mono", h.code), el("td", "", h.owner_name), el("td", "", h.procedure_name),
        el("td", "", h.status_name), el("td", "", fmtTime(h.due_at)));
      const pick = () => showDossier(str(h.code, 64));
      tr.addEventListener("click", pick);
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(); });
      tb.append(tr);
    }
    show($("hits"), hits.length > 0);
    show($("card"), false);
    message(box, hits.length ? "info" : "warn", hits.length ? tf("found", { n: hits.length }) : t("none_found"));
    if (hits.length) tb.firstChild.focus();
  }
  $("find-form").addEventListener("submit", (e) => { e.preventDefault(); find($("find-in").value); });

  // --- the dossier's card and its actions
  const label = (d) => (P.lang() === "en" ? d.status_label_en : d.status_label_vi);
  function renderCard() {
    const d = state.dossier;
    if (!d) return;
    $("d-code").textContent = str(d.code, 64);
    const b = $("d-status");
    b.textContent = str(label(d), 80);
    b.className = "badge s" + Number(d.status);
    $("d-proc").textContent = str(d.procedure_name);
    $("d-owner").textContent = str(d.owner_name);
    $("d-contact").textContent = [d.address, d.phone, d.email].filter((x) => x).map((x) => str(x)).join(" · ");
    $("d-received").textContent = fmtTime(d.received_at);
    $("d-due").textContent = fmtTime(d.due_at);
    $("d-delivery").textContent = t(d.delivery_name === "post" ? "del_post" : "del_counter");
    const extra = [];
    if (d.refusal_reason) extra.push(tf("refusal_reason", { r: str(d.refusal_reason) }));
    if (d.collected_by) extra.push(tf("collected", { who: str(d.collected_by) }));
    $("d-extra").textContent = extra.join(" · ");
    // the A5 pages of the forms this dossier has (printer/formhtml.c)
    const a5 = $("d-a5");
    a5.querySelectorAll("a").forEach((x) => x.remove());
    const kinds = (Array.isArray(d.events) ? d.events : []).map((x) => x.kind);
    for (const [kind, key, has] of [["receipt", "f_receipt", d.status !== 3], ["supplement", "f_supp", kinds.includes("supplement_request")],
      ["refusal", "f_refusal", d.status === 3], ["apology", "f_apology", kinds.includes("apology")], ["control", "f_control", true]]) {
      if (!has) continue;
      const a = el("a", "a5link", t(key));
      a.href = "/api/v1/print/a5/" + kind + "/" + encodeURIComponent(d.code);
      a.target = "_blank";
      a.rel = "noopener";
      a5.append(a);
    }
    const ev = $("d-events").querySelector("tbody");
    ev.replaceChildren();
    for (const e of Array.isArray(d.events) ? d.events : []) {
      const what = T.vi["ev_" + e.kind] ? t("ev_" + e.kind) : str(e.kind, 40);
      ev.append(el("tr", "", null));
      ev.lastChild.append(el("td", "mono", fmtTime(e.at)), el("td", "", e.new_status ? what + " → " + e.new_status : what),
        el("td", "", e.actor), el("td", "", e.reason));
    }
    const ho = $("d-handoffs").querySelector("tbody");
    ho.replaceChildren();
    const hs = Array.isArray(d.handoffs) ? d.handoffs : [];
    for (const h of hs) {
      const tr = el("tr");
      tr.append(el("td", "mono", fmtTime(h.at)), el("td", "", h.from), el("td", "", h.to), el("td", "", h.note));
      ho.append(tr);
    }
    show($("d-noho"), hs.length === 0);
    show($("d-handoffs"), hs.length > 0);
    renderActions();
    show($("card"), true);
  }

  // What each status allows (the graph of docs/domain.md), and what each
  // action asks for. A field: [name, label key, type].
  const ACTIONS = {
    accept: { to: 2, fields: [] },
    processing: { to: 4, fields: [] },
    supp: { fields: [["reason", "f_reason"], ["items", "f_items"]] },
    supp_done: { fields: [] },
    apology: { fields: [["reason", "f_reason"], ["unit", "f_unit"], ["new_due_at", "f_new_due", "datetime-local"]] },
    fees: { to: 6, fields: [["reason", "f_reason"]] },
    stop: { to: 8, fields: [["reason", "f_reason"]] },
    ready: { to: 9, fields: [] },
    refuse: { to: 3, fields: [["reason", "f_reason"]] },
    handoff: { fields: [["from", "f_from"], ["to", "f_to"], ["note", "f_note"]] },
    return: { fields: [["collected_by", "f_collected"], ["id_checked", "f_id_checked", "checkbox"]] },
  };
  const BY_STATUS = {
    1: ["accept", "refuse"], 2: ["processing", "handoff"], 4: ["supp", "apology", "fees", "ready", "stop", "handoff"],
    5: ["supp_done", "apology", "handoff"], 6: ["processing", "ready", "apology", "handoff"], 9: ["return", "handoff"],
  };
  const KEY = { accept: "a_accept", processing: "a_processing", supp: "a_supp", supp_done: "a_supp_done",
    apology: "a_apology", fees: "a_fees", stop: "a_stop", ready: "a_ready", refuse: "a_refuse",
    handoff: "a_handoff", return: "a_return" };
  function renderActions() {
    const bar = $("d-actions");
    bar.replaceChildren();
    for (const a of BY_STATUS[state.dossier.status] || []) {
      if (a === "return" && state.dossier.delivery_name === "post") continue; // the postal pages'
      const b = el("button", a === "return" ? "primary" : "", t(KEY[a]));
      b.type = "button";
      b.id = "a-" + a;
      b.addEventListener("click", () => openAction(a));
      bar.append(b);
    }
  }
  function openAction(a) {
    state.action = a;
    const f = $("act");
    clearErrors(f);
    message($("act-msg"), "bad", "");
    message($("card-msg"), "", "");
    $("act-h").textContent = t(KEY[a]);
    const box = $("act-fields");
    box.replaceChildren();
    for (const [name, key, type] of ACTIONS[a].fields) {
      const div = el("div", name === "reason" || name === "items" ? "wide" : "");
      const id = "f-" + name;
      const input = el("input");
      input.id = id;
      input.dataset.field = name;
      input.type = type || "text";
      if (!type) input.maxLength = 2000;
      const lab = el("label", type === "checkbox" ? "radio" : "", null);
      lab.htmlFor = id;
      if (type === "checkbox") lab.append(input, el("span", "", t(key)));
      else lab.textContent = t(key);
      div.append(lab);
      if (type !== "checkbox") div.append(input);
      const err = el("p", "ferr hidden");
      err.dataset.for = name;
      err.setAttribute("role", "alert");
      div.append(err);
      box.append(div);
    }
    if (a === "handoff") $("f-from").value = t("del_counter");
    show(f, true);
    const first = box.querySelector("input");
    (first || $("act-ok")).focus();
  }
  function closeAction() {
    show($("act"), false);
    state.action = null;
    const b = $("d-actions").querySelector("button");
    (b || $("find-in")).focus();
  }
  const val = (name) => { const e = $("f-" + name); return e ? (e.type === "checkbox" ? e.checked : e.value.trim()) : undefined; };
  // datetime-local "YYYY-MM-DDTHH:MM" in the office's zone (+07:00)
  const iso = (v) => (v ? v + ":00+07:00" : undefined);
  async function submitAction() {
    const a = state.action, d = state.dossier, code = encodeURIComponent(d.code);
    const opt = (v) => (v === "" ? undefined : v);
    let r;
    if (a === "supp") r = await api("POST", `/api/v1/dossiers/${code}/supplement`, { action: "request", reason: val("reason"), items: opt(val("items")) });
    else if (a === "supp_done") r = await api("POST", `/api/v1/dossiers/${code}/supplement`, { action: "complete" });
    else if (a === "apology") r = await api("POST", `/api/v1/dossiers/${code}/apology`, { reason: val("reason"), unit: opt(val("unit")), new_due_at: iso(val("new_due_at")) });
    else if (a === "handoff") r = await api("POST", `/api/v1/dossiers/${code}/handoffs`, { from: val("from"), to: val("to"), note: opt(val("note")) }, false, state.keys.handoff || (state.keys.handoff = newKey()));
    else if (a === "return") r = await api("POST", "/api/v1/returns", { scan: d.code, collected_by: val("collected_by"), id_checked: val("id_checked") });
    else r = await api("POST", `/api/v1/dossiers/${code}/status`, { status: ACTIONS[a].to, reason: opt(val("reason")) || t(KEY[a]) });
    if (r.status < 200 || r.status >= 300) {
      if (!fieldError($("act"), r.error.field, r.error.message)) message($("act-msg"), "bad", r.error.message);
      return;
    }
    delete state.keys.handoff;
    const who = a === "return" ? val("collected_by") : "";
    show($("act"), false);
    state.action = null;
    await showDossier(d.code);
    message($("card-msg"), "ok", a === "return" ? tf("returned", { who }) : tf("done_action", { what: t(KEY[a]) }));
    const b = $("d-actions").querySelector("button");
    (b || $("find-in")).focus();
  }
  $("act").addEventListener("submit", (e) => { e.preventDefault(); submitAction(); });
  $("act-cancel").addEventListener("click", closeAction);

  // --- procedures (intake and refusal share the list)
  async function loadProcs(q) {
    const r = await api("GET", "/api/v1/procedures" + (q ? "?q=" + encodeURIComponent(q) : ""));
    return r.status === 200 && Array.isArray(r.body.procedures) ? r.body.procedures : [];
  }
  function fillSelect(sel, procs) {
    const keep = sel.value;
    sel.replaceChildren();
    for (const p of procs) {
      const o = el("option", "", str(p.code, 64) + " · " + str(p.name));
      o.value = str(p.code, 64);
      sel.append(o);
    }
    if (procs.some((p) => p.code === keep)) sel.value = keep;
    else if (procs.length === 1) sel.value = procs[0].code;
  }
  function procInfo() {
    const p = state.procs.find((x) => x.code === $("i-proc").value);
    const tb = $("i-docs").querySelector("tbody");
    tb.replaceChildren();
    if (!p) { $("i-proc-info").textContent = t("pick_proc"); show($("i-docs"), false); return; }
    $("i-proc-info").textContent = tf("proc_info", { days: p.days, fee: P.fmtVnd(p.fee) }) +
      (Array.isArray(p.documents) && p.documents.length ? "" : " · " + t("no_docs"));
    for (const name of Array.isArray(p.documents) ? p.documents : []) {
      const tr = el("tr");
      const c = el("input");
      c.type = "checkbox";
      const cell = el("td");
      cell.append(c);
      const o = el("input"), k = el("input");
      o.type = k.type = "number";
      o.min = k.min = "0";
      o.value = "1";
      k.value = "0";
      const co = el("td"), ck = el("td");
      co.append(o);
      ck.append(k);
      tr.append(cell, el("td", "", name), co, ck);
      tb.append(tr);
    }
    show($("i-docs"), tb.childElementCount > 0);
  }
  let procTimer = 0;
  $("i-proc-q").addEventListener("input", () => {
    clearTimeout(procTimer);
    procTimer = setTimeout(async () => {
      state.procs = await loadProcs($("i-proc-q").value.trim());
      fillSelect($("i-proc"), state.procs);
      procInfo();
    }, 150);
  });
  $("i-proc-q").addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); $("i-proc").focus(); }
  });
  $("i-proc").addEventListener("change", procInfo);
  for (const id of ["i-id", "i-phone"]) $(id).addEventListener("input", () => { state.noFactorOk = false; });

  // --- intake: the form stays as typed until the daemon says it is done
  $("intake").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = $("intake");
    clearErrors(f);
    message($("i-msg"), "bad", "");
    const body = { procedure_code: $("i-proc").value || undefined, owner_name: $("i-name").value.trim() };
    for (const [k, id] of [["owner_id_no", "i-id"], ["phone", "i-phone"], ["email", "i-email"],
      ["address", "i-addr"], ["summary", "i-summary"]]) {
      const v = $(id).value.trim();
      if (v) body[k] = v;
    }
    body.delivery = $("i-delivery").value;
    // the kiosk's second factor is the last digits of the ID number or
    // the phone: without a usable one, the applicant can look the dossier
    // up only with the receipt's QR. Say so before the receipt prints; a
    // second Enter goes ahead. Which one it is, the daemon says by the
    // rule intake records (POST /api/v1/counter/factor, core/factor.h):
    // the page has no copy of it.
    if (!state.noFactorOk) {
      const fr = await api("POST", "/api/v1/counter/factor",
        { owner_id_no: body.owner_id_no, phone: body.phone });
      if (fr.status !== 200) {
        if (!fieldError(f, fr.error.field, fr.error.message)) message($("i-msg"), "bad", fr.error.message);
        return;
      }
      if (fr.body.kiosk_factor === "none") {
        state.noFactorOk = true;
        message($("i-msg"), "warn", t("no_factor"));
        $("i-id").focus();
        return;
      }
    }
    state.keys.intake = state.keys.intake || newKey();
    const btn = $("i-submit");
    btn.disabled = true;
    const r = await api("POST", "/api/v1/dossiers", body, false, state.keys.intake);
    btn.disabled = false;
    if (r.status !== 201) {
      if (!fieldError(f, r.error.field, r.error.message)) message($("i-msg"), "bad", r.error.message);
      return;
    }
    delete state.keys.intake;
    state.noFactorOk = false;
    f.reset();
    $("i-docs").querySelector("tbody").replaceChildren();
    $("done-code").textContent = str(r.body.code, 64);
    $("done-due").textContent = fmtTime(r.body.due_at);
    $("done-token").textContent = str(r.body.token, 64);
    const job = r.body.print_job;
    message($("done-print"), job ? "info" : "warn", job ? tf("printed", { job }) : t("no_print"));
    if (job) P.watchJob(job, (st, out, ps) => message($("done-print"), st === "failed" ? "bad" : st === "done" ? "ok" : "info",
      tf("print_state", { job, state: P.printText(st, out, ps) })));
    state.lastCode = str(r.body.code, 64);
    show(f, false);
    show($("done"), true);
    $("done-next").focus();
  });
  $("done-next").addEventListener("click", () => { show($("done"), false); go("intake"); });
  $("done-open").addEventListener("click", () => showDossier(state.lastCode));

  // --- refusal at the counter
  $("refuse").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = $("refuse");
    clearErrors(f);
    message($("r-msg"), "bad", "");
    const body = { procedure_code: $("r-proc").value || undefined, owner_name: $("r-name").value.trim(),
      reason: $("r-reason").value.trim() };
    if ($("r-phone").value.trim()) body.phone = $("r-phone").value.trim();
    state.keys.refuse = state.keys.refuse || newKey();
    const r = await api("POST", "/api/v1/refusals", body, false, state.keys.refuse);
    if (r.status !== 201) {
      if (!fieldError(f, r.error.field, r.error.message)) message($("r-msg"), "bad", r.error.message);
      return;
    }
    delete state.keys.refuse;
    f.reset();
    message($("r-msg"), "ok", tf("refused", { code: str(r.body.code, 64) }));
    $("r-name").focus();
  });

  // --- the tracking book: links to the report route, today by default
  function bookLinks() {
    const from = $("b-from").value, to = $("b-to").value;
    for (const fmt of ["html", "csv", "xlsx"]) {
      $("b-" + fmt).href = from && to ? `/api/v1/reports/book?from=${from}&to=${to}&format=${fmt}` : "#";
    }
    message($("b-msg"), "warn", from && to ? "" : t("bad_period"));
  }
  $("b-from").addEventListener("change", bookLinks);
  $("b-to").addEventListener("change", bookLinks);

  // --- scans from the desk's scanner open the dossier, wherever the cursor is
  function onScan(s) {
    const v = str(s.value, 512);
    message($("find-msg"), "info", tf("scanned", { v }));
    open(v).then((r) => { if (r.status !== 200) message($("find-msg"), "bad", r.error.message); });
  }

  P.start(T, ["office_staff", "admin"]).then(async (s) => {
    if (!s) return;
    const station = P.stationParam();
    if (station) {
      $("station").textContent = station;
      P.stream(station, onScan, (up) => {
        const e = $("stream");
        e.className = "stream " + (up ? "up" : "down");
        e.textContent = tf(up ? "stream_up" : "stream_down", { s: station });
      });
    }
    const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    $("b-from").value = $("b-to").value = today;
    bookLinks();
    state.procs = await loadProcs("");
    fillSelect($("i-proc"), state.procs);
    fillSelect($("r-proc"), state.procs);
    procInfo();
    P.onLang(() => { renderCard(); procInfo(); });
    go("find");
  });
})();
