// office.js: the one-stop office's manifest reconciliation page
// (docs/postal.md). Scan or type a manifest id -> its view; then scan or
// type each packet's item id -> receive; resolve each discrepancy; sign.
"use strict";
(function () {
  const P = window.Postal;
  const { $, t, tf, show, str, el } = P;
  const T = {
    vi: {
      title: "Nhận hồ sơ bưu chính theo bảng kê", logout: "Đăng xuất",
      scan_head: "Quét hoặc nhập mã bảng kê, rồi mã từng bưu gửi", scan_manifest: "Mã bảng kê",
      scan_item: "Mã bưu gửi (hoặc mã bảng kê khác)", go: "Nhập",
      manifest: "Bảng kê", expected: "Theo bảng kê", missing: "Thiếu (chưa đến)", unexpected: "Ngoài bảng kê", none: "Không có.",
      c_item: "Mã bưu gửi", c_code: "Mã hồ sơ", c_state: "Tình trạng", c_at: "Nhận lúc", c_manifest: "Bảng kê",
      c_closed: "Lập lúc", c_count: "Số bưu gửi", c_arrived: "Đã đến", c_missing: "Thiếu", c_unexpected: "Ngoài bảng kê",
      n_expected: "Theo bảng kê", n_arrived: "Đã đến", n_missing: "Thiếu", n_unexpected: "Ngoài bảng kê",
      s_open: "chưa nhận", s_receiving: "đang nhận", s_discrepancies: "có sai lệch", s_reconciled: "đã đối soát xong",
      i_registered: "đã đăng ký", i_in_manifest: "chờ nhận", i_accepted: "đã nhận", i_missing: "thiếu", i_resolved: "đã xử lý",
      meta: "Lập lúc {at} · tổng phí, lệ phí {fees}",
      r_accepted: "Đã nhận {id} (hồ sơ {code}).", r_already: "{id} đã được nhận trước đó: không ghi lại lần hai.",
      r_unexpected: "{id} không có trong bảng kê này: đã ghi là bưu gửi ngoài bảng kê.",
      bad_id: "Không nhận: {reason}", no_manifest: "Hãy quét mã bảng kê trước.", opened: "Đã mở bảng kê {id}. Quét từng bưu gửi.",
      resolution: "Cách xử lý", res_arrived_late: "Đến muộn", res_lost: "Thất lạc", res_returned: "Trả lại người gửi",
      reason: "Lý do", resolve: "Ghi nhận", choose: "— Chọn cách xử lý —", choose_required: "Hãy chọn cách xử lý.", resolved_as: "{res}: {reason} ({by}, {at})", reason_required: "Phải nhập lý do.",
      sign_head: "Ký biên bản bàn giao", giver: "Người giao (nhân viên bưu chính)", receiver: "Người nhận (cán bộ một cửa)",
      sign: "Ký xác nhận", signed: "Đã ký lúc {at}: người giao {giver}, người nhận {receiver}.",
      name_required: "Phải nhập họ tên.", close_view: "Đóng bảng kê này",
      list_head: "Các bảng kê", list_none: "Chưa có bảng kê nào.",
      stream_on: "Máy quét: đã kết nối", stream_off: "Máy quét: mất kết nối (vẫn nhập tay được)", station: "Quầy",
      session_ended: "Phiên đăng nhập đã hết. Đăng nhập lại ở một thẻ mới (/staff/login), rồi làm lại thao tác này.",
      offline: "Không kết nối được với máy chủ.", http_error: "Lỗi máy chủ (HTTP {n}).",
      wrong_role: "Tài khoản này ({role}) không được dùng trang nhận bảng kê.",
      scan_unknown: "Máy quét không đọc được mã ({reason}). Quét lại hoặc nhập tay.",
      sr_empty: "trống", sr_not_utf_8: "không phải văn bản UTF-8", sr_control_bytes: "có ký tự điều khiển",
      sr_too_long: "quá dài", sr_no_known_format: "không đúng dạng mã nào đã biết", sr_other: "không rõ lý do",
      scan_other: "{value} không phải mã bảng kê hay mã bưu gửi.",
    },
    en: {
      title: "Postal manifest reconciliation", logout: "Log out",
      scan_head: "Scan or type the manifest id, then each item id", scan_manifest: "Manifest id",
      scan_item: "Item id (or another manifest id)", go: "Enter",
      manifest: "Manifest", expected: "On the manifest", missing: "Missing (not arrived)", unexpected: "Not on the manifest", none: "None.",
      c_item: "Item id", c_code: "Dossier code", c_state: "State", c_at: "Received at", c_manifest: "Manifest",
      c_closed: "Closed at", c_count: "Items", c_arrived: "Arrived", c_missing: "Missing", c_unexpected: "Unexpected",
      n_expected: "Expected", n_arrived: "Arrived", n_missing: "Missing", n_unexpected: "Unexpected",
      s_open: "not received yet", s_receiving: "receiving", s_discrepancies: "discrepancies", s_reconciled: "reconciled",
      i_registered: "registered", i_in_manifest: "awaited", i_accepted: "received", i_missing: "missing", i_resolved: "resolved",
      meta: "Closed at {at} · fees total {fees}",
      r_accepted: "Received {id} (dossier {code}).", r_already: "{id} was already received: nothing recorded twice.",
      r_unexpected: "{id} is not on this manifest: recorded as an unexpected packet.",
      bad_id: "Refused: {reason}", no_manifest: "Scan the manifest first.", opened: "Manifest {id} open. Scan each item.",
      resolution: "Resolution", res_arrived_late: "Arrived late", res_lost: "Lost", res_returned: "Returned to sender",
      reason: "Reason", resolve: "Record", choose: "— Choose a resolution —", choose_required: "Choose a resolution.", resolved_as: "{res}: {reason} ({by}, {at})", reason_required: "A reason is required.",
      sign_head: "Sign the handover record", giver: "Handed over by (postal clerk)", receiver: "Received by (office staff)",
      sign: "Sign", signed: "Signed at {at}: handed over by {giver}, received by {receiver}.",
      name_required: "A full name is required.", close_view: "Close this manifest",
      list_head: "Manifests", list_none: "No manifests yet.",
      stream_on: "Scanner: connected", stream_off: "Scanner: not connected (typing still works)", station: "Station",
      session_ended: "The session has ended. Sign in again in a new tab (/staff/login), then do this again.",
      offline: "Cannot reach the server.", http_error: "Server error (HTTP {n}).",
      wrong_role: "This account ({role}) may not use the manifest reconciliation page.",
      scan_unknown: "The scanner could not read a code ({reason}). Scan again or type it.",
      sr_empty: "empty", sr_not_utf_8: "not UTF-8 text", sr_control_bytes: "control bytes",
      sr_too_long: "too long", sr_no_known_format: "no known format", sr_other: "no reason given",
      scan_other: "{value} is neither a manifest id nor an item id.",
    },
  };
  const station = P.stationParam();
  const MANIFEST_RE = /^BK\d{8}-\d{4}$/;
  // drafts: what is typed in the open resolve forms, kept across the
  // re-render that every scan causes
  const st = { m: null, list: [], streamUp: null, drafts: new Map() };
  const itemOf = (x) => (typeof x === "string" ? { item_id: x } : x && typeof x === "object" ? x : { item_id: "" });

  // --- scanning -----------------------------------------------------------
  function scanLabel() {
    const on = !!st.m;
    $("scan-label").textContent = t(on ? "scan_item" : "scan_manifest");
    $("scan-label").dataset.t = on ? "scan_item" : "scan_manifest";
  }
  async function onInput(raw) {
    const v = str(raw, 64).replace(/\s+/g, "").toUpperCase();
    if (!v) return;
    $("scan-in").value = "";
    if (MANIFEST_RE.test(v)) { await openManifest(v); return; }
    if (!st.m) { P.message($("scan-msg"), "warn", t("no_manifest")); return; }
    await receive(v);
  }

  async function openManifest(id) {
    const r = await P.api("GET", "/api/v1/postal/manifests/" + encodeURIComponent(id));
    if (r.status !== 200) { P.message($("scan-msg"), "bad", r.error.message); return; }
    st.m = r.body;
    render();
    P.message($("scan-msg"), "info", tf("opened", { id }));
    scanLabel();
    $("scan-in").focus();
  }
  async function reload() {
    if (!st.m) return;
    const r = await P.api("GET", "/api/v1/postal/manifests/" + encodeURIComponent(st.m.id));
    if (r.status === 200) { st.m = r.body; render(); }
    loadList();
  }

  async function receive(item) {
    const r = await P.api("POST", "/api/v1/postal/manifests/" + encodeURIComponent(st.m.id) + "/receive", { item_id: item });
    if (r.status !== 200 && r.status !== 201) {
      P.message($("scan-msg"), "bad", tf("bad_id", { reason: r.error.message }));
      return;
    }
    const b = r.body, id = str(b.item_id || item, 64);
    if (b.result === "accepted") P.message($("scan-msg"), "ok", tf("r_accepted", { id, code: str(b.code, 64) }));
    else if (b.result === "already") P.message($("scan-msg"), "info", tf("r_already", { id }));
    else P.message($("scan-msg"), "warn", tf("r_unexpected", { id }));
    await reload();
    $("scan-in").focus();
  }

  // --- the manifest view ----------------------------------------------------
  function cell(tr, text, cls) { tr.append(el("td", cls, text)); }
  function render() {
    const m = st.m;
    if (!m) { show($("view"), false); return; }
    show($("view"), true);
    $("v-id").textContent = str(m.id, 32);
    const state = str(m.state, 32);
    $("v-state").textContent = t("s_" + state) || state;
    $("v-state").className = "badge " + state;
    $("v-meta").textContent = tf("meta", { at: P.fmtTime(m.closed_at), fees: P.fmtVnd(m.fees_vnd) });
    const exp = Array.isArray(m.expected) ? m.expected.map(itemOf) : [];
    const arr = Array.isArray(m.arrived) ? m.arrived : [];
    const mis = Array.isArray(m.missing) ? m.missing.map(itemOf) : [];
    const unx = Array.isArray(m.unexpected) ? m.unexpected.map(itemOf) : [];
    const counts = $("v-counts");
    counts.textContent = "";
    for (const [k, n, cls] of [["n_expected", exp.length, ""], ["n_arrived", arr.length, "ok"],
      ["n_missing", mis.length, mis.length ? "bad" : ""], ["n_unexpected", unx.length, unx.length ? "warn" : ""]]) {
      const li = el("li", cls);
      li.append(el("b", null, String(n)), " ", el("span", null, t(k)));
      li.dataset.count = k.slice(2);
      counts.append(li);
    }
    const tb = $("t-expected").querySelector("tbody");
    tb.textContent = "";
    for (const it of exp) {
      const tr = el("tr", str(it.state, 32));
      cell(tr, str(it.item_id, 64), "mono");
      cell(tr, str(it.code, 64), "mono");
      cell(tr, T[P.lang()]["i_" + str(it.state, 32)] || str(it.state, 32));
      cell(tr, P.fmtTime(it.arrived_at));
      tr.dataset.item = str(it.item_id, 64);
      tb.append(tr);
    }
    const disc = Array.isArray(m.discrepancies) ? m.discrepancies : [];
    discList($("l-missing"), $("none-missing"), mis, "missing", disc);
    discList($("l-unexpected"), $("none-unexpected"), unx, "unexpected", disc);
    const s = m.signatories && typeof m.signatories === "object" ? m.signatories : null;
    show($("signed"), !!s);
    show($("sign-fields"), !s);
    show($("sign-btn"), !s);
    if (s) $("signed").textContent = tf("signed", { at: P.fmtTime(s.signed_at), giver: str(s.giver, 200), receiver: str(s.receiver, 200) });
  }

  // One entry per discrepancy: resolved ones say how; open ones get a
  // resolution, a reason and a button.
  function discList(ul, none, items, kind, disc) {
    ul.textContent = "";
    show(none, items.length === 0);
    for (const it of items) {
      const id = str(it.item_id, 64);
      const d = disc.find((x) => x && x.item_id === id && (!x.kind || x.kind === kind)) || {};
      const res = d.resolution || it.resolution || null;
      const li = el("li");
      li.dataset.item = id;
      li.append(el("span", "mono", id));
      if (it.code) li.append(" ", el("span", "mono note", str(it.code, 64)));
      if (res) {
        li.classList.add("resolved");
        li.append(el("p", "note", tf("resolved_as", { res: t("res_" + str(res, 32)), reason: str(d.reason, 300),
          by: str(d.by, 64), at: P.fmtTime(d.at) })));
      } else {
        li.append(resolveForm(id, kind));
      }
      ul.append(li);
    }
  }
  function resolveForm(id, kind) {
    const f = el("form", "resolve");
    f.noValidate = true;
    const sel = el("select");
    sel.setAttribute("aria-label", t("resolution") + " " + id);
    sel.dataset.field = "resolution";
    // no default: a resolution is always a choice
    const none = el("option", null, t("choose"));
    none.value = "";
    sel.append(none);
    for (const o of ["arrived_late", "lost", "returned"]) { const e = el("option", null, t("res_" + o)); e.value = o; sel.append(e); }
    const reason = el("input");
    reason.maxLength = 500;
    reason.placeholder = t("reason");
    reason.setAttribute("aria-label", t("reason") + " " + id);
    reason.dataset.field = "reason";
    const b = el("button", null, t("resolve"));
    b.type = "submit";
    const errs = ["resolution", "reason"].map((k) => {
      const e = el("p", "ferr hidden");
      e.dataset.for = k;
      e.setAttribute("role", "alert");
      return e;
    });
    f.append(sel, reason, b, ...errs);
    const key = st.m.id + " " + kind + " " + id, draft = st.drafts.get(key);
    if (draft) { sel.value = draft.res; reason.value = draft.reason; }
    const keep = () => st.drafts.set(key, { res: sel.value, reason: reason.value });
    sel.addEventListener("change", keep);
    reason.addEventListener("input", keep);
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      P.clearErrors(f);
      if (!sel.value) { P.fieldError(f, "resolution", t("choose_required")); return; }
      if (!reason.value.trim()) { P.fieldError(f, "reason", t("reason_required")); return; }
      b.disabled = true;
      const r = await P.api("POST", "/api/v1/postal/manifests/" + encodeURIComponent(st.m.id) + "/resolve",
        { item_id: id, resolution: sel.value, reason: reason.value.trim() });
      b.disabled = false;
      if (r.status !== 200) {
        if (!(r.error.field && P.fieldError(f, r.error.field, r.error.message))) P.fieldError(f, "reason", r.error.message);
        return;
      }
      st.drafts.delete(key);
      if (r.body && r.body.id) { st.m = r.body; render(); }
      await reload();
      $("scan-in").focus();
    });
    return f;
  }

  async function sign(ev) {
    ev.preventDefault();
    const f = $("sign");
    P.clearErrors(f);
    show($("sign-msg"), false);
    const giver = $("giver").value.trim(), receiver = $("receiver").value.trim();
    if (!giver) { P.fieldError(f, "giver", t("name_required")); return; }
    if (!receiver) { P.fieldError(f, "receiver", t("name_required")); return; }
    const r = await P.api("POST", "/api/v1/postal/manifests/" + encodeURIComponent(st.m.id) + "/sign", { giver, receiver });
    if (r.status !== 200) {
      if (!(r.error.field && P.fieldError(f, r.error.field, r.error.message))) P.message($("sign-msg"), "bad", r.error.message);
      return;
    }
    if (r.body && r.body.id) { st.m = r.body; render(); }
    await reload();
  }

  // --- the list -------------------------------------------------------------
  async function loadList() {
    const r = await P.api("GET", "/api/v1/postal/manifests");
    st.list = r.status === 200 && Array.isArray(r.body.manifests) ? r.body.manifests : [];
    renderList();
  }
  function renderList() {
    const tb = $("t-list").querySelector("tbody");
    tb.textContent = "";
    show($("list-none"), st.list.length === 0);
    show($("t-list"), st.list.length > 0);
    for (const m of st.list) {
      const tr = el("tr");
      const id = str(m.id, 32);
      const td = el("td");
      const b = el("button", "link mono", id);
      b.type = "button";
      b.addEventListener("click", () => openManifest(id));
      td.append(b);
      tr.append(td);
      cell(tr, P.fmtTime(m.closed_at));
      for (const k of ["count", "arrived", "missing", "unexpected"]) cell(tr, typeof m[k] === "number" ? String(m[k]) : "", "num");
      const s = el("td");
      s.append(el("span", "badge " + str(m.state, 32), t("s_" + str(m.state, 32))));
      tr.append(s);
      tr.dataset.id = id;
      tb.append(tr);
    }
  }

  const stationLabel = () => { $("station").textContent = station ? t("station") + ": " + station : ""; };
  function streamState(up) {
    st.streamUp = up;
    const s = $("stream");
    s.textContent = t(up ? "stream_on" : "stream_off");
    s.className = "stream " + (up ? "up" : "down");
  }
  // What the desk's scanner read (scanner/classify.h): a manifest id or
  // an S10 id; anything else is said, never guessed at.
  function onScan(d) {
    if ((d.kind === "manifest" || d.kind === "s10") && d.value) onInput(d.value);
    else if (d.kind === "unknown") P.message($("scan-msg"), "warn", tf("scan_unknown", { reason: P.reasonText(T, "sr_", d.reason) }));
    else P.message($("scan-msg"), "warn", tf("scan_other", { value: str(d.value, 64) }));
  }

  async function init() {
    $("scan-form").addEventListener("submit", (ev) => { ev.preventDefault(); onInput($("scan-in").value); });
    $("sign").addEventListener("submit", sign);
    $("v-close").addEventListener("click", () => {
      st.m = null; st.drafts.clear(); render(); scanLabel(); show($("scan-msg"), false); $("scan-in").focus();
    });
    P.onLang(() => { stationLabel(); scanLabel(); render(); renderList(); if (st.streamUp !== null) streamState(st.streamUp); });
    const s = await P.start(T, ["office_staff", "admin"]);
    if (!s) { show($("scan"), false); show($("list"), false); return; }
    stationLabel();
    scanLabel();
    await loadList();
    const want = new URLSearchParams(location.search).get("manifest") || "";
    if (MANIFEST_RE.test(want)) await openManifest(want);
    P.stream(station, onScan, streamState);
    $("scan-in").focus();
  }
  document.addEventListener("DOMContentLoaded", init);
})();
