// common.js: what the postal staff pages share (docs/postal.md): the
// language switch, the session (login redirect, CSRF token on writes), API
// calls, field errors next to their field, and the scanner event stream.
// No framework, no other host. Text from the network or a scanner goes in
// with textContent only: nothing ever becomes markup.
"use strict";
window.Postal = (function () {
  const $ = (id) => document.getElementById(id);
  const LANG_KEY = "motcua.postal.lang";
  const state = { lang: "vi", T: null, session: null, onLang: [] };

  // --- i18n: elements carry data-t="key" (text) or data-tp="key"
  // (placeholder); the page gives its own table {vi: {...}, en: {...}}.
  const t = (k) => (state.T[state.lang] && state.T[state.lang][k]) || state.T.vi[k] || k;
  const tf = (k, vars) => t(k).replace(/\{(\w+)\}/g, (m, v) => (vars && v in vars ? String(vars[v]) : m));
  function setLang(lang) {
    state.lang = lang === "en" ? "en" : "vi";
    try { localStorage.setItem(LANG_KEY, state.lang); } catch (e) { /* private mode */ }
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
    document.querySelectorAll("[data-tp]").forEach((e) => { e.placeholder = t(e.dataset.tp); });
    const b = $("lang");
    b.textContent = state.lang === "vi" ? "English" : "Tiếng Việt";
    b.lang = state.lang === "vi" ? "en" : "vi";
    state.onLang.forEach((f) => f());
  }

  // --- small helpers
  const show = (el, on) => el.classList.toggle("hidden", !on);
  const str = (v, max = 500) => (typeof v === "string" ? v.slice(0, max) : v == null ? "" : String(v).slice(0, max));
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = str(text, 2000);
    return e;
  }
  // ISO 8601 text or epoch seconds/milliseconds -> "HH:MM DD/MM/YYYY".
  function fmtTime(v) {
    if (typeof v === "string") {
      const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?/.exec(v);
      if (!m) return v.slice(0, 40);
      return m[4] ? `${m[4]}:${m[5]} ${m[3]}/${m[2]}/${m[1]}` : `${m[3]}/${m[2]}/${m[1]}`;
    }
    if (typeof v !== "number" || !isFinite(v)) return "";
    const d = new Date(v > 1e12 ? v : v * 1000);
    const p = (n) => String(n).padStart(2, "0");
    return `${p(d.getHours())}:${p(d.getMinutes())} ${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
  }
  const fmtVnd = (n) => (typeof n === "number" ? n.toLocaleString("vi-VN") + " ₫" : "");
  // Folded text for searching: no diacritics, đ -> d, lower case.
  const fold = (s) => str(s, 1000).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();

  // --- session and API
  function toLogin() {
    location.assign("/staff/login?next=" + encodeURIComponent(location.pathname + location.search));
  }
  // Every call goes through here. Returns {status, body}; status 0 when the
  // daemon cannot be reached. Writes carry the session's CSRF token. A 401
  // on a read (the session ended) goes to the login page; on a write it
  // does not, so that a half-done form is not lost: the page says to sign
  // in again in another tab, and the next write first picks up the new
  // session's token (so does a write refused for a stale token, once).
  //
  // key: a create's Idempotency-Key (newKey(), one per submit). With it, a
  // request that got no answer is asked again (twice, same key): the daemon
  // answers a repeat with the first reply and never creates twice.
  async function api(method, path, body, retried, key) {
    const write = method !== "GET" && method !== "HEAD";
    if (write && state.stale && !retried) await refreshSession();
    const opts = { method, cache: "no-store", credentials: "same-origin", headers: {} };
    if (write) {
      if (state.session && state.session.csrf) opts.headers["X-CSRF-Token"] = state.session.csrf;
      if (key) opts.headers["Idempotency-Key"] = key;
      if (body !== undefined) {
        opts.headers["Content-Type"] = "application/json";
        opts.body = JSON.stringify(body);
      }
    }
    let r, j = null;
    for (let attempt = 0; ; attempt++) {
      try { r = await fetch(path, opts); break; } catch (e) {
        if (!key || attempt >= 2) return failed(0, null, t("offline"));
        await new Promise((ok) => setTimeout(ok, 500 * (attempt + 1)));
      }
    }
    try { j = await r.json(); } catch (e) { j = null; }
    if (j === null || typeof j !== "object") j = {};
    if (r.status === 401) {
      if (!write) { toLogin(); return failed(401, j, null); }
      state.stale = true;
      return failed(401, j, t("session_ended"));
    }
    const res = r.status >= 200 && r.status < 300 ? { status: r.status, body: j, error: null } : failed(r.status, j, null);
    if (r.status === 403 && write && !retried && res.error.field === "X-CSRF-Token" && await refreshSession())
      return api(method, path, body, true, key);
    return res;
  }
  // A fresh Idempotency-Key: 16 random bytes in hex.
  function newKey() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }
  // A refused request: the daemon's one error shape, {"error": {"field",
  // "message"}} (docs/api.md "Errors"), as r.error; msg (or, with no usable
  // reply, the HTTP status) stands in for the message when given.
  function failed(status, body, msg) {
    const e = body && body.error && typeof body.error === "object" ? body.error : {};
    const field = typeof e.field === "string" ? e.field : "";
    const message = msg || errorText(status, field, typeof e.message === "string" ? e.message : "");
    return { status, body: body || {}, error: { field, message } };
  }

  // The daemon words its errors in English ({"error":{"field","message"}},
  // docs/api.md "Errors"); a staff page says them in its own language from
  // this one table, by the error's field (indices dropped:
  // "documents[2].name" -> e_documents_name) and, where one field fails in
  // more than one way, the status too (e_item_id_409 before e_item_id),
  // else by the status alone (e_404), so that no English reaches a
  // Vietnamese page. Each field's text states its whole rule, as the
  // daemon's message for it can vary. An English page shows the daemon's
  // own, more precise, words.
  const ERR = {
    vi: {
      e_body: "Trang gửi dữ liệu không đúng dạng. Tải lại trang rồi thử lại.",
      e_role: "Tài khoản này không được làm việc này.",
      e_csrf: "Phiên làm việc đã đổi. Tải lại trang rồi thử lại: những gì đã nhập vẫn còn.",
      e_item_id: "Mã bưu gửi không hợp lệ: phải là mã S10 gồm 13 ký tự (ví dụ RR123456785VN).",
      e_item_id_404: "Không tìm thấy bưu gửi này.",
      e_item_id_409: "Bưu gửi này đã được đăng ký ở bưu cục khác.",
      e_override_reason: "Mã bưu gửi không hợp lệ: phải ghi lý do vẫn tiếp nhận (tối đa 2000 ký tự).",
      e_applicant: "Phải nhập thông tin người gửi.",
      e_applicant_name: "Họ và tên: bắt buộc, tối đa 200 ký tự, không có ký tự điều khiển.",
      e_applicant_address: "Địa chỉ: bắt buộc, tối đa 500 ký tự.",
      e_applicant_phone: "Số điện thoại không hợp lệ: chỉ gồm chữ số, tối đa 32 ký tự.",
      e_applicant_id_number: "Số CCCD / định danh không hợp lệ: tối đa 32 ký tự.",
      e_procedure_code: "Thủ tục: bắt buộc, và phải là một thủ tục có trong danh mục (có số ngày giải quyết).",
      e_documents: "Thành phần hồ sơ không hợp lệ (tối đa 64 giấy tờ).",
      e_documents_name: "Tên giấy tờ: bắt buộc, tối đa 500 ký tự.",
      e_documents_originals: "Số bản chính: số nguyên từ 0 đến 100.",
      e_documents_copies: "Số bản sao: số nguyên từ 0 đến 100.",
      e_documents_checked: "Đánh dấu đã kiểm tra: có hoặc không.",
      e_fees_vnd: "Phí, lệ phí: số đồng là số nguyên không âm.",
      e_fee_receipt_no: "Số biên lai: tối đa 64 ký tự.",
      e_agency_code: "Mã cơ quan tiếp nhận: bắt buộc, chỉ gồm A-Z, 0-9 và dấu chấm, là cơ quan còn hoạt động.",
      e_service: "Dịch vụ bưu chính: gửi hồ sơ, nhận kết quả, hoặc cả hai.",
      e_return_address: "Địa chỉ nhận kết quả: bắt buộc khi nhận kết quả qua bưu điện.",
      e_seal_intact: "Niêm phong: có hoặc không.",
      e_posted_at: "Thời điểm gửi không hợp lệ (không được ở tương lai).",
      e_station: "Mã quầy không hợp lệ.",
      e_manifest_id: "Không tìm thấy bảng kê này.",
      e_giver: "Người giao: bắt buộc.",
      e_receiver: "Người nhận: bắt buộc.",
      e_resolution: "Cách xử lý sai lệch không hợp lệ.",
      e_owner_name: "Họ và tên: bắt buộc, là văn bản, tối đa 200 ký tự.",
      e_owner_id_no: "Số CCCD / định danh không hợp lệ.",
      e_phone: "Số điện thoại không hợp lệ.",
      e_email: "Địa chỉ e-mail không hợp lệ.",
      e_address: "Địa chỉ không hợp lệ.",
      e_summary: "Trích yếu quá dài.",
      e_delivery: "Hình thức trả kết quả: tại quầy hoặc qua bưu điện.",
      e_received_at: "Ngày tiếp nhận không hợp lệ: không ở tương lai, và nhập lùi phải có lý do và trong giới hạn cho phép.",
      e_back_entry_reason: "Nhập lùi ngày tiếp nhận phải có lý do.",
      e_reason: "Lý do: bắt buộc, tối đa 2000 ký tự.",
      e_status: "Trạng thái hiện tại của hồ sơ không cho phép thao tác này.",
      e_new_due_at: "Ngày hẹn trả mới không hợp lệ: phải là ngày làm việc, sau ngày hẹn hiện tại.",
      e_items: "Danh sách giấy tờ cần bổ sung không hợp lệ.",
      e_code: "Mã hồ sơ không hợp lệ.",
      e_code_404: "Không tìm thấy hồ sơ này.",
      e_code_409: "Hồ sơ này không làm được thao tác này ở trạng thái hiện tại.",
      e_scan: "Không tìm thấy hồ sơ theo mã vừa quét, hoặc kết quả chưa sẵn sàng để trả.",
      e_collected_by: "Người nhận kết quả: bắt buộc.",
      e_id_checked: "Phải xác nhận đã kiểm tra giấy tờ tùy thân.",
      e_from: "Ngày bắt đầu không hợp lệ (YYYY-MM-DD, không sau ngày kết thúc).",
      e_to: "Ngày kết thúc không hợp lệ, hoặc khoảng thời gian quá dài.",
      e_note: "Ghi chú quá dài.",
      e_limit: "Số kết quả tối đa không hợp lệ.",
      e_name: "Tên tìm kiếm không hợp lệ.",
      e_printer: "Máy in chưa được bật.",
      e_400: "Dữ liệu gửi lên không hợp lệ.", e_401: "Phiên đăng nhập đã hết.",
      e_403: "Tài khoản này không được làm việc này.", e_404: "Không tìm thấy.",
      e_409: "Không làm được vì xung đột với dữ liệu hiện có.", e_413: "Dữ liệu quá lớn.",
      e_422: "Dữ liệu gửi lên không hợp lệ.", e_429: "Quá nhiều yêu cầu: thử lại sau ít phút.",
      e_503: "Máy chủ đang bận hoặc chức năng chưa được bật: thử lại sau.",
    },
    en: {
      e_400: "The request is not valid.", e_401: "The session has ended.",
      e_403: "This account may not do this.", e_404: "Not found.",
      e_409: "Not done: it conflicts with what is recorded.", e_413: "Too much data.",
      e_422: "The request is not valid.", e_429: "Too many requests: try again in a few minutes.",
      e_503: "The server is busy or this is not set up: try again later.",
    },
  };
  function errorText(status, field, daemonMsg) {
    if (state.lang === "en" && daemonMsg) return daemonMsg;
    const tab = ERR[state.lang] || ERR.vi;
    const f = fieldPath(field).replace(/\.\d+/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "_");
    return (f && (tab["e_" + f + "_" + status] || tab["e_" + f])) || tab["e_" + status] ||
      tf("http_error", { n: status });
  }
  async function refreshSession() {
    let r, j = null;
    try {
      r = await fetch("/api/v1/session", { cache: "no-store", credentials: "same-origin" });
      j = await r.json();
    } catch (e) { return false; }
    if (r.status !== 200 || !j || typeof j.csrf !== "string") return false;
    state.session = j;
    state.stale = false;
    return true;
  }
  // Reads the session; on none, goes to the login page. roles: the roles
  // this page is for. Returns the session, or null.
  async function session(roles) {
    const r = await api("GET", "/api/v1/session");
    if (r.status !== 200) {
      if (r.status !== 401) message($("fatal"), "bad", r.error ? r.error.message : t("offline"));
      return null;
    }
    state.session = r.body;
    $("who").textContent = str(r.body.user, 64) + " · " + str(r.body.role, 32);
    if (!roles.includes(r.body.role)) {
      message($("fatal"), "bad", tf("wrong_role", { role: str(r.body.role, 32) }));
      return null;
    }
    return r.body;
  }
  async function logout() {
    await api("DELETE", "/api/v1/session");
    toLogin();
  }

  // --- messages and field errors
  function message(box, kind, text) {
    box.className = "msg " + kind;
    box.textContent = str(text, 1000);
    show(box, !!text);
  }
  // "applicant.name", "/applicant/name", "$.applicant.name",
  // "documents[0].copies" -> "applicant.name" / "documents.0.copies".
  function fieldPath(f) {
    if (typeof f !== "string") return "";
    return f.replace(/^\$\.?/, "").replace(/^\//, "").replace(/\//g, ".").replace(/\[(\d+)\]/g, ".$1");
  }
  function clearErrors(form) {
    form.querySelectorAll(".ferr").forEach((e) => { e.textContent = ""; show(e, false); });
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  }
  // Puts msg under the field named by path (or its nearest named parent);
  // false when the form has no such field.
  function fieldError(form, path, msg) {
    let p = fieldPath(path);
    while (p) {
      const box = form.querySelector(`.ferr[data-for="${CSS.escape(p)}"]`);
      if (box) {
        box.textContent = str(msg, 500);
        show(box, true);
        const input = form.querySelector(`[data-field="${CSS.escape(p)}"]`);
        if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
        box.scrollIntoView({ block: "nearest" });
        return true;
      }
      p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "";
    }
    return false;
  }

  // --- scanner stream: GET /api/v1/terminals/{id}/events, event "scan".
  // Reconnects with a bounded backoff; typed input works without it.
  function stream(station, onScan, onState) {
    if (!station) return;
    let es = null, tries = 0;
    const open = () => {
      es = new EventSource("/api/v1/terminals/" + encodeURIComponent(station) + "/events");
      es.addEventListener("open", () => { tries = 0; onState(true); });
      es.addEventListener("hello", () => { tries = 0; onState(true); });
      es.addEventListener("scan", (ev) => {
        let d = null;
        try { d = JSON.parse(ev.data); } catch (e) { d = null; }
        if (d && typeof d === "object" && typeof d.value === "string") onScan(d);
      });
      es.onerror = () => {
        es.close();
        onState(false);
        setTimeout(open, Math.min(30000, 1000 * 2 ** Math.min(tries++, 5)));
      };
    };
    open();
  }
  const stationParam = () => {
    const s = new URLSearchParams(location.search).get("station") || "";
    return /^[a-z0-9_-]{1,16}$/.test(s) ? s : "";
  };

  // Follows a print job (GET /api/v1/print/jobs/{id}) until it is done or
  // failed, or for at most a minute: onState(state, outcome, printer
  // state) each time it changes. The outcome is the daemon's English; a
  // page says the job's and the printer's state from its table
  // (printText). A printer that waits (no paper) keeps the job queued; the
  // page says so with the job's outcome.
  function watchJob(id, onState) {
    let last = "", polls = 0;
    const tick = async () => {
      const r = await api("GET", "/api/v1/print/jobs/" + encodeURIComponent(id));
      const j = r.status === 200 && r.body.job && typeof r.body.job === "object" ? r.body.job : null;
      if (j) {
        const now = str(j.state, 16) + " " + str(j.outcome, 200);
        if (now !== last) { last = now; onState(str(j.state, 16), str(j.outcome, 200), str(j.printer_state, 24)); }
        if (j.state === "done" || j.state === "failed") return;
      }
      if (++polls < 60) setTimeout(tick, 1000);
    };
    tick();
  }

  // A reason the daemon names in English ("bad_check", "no known format")
  // in the page's language: the key prefix + the reason as a key
  // (lower case, runs of other characters as "_"), from the page's own
  // table; prefix + "other" when the table has no such key, so that no
  // English reaches a Vietnamese page.
  function reasonText(T, prefix, reason) {
    const k = prefix + String(reason == null ? "" : reason).toLowerCase().replace(/[^a-z0-9]+/g, "_");
    const tab = T[state.lang] || T.vi;
    return tab[k] || tab[prefix + "other"] || T.vi[prefix + "other"];
  }

  // A print job's state and its printer's (escstat names: "ok",
  // "no_paper", ...) in the page's language from the staff pages' table;
  // an English page adds the daemon's own outcome.
  const PRINT = {
    vi: { js_queued: "đang chờ in", js_printing: "đang in", js_done: "đã in xong", js_failed: "không in được",
      js_other: "không rõ", ps_ok: "", ps_paper_low: "máy in sắp hết giấy", ps_no_paper: "máy in hết giấy",
      ps_cover_open: "nắp máy in đang mở", ps_offline: "máy in không sẵn sàng", ps_unknown: "chưa rõ trạng thái máy in",
      ps_disconnected: "máy in chưa được nối", ps_other: "chưa rõ trạng thái máy in" },
    en: { js_queued: "waiting to print", js_printing: "printing", js_done: "printed", js_failed: "could not be printed",
      js_other: "unknown", ps_ok: "", ps_paper_low: "printer paper low", ps_no_paper: "printer out of paper",
      ps_cover_open: "printer cover open", ps_offline: "printer offline", ps_unknown: "printer state unknown",
      ps_disconnected: "printer not connected", ps_other: "printer state unknown" },
  };
  function printText(jobState, outcome, printerState) {
    const js = reasonText(PRINT, "js_", jobState);
    const ps = !printerState || printerState === "ok" ? "" : reasonText(PRINT, "ps_", printerState);
    const extra = state.lang === "en" && outcome ? outcome : ps;
    return js + (extra ? " (" + extra + ")" : "");
  }

  // Starts a page: language, buttons, session. Returns the session or null.
  async function start(T, roles) {
    state.T = T;
    let lang = "vi";
    try { lang = localStorage.getItem(LANG_KEY) || "vi"; } catch (e) { /* private mode */ }
    setLang(lang);
    $("lang").addEventListener("click", () => setLang(state.lang === "vi" ? "en" : "vi"));
    $("logout").addEventListener("click", logout);
    const s = await session(roles);
    document.body.classList.remove("booting");
    return s;
  }

  return {
    $, t, tf, show, str, el, fmtTime, fmtVnd, fold, api, newKey, message, clearErrors, fieldError, fieldPath,
    stream, stationParam, start, watchJob, printText, onLang: (f) => state.onLang.push(f), lang: () => state.lang,
    reasonText,
  };
})();
