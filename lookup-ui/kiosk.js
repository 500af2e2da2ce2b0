// kiosk.js: the public kiosk page (docs/kiosk.md). No framework, no other
// host: everything comes from motcuad. Privacy rules kept here:
// - text from the network or a scanner goes in with textContent only;
// - nothing is written to storage, cookies or the URL (a /l/TOKEN address
//   is replaced by "/" as soon as it is read), and no history entry is
//   ever pushed;
// - the card and every half-typed entry clear themselves, and the
//   language returns to Vietnamese for the next person.
"use strict";
(function () {
  const T = {
    vi: {
      title: "Tra cứu hồ sơ", other: "English",
      idle_head: "Ông/bà muốn biết hồ sơ đã xong chưa?",
      step1_b: "Quét mã", step1: "Đưa mã QR hoặc mã vạch trên phiếu hẹn vào máy quét.",
      step2_b: "Hoặc nhập mã", step2: "Chạm nút dưới đây và nhập mã hồ sơ in trên phiếu hẹn.",
      type_code: "Nhập mã hồ sơ", open_cat: "Cần chuẩn bị giấy tờ gì?",
      privacy_note: "Thông tin hiển thị sẽ tự xoá sau khi xem. Máy không lưu lại gì.",
      code_head: "Nhập mã hồ sơ (in trên phiếu hẹn)", code_hint: "Ví dụ: 000.00.19.H49-261125-0003",
      code_bad: "Mã chưa đúng dạng. Mã có dạng 000.00.19.H49-261125-0003: kiểm tra lại phiếu hẹn.",
      cancel: "Huỷ", next: "Tiếp tục", look_up: "Xem kết quả", for_code: "Mã hồ sơ:",
      factor_id: "Nhập 4 số cuối của số CCCD (căn cước) của người nộp hồ sơ",
      factor_phone: "Nhập 4 số cuối của số điện thoại đã đăng ký",
      proc: "Thủ tục", name: "Người nộp", recv: "Ngày tiếp nhận", due: "Ngày hẹn trả",
      upd: "Dữ liệu cập nhật lúc", done: "Xong", print: "In phiếu tình trạng", ok: "Đồng ý",
      due_on: "Hẹn trả: ", overdue: "Đã quá hạn",
      apology: "Cơ quan thành thật xin lỗi vì hồ sơ bị chậm. Ngày hẹn trả mới: ",
      overdue_note: "Hồ sơ đã quá hạn. Xin vui lòng hỏi cán bộ tại quầy.",
      collect_counter: "Mời ông/bà đến nhận kết quả tại: ", collect_hours: "Thời gian: thứ Hai đến thứ Sáu, ",
      collect_post: "Kết quả sẽ được gửi qua bưu điện đến địa chỉ đã đăng ký.",
      returned: "Ông/bà đã nhận kết quả.",
      supplement: "Hồ sơ cần bổ sung giấy tờ. Xin vui lòng hỏi cán bộ tại quầy.",
      payment: "Hồ sơ cần nộp phí, lệ phí. Xin vui lòng hỏi cán bộ tại quầy.",
      stopped: "Xin vui lòng hỏi cán bộ tại quầy.",
      rate_q: "Ông/bà có hài lòng với cách phục vụ không?",
      r_very: "Rất hài lòng", r_ok: "Hài lòng", r_bad: "Không hài lòng",
      rated: "Cảm ơn ông/bà đã đánh giá!", rated_before: "Hồ sơ này đã được đánh giá: ",
      rate_fail: "Chưa ghi được đánh giá. Xin thử lại sau.",
      print_off: "Máy in đang tạm ngừng. Xin vui lòng hỏi cán bộ tại quầy.", print_ok: "Đang in phiếu…",
      nomatch: "Mã hồ sơ hoặc 4 số vừa nhập chưa đúng. Xin kiểm tra lại phiếu hẹn.",
      token_nf: "Không tìm thấy hồ sơ của mã QR này. Xin vui lòng hỏi cán bộ tại quầy.",
      limited: "Ông/bà đã nhập sai nhiều lần.", wait_s: "Xin đợi {n} giây rồi thử lại.",
      wait_min: "Xin đợi khoảng {n} phút rồi thử lại.",
      due_none: "Chưa có (tính từ ngày tiếp nhận)",
      lost: "Bưu điện chưa chuyển hồ sơ này đến cơ quan: bưu gửi đã bị thất lạc. Xin liên hệ bưu điện nơi ông/bà gửi hồ sơ và đọc số hiệu bưu gửi: ",
      print_done: "Phiếu của lần tra cứu này đã được in.", print_wait: "Máy in đang bận. Xin đợi một phút rồi tra cứu và in lại.",
      del_label: "Xoá số vừa nhập", del_label_code: "Xoá ký tự vừa nhập", dots_say: "Đã nhập {n} trên 4 số",
      unreadable: "Máy chưa đọc được mã. Xin quét lại, hoặc chạm \"Nhập mã hồ sơ\".",
      cat_head: "Tìm thủ tục: cần giấy tờ gì, bao lâu, lệ phí", back_home: "Về màn hình chính",
      cd_days: "Thời hạn giải quyết", cd_fee: "Phí, lệ phí", cd_counter: "Nộp tại", cd_docs: "Giấy tờ cần mang theo:",
      days: "{n} ngày làm việc", free: "Không mất phí", no_counter: "Bộ phận Một cửa", cat_none: "Không tìm thấy thủ tục nào.",
      space: "cách", clear: "Xoá hết", del: "⌫",
    },
    en: {
      title: "Dossier lookup", other: "Tiếng Việt",
      idle_head: "Is your dossier ready?",
      step1_b: "Scan", step1: "Hold the QR code or barcode on your receipt under the scanner.",
      step2_b: "Or type the code", step2: "Touch the button below and type the dossier code printed on your receipt.",
      type_code: "Type the dossier code", open_cat: "What do I need to bring?",
      privacy_note: "What is shown clears itself after reading. Nothing is kept on this kiosk.",
      code_head: "Type the dossier code (on your receipt)", code_hint: "Example: 000.00.19.H49-261125-0003",
      code_bad: "This is not a dossier code. It looks like 000.00.19.H49-261125-0003: please check your receipt.",
      cancel: "Cancel", next: "Next", look_up: "Show the status", for_code: "Dossier code:",
      factor_id: "Type the last 4 digits of the applicant's ID card number",
      factor_phone: "Type the last 4 digits of the registered phone number",
      proc: "Procedure", name: "Applicant", recv: "Received", due: "Due",
      upd: "Data last updated", done: "Done", print: "Print a status slip", ok: "OK",
      due_on: "Due: ", overdue: "Overdue",
      apology: "The office apologises for the delay. New due date: ",
      overdue_note: "This dossier is overdue. Please ask at the counter.",
      collect_counter: "Please collect your result at: ", collect_hours: "Hours: Monday to Friday, ",
      collect_post: "The result will be sent by post to the registered address.",
      returned: "You have received the result.",
      supplement: "More documents are needed. Please ask at the counter.",
      payment: "Fees are due. Please ask at the counter.",
      stopped: "Please ask at the counter.",
      rate_q: "Were you satisfied with our service?",
      r_very: "Very satisfied", r_ok: "Satisfied", r_bad: "Not satisfied",
      rated: "Thank you for your rating!", rated_before: "This dossier has been rated: ",
      rate_fail: "The rating could not be saved. Please try later.",
      print_off: "The printer is not available. Please ask at the counter.", print_ok: "Printing…",
      nomatch: "The code or the 4 digits do not match. Please check your receipt.",
      token_nf: "No dossier has this QR code. Please ask at the counter.",
      limited: "Too many wrong attempts.", wait_s: "Please wait {n} seconds, then try again.",
      wait_min: "Please wait about {n} minutes, then try again.",
      due_none: "Not yet (counted from acceptance)",
      lost: "The post office has not delivered this dossier to the office: the packet was lost. Please contact the post office where you sent it and give the item number: ",
      print_done: "The slip for this lookup has been printed.", print_wait: "The printer is busy. Please wait a minute, look up again and print.",
      del_label: "Delete the last digit", del_label_code: "Delete the last character", dots_say: "{n} of 4 digits entered",
      unreadable: "The code could not be read. Scan it again, or touch \"Type the dossier code\".",
      cat_head: "Find a procedure: documents, time, fees", back_home: "Back to the start",
      cd_days: "Processing time", cd_fee: "Fees", cd_counter: "Where", cd_docs: "Documents to bring:",
      days: "{n} working days", free: "No fee", no_counter: "One-stop counter", cat_none: "No procedure found.",
      space: "space", clear: "Clear", del: "⌫",
    },
  };
  const RATING_KEY = { very_satisfied: "r_very", satisfied: "r_ok", unsatisfied: "r_bad" };
  const ICON = { // stroke paths on a 64x64 circle
    ready: "M18 33l9 9 19-20", wait: "M22 16h20M22 48h20M24 16c0 10 16 10 16 16s-16 6-16 16M40 16c0 10-16 10-16 16s16 6 16 16",
    late: "M32 18v16l10 6", warn: "M32 16v22M32 46v2", stop: "M20 32h24",
  };
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  // The kiosk's terminal id from its start-up URL. One the daemon does not
  // know (a typo) is still sent once, so the daemon logs it, and the page
  // says the kiosk is not set up instead of serving without its terminal.
  const terminal = params.has("terminal") ? params.get("terminal").slice(0, 64) : null;
  const state = {
    lang: "vi", cfg: null, view: null, screen: "idle", code: "", digits: "",
    clearTimer: null, clearAt: 0, idleTimer: null, waitTimer: null,
    es: null, esRetry: 0, esTimer: null, esWatch: null, down: false, downTimer: null, downTry: 0, misconf: false,
  };
  // Timing for `make bench`: numbers only, never content.
  window.kioskStats = { scanAt: 0, paintedAt: 0, cards: 0, ready: false, streamOpen: false };

  const t = (k) => T[state.lang][k];
  const tn = (k, n) => t(k).replace("{n}", String(n));
  const fmt = (iso) => { // "2026-11-25T09:30:00+07:00" -> "09:30 25/11/2026" (office time)
    const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(typeof iso === "string" ? iso : "");
    return m ? `${m[4]}:${m[5]} ${m[3]}/${m[2]}/${m[1]}` : "";
  };
  const fmtDay = (iso) => { const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(typeof iso === "string" ? iso : ""); return m ? `${m[3]}/${m[2]}/${m[1]}` : ""; };
  const show = (el, on) => el.classList.toggle("hidden", !on);
  const str = (v, max = 500) => (typeof v === "string" ? v.slice(0, max) : "");

  // --- screens ---------------------------------------------------------
  function go(screen) {
    for (const id of ["idle", "typing", "factor", "card", "msg", "catalogue"]) show($(id), id === screen);
    state.screen = screen;
    clearTimeout(state.idleTimer);
    // A half-typed entry clears itself too: the next person must not find it.
    if (screen !== "idle" && screen !== "card") state.idleTimer = setTimeout(home, idleMs());
    if (screen !== "card") stopCountdown();
  }
  const idleMs = () => 2 * 1000 * ((state.cfg && state.cfg.clear_after_s) || 30);
  function touch() { if (state.screen !== "idle" && state.screen !== "card") go(state.screen); }

  function wipe() { // no trace of the last person
    state.view = null; state.code = ""; state.digits = "";
    $("code").value = ""; $("cat-q").value = "";
    for (const id of ["c-proc", "c-name", "c-recv", "c-due", "c-upd", "c-apology", "c-collect", "st-text", "st-sub",
      "factor-code", "rate-msg", "print-msg", "msg-text", "msg-wait", "c-lost"]) $(id).textContent = "";
    $("cat-list").textContent = ""; $("cd-docs").textContent = ""; show($("cat-detail"), false);
    dots();
  }
  function home() {
    clearInterval(state.waitTimer);
    wipe();
    if (state.lang !== "vi") setLang("vi");
    go("idle");
  }

  function setLang(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
    $("lang").textContent = t("other");
    $("lang").lang = lang === "vi" ? "en" : "vi";
    $("factor-head").textContent = t(state.cfg && state.cfg.second_factor === "phone_last4" ? "factor_phone" : "factor_id");
    buildPads();
    if (state.view && state.screen === "card") paint(state.view, false);
    if (state.screen === "catalogue") search();
  }

  // --- out of service ----------------------------------------------------
  // misconf: the daemon answers but does not know this kiosk's terminal;
  // the page says so (staff must fix the URL or kiosk.terminals) rather
  // than "out of service", and comes back once the config lists it.
  function outOfService(misconf = false) {
    if (state.down && state.misconf === misconf) return;
    state.down = true;
    state.misconf = misconf;
    wipe();
    go("idle");
    show($("down"), !misconf);
    show($("misconf"), misconf);
    if (misconf) $("misconf-id").textContent = str(terminal, 64);
    closeStream();
    state.downTry = 0;
    probe();
  }
  function probe() { // back in service as soon as the daemon answers well
    clearTimeout(state.downTimer);
    const delay = Math.min(5000, 500 * 2 ** state.downTry++);
    state.downTimer = setTimeout(async () => {
      const ok = await loadConfig();
      if (ok === true) {
        state.down = false;
        state.misconf = false;
        show($("down"), false);
        show($("misconf"), false);
        home();
        openStream();
      } else {
        if (ok === "terminal" && !state.misconf) outOfService(true);
        else if (ok !== "terminal" && state.misconf) outOfService(false);
        probe();
      }
    }, delay);
  }

  // Every API call goes through here: a network failure or a reply that is
  // not what the API promises shows the out-of-service screen.
  async function api(path, opts = {}) {
    let r, body = null;
    try {
      r = await fetch(path, { cache: "no-store", credentials: "omit", ...opts });
    } catch (e) { outOfService(); return null; }
    try { body = await r.json(); } catch (e) { body = null; }
    if (body === null || typeof body !== "object" || Array.isArray(body) || r.status >= 500) {
      if (r.status !== 503 || !path.includes("/print")) { outOfService(); return null; }
    }
    return { status: r.status, body: body || {}, retry: parseInt(r.headers.get("Retry-After") || "0", 10) || 0 };
  }

  // true, or "terminal" when the daemon does not know this kiosk's
  // terminal, or false when it cannot be reached or answers nonsense.
  async function loadConfig() {
    let r, c;
    try {
      r = await fetch("/api/v1/kiosk" + (terminal !== null ? "?terminal=" + encodeURIComponent(terminal) : ""), { cache: "no-store" });
      c = await r.json();
    } catch (e) { return false; }
    if (r.status === 404 && c && c.error && c.error.field === "terminal") return "terminal";
    if (!r.ok || !c || typeof c.clear_after_s !== "number" || !c.printer || typeof c.office !== "string") return false;
    state.cfg = c;
    $("office").textContent = str(c.office, 200);
    $("factor-head").textContent = t(c.second_factor === "phone_last4" ? "factor_phone" : "factor_id");
    return true;
  }

  // --- the terminal's event stream ----------------------------------------
  function closeStream() {
    if (state.es) { state.es.close(); state.es = null; }
    window.kioskStats.streamOpen = false;
    clearTimeout(state.esTimer); clearTimeout(state.esWatch);
  }
  function watchdog() { // no event (pings included) for too long: reconnect
    clearTimeout(state.esWatch);
    const hb = (state.cfg && state.cfg.heartbeat_s) || 15;
    state.esWatch = setTimeout(() => reconnect(), 2500 * hb + 1000);
  }
  function reconnect() {
    closeStream();
    if (state.down) return;
    // Backoff with jitter: 1 s, 2 s, 4 s ... 30 s.
    const delay = Math.min(30000, 1000 * 2 ** state.esRetry++) * (0.75 + Math.random() / 2);
    state.esTimer = setTimeout(async () => {
      const ok = await loadConfig();
      if (ok === true) openStream(); else outOfService(ok === "terminal");
    }, delay);
  }
  function openStream() {
    if (!terminal || state.down) return;
    closeStream();
    const es = new EventSource("/api/v1/terminals/" + encodeURIComponent(terminal) + "/events");
    state.es = es;
    watchdog();
    es.addEventListener("hello", () => { state.esRetry = 0; window.kioskStats.streamOpen = true; watchdog(); });
    es.addEventListener("ping", () => watchdog());
    es.addEventListener("scan", (ev) => { watchdog(); onScan(ev.data); });
    es.onerror = () => { if (state.es === es) reconnect(); };
  }

  function onScan(data) {
    let s = null;
    try { s = JSON.parse(data); } catch (e) { s = null; }
    if (state.down) return;
    if (!s || typeof s !== "object") { message(t("unreadable")); return; }
    window.kioskStats.scanAt = typeof s.at_ms === "number" ? s.at_ms : 0;
    // A new scan always replaces whatever is on screen.
    wipe();
    if (s.kind === "token" && /^[0-9A-Z]{20}$/.test(str(s.value, 64))) lookupToken(s.value);
    else if (s.kind === "code" && typeof s.value === "string" && s.value.length <= 48) askFactor(s.value);
    else message(t("unreadable"));
  }

  // --- lookups ---------------------------------------------------------------
  async function lookupToken(token) {
    const q = terminal ? "?terminal=" + encodeURIComponent(terminal) : "";
    const r = await api("/api/v1/kiosk/token/" + encodeURIComponent(token) + q);
    if (!r) return;
    if (r.status === 200) card(r.body);
    else if (r.status === 429) cooldown(r.retry);
    else message(t("token_nf"));
  }

  // What a person types, forgiven as the daemon does: accents a Vietnamese
  // keyboard adds, full-width forms, any dash, spaces, lower case.
  function normaliseCode(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "D")
      .replace(/[\u2010-\u2015\u2212\ufe58\ufe63]/g, "-").replace(/[\s\u00a0\u3000]/g, "").toUpperCase();
  }
  const CODE_RE = /^[0-9A-Z]{1,4}(\.[0-9A-Z]{1,4}){1,6}-[0-9]{6}-[0-9]{4,5}$/;

  function askFactor(code) {
    state.code = code;
    state.digits = "";
    $("factor-code").textContent = code;
    dots();
    go("factor");
  }
  function dots() {
    const d = $("dots").children;
    for (let i = 0; i < d.length; i++) d[i].classList.toggle("on", i < state.digits.length);
    // A screen reader hears how many digits are in, never which.
    $("dots-say").textContent = tn("dots_say", state.digits.length);
    $("factor-ok").disabled = state.digits.length !== 4;
  }
  async function lookupCode() {
    const digits = state.digits;
    state.digits = ""; dots();
    const r = await api("/api/v1/lookup", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: state.code, factor: digits, ...(terminal ? { terminal } : {}) }) });
    if (!r) return;
    if (r.status === 200) card(r.body);
    else if (r.status === 429) cooldown(r.retry);
    else if (r.status === 400 && r.body.error && r.body.error.field === "code") { go("typing"); codeError(); }
    else message(t("nomatch"));
  }

  // --- the card ----------------------------------------------------------------
  function valid(v) {
    return v && typeof v === "object" && v.status && typeof v.status.code === "number" &&
      typeof v.procedure === "string" && typeof v.applicant === "string" && v.collect && typeof v.collect === "object";
  }
  function card(v) {
    if (!valid(v)) { outOfService(); return; }
    state.view = v;
    paint(v, true);
    go("card");
    startCountdown();
    // The frame with the card is produced right after the animation frame
    // callbacks: a task queued from one runs once it is painted.
    requestAnimationFrame(() => setTimeout(() => {
      window.kioskStats.paintedAt = Date.now(); window.kioskStats.cards++;
    }, 0));
  }
  const lost = (v) => !!(v.postal_lost && typeof v.postal_lost === "object" && typeof v.postal_lost.item_id === "string");
  function kind(v) {
    const c = v.status.code;
    if (lost(v)) return "warn";
    if (c === 9 || c === 10) return "ready";
    if (v.overdue) return "late";
    if (c === 5 || c === 6) return "warn";
    if (c === 3 || c === 7 || c === 8) return "stop";
    return "wait";
  }
  function paint(v, fresh) {
    const k = kind(v);
    $("st").className = "status " + k;
    $("st-path").setAttribute("d", ICON[k]);
    $("st-text").textContent = str(state.lang === "vi" ? v.status.kiosk_vi : v.status.kiosk_en, 200) + (v.overdue ? " · " + t("overdue") : "");
    const due = v.apology ? v.apology.new_due_at : v.due_at;
    // no due date (a postal dossier not yet accepted, or lost): no "Due:"
    $("st-sub").textContent = k === "ready" || k === "stop" || !due || lost(v) ? "" : t("due_on") + fmt(due);
    $("c-proc").textContent = str(v.procedure);
    $("c-name").textContent = str(v.applicant, 200);
    $("c-recv").textContent = fmt(v.received_at);
    $("c-due").textContent = v.due_at ? fmt(v.due_at) : t("due_none");
    const lo = $("c-lost");
    if (lost(v)) { lo.textContent = t("lost") + str(v.postal_lost.item_id, 20); show(lo, true); }
    else { lo.textContent = ""; show(lo, false); }
    $("c-upd").textContent = fmt(v.updated_at);
    const ap = $("c-apology");
    if (v.apology && typeof v.apology === "object") { ap.textContent = t("apology") + fmt(v.apology.new_due_at); show(ap, true); }
    else if (v.overdue) { ap.textContent = t("overdue_note"); show(ap, true); }
    else show(ap, false);
    const co = $("c-collect");
    let text = "";
    if (v.status.code === 9) {
      text = v.collect.delivery === "post" ? t("collect_post")
        : t("collect_counter") + str(v.collect.place, 200) + ". " + t("collect_hours") +
          (state.cfg ? state.cfg.hours.open + "–" + state.cfg.hours.close : "") + ".";
    } else if (v.status.code === 10) text = t("returned");
    else if (v.status.code === 5) text = t("supplement");
    else if (v.status.code === 6) text = t("payment");
    else if (k === "stop") text = t("stopped");
    co.textContent = text; show(co, text !== "");
    // The rating: only a returned result, once.
    const rt = v.rating && typeof v.rating === "object" ? v.rating : null;
    show($("rate"), !!rt);
    if (rt) {
      const given = RATING_KEY[rt.given];
      document.querySelectorAll("#rate button").forEach((b) => {
        b.disabled = !rt.open; b.classList.toggle("chosen", b.dataset.rating === rt.given);
      });
      if (given) { $("rate-msg").textContent = (fresh || !rt.thanked ? t("rated_before") : t("rated")) + t(given); }
      if (rt.thanked) $("rate-msg").textContent = t("rated");
      show($("rate-msg"), !!given || !!rt.thanked);
    }
    printButton();
  }
  function printButton() {
    // Only a kiosk terminal prints (a phone opening /l/TOKEN never does);
    // the daemon refuses the others anyway.
    const p = state.cfg && state.cfg.terminal ? state.cfg.printer : null, b = $("print"), m = $("print-msg");
    show(b, !!(p && p.configured));
    b.disabled = !(p && p.available) || !!(state.view && state.view.printed);
    if (p && p.configured && !p.available) { m.textContent = t("print_off"); show(m, true); }
    else if (!m.dataset.keep) show(m, false);
  }
  async function rate(value) {
    const v = state.view;
    if (!v || !v.rating || !v.rating.open) return;
    const r = await api("/api/v1/kiosk/rating", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ticket: v.ticket, rating: value, ...(terminal ? { terminal } : {}) }) });
    if (!r) return;
    if (r.status === 201 || r.status === 409) {
      v.rating = { open: false, given: r.status === 201 ? value : v.rating.given, thanked: r.status === 201 };
      paint(v, false);
    } else { $("rate-msg").textContent = t("rate_fail"); show($("rate-msg"), true); }
  }
  async function print() {
    if (!state.view) return;
    const r = await api("/api/v1/kiosk/print", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ticket: state.view.ticket, ...(terminal ? { terminal } : {}) }) });
    if (!r) return;
    const m = $("print-msg");
    m.textContent = r.status === 202 || r.status === 409 ? t(r.status === 202 ? "print_ok" : "print_done")
      : r.status === 429 ? t("print_wait") : t("print_off");
    show(m, true);
    // one slip per lookup: the button is done once it has printed
    if (r.status === 202 || r.status === 409) { state.view.printed = true; $("print").disabled = true; return; }
    if (r.status !== 429) { await loadConfig(); printButton(); show(m, true); }
  }

  // Auto-clear with a visible countdown.
  function startCountdown() {
    stopCountdown();
    const secs = (state.cfg && state.cfg.clear_after_s) || 30;
    state.clearAt = Date.now() + secs * 1000;
    const tick = () => {
      const left = Math.max(0, Math.ceil((state.clearAt - Date.now()) / 1000));
      $("countdown").textContent = String(left);
      if (left === 0) home();
    };
    tick();
    state.clearTimer = setInterval(tick, 250);
  }
  function stopCountdown() { clearInterval(state.clearTimer); state.clearTimer = null; }

  // --- messages and the cool-down -----------------------------------------------
  function message(text) {
    clearInterval(state.waitTimer);
    $("msg-text").textContent = text;
    show($("msg-wait"), false);
    $("msg-ok").disabled = false;
    go("msg");
  }
  function cooldown(secs) {
    secs = Math.min(3600, Math.max(1, secs || 60));
    message(t("limited"));
    const end = Date.now() + secs * 1000, w = $("msg-wait");
    $("msg-ok").disabled = true;
    const tick = () => {
      const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      // a lockout of 704 s reads "about 12 minutes", a short one in seconds
      w.textContent = left >= 60 ? tn("wait_min", Math.ceil(left / 60)) : tn("wait_s", left);
      if (left === 0) { clearInterval(state.waitTimer); $("msg-ok").disabled = false; }
    };
    show(w, true); tick();
    state.waitTimer = setInterval(tick, 250);
  }

  // --- typing ---------------------------------------------------------------------
  function codeError() { $("code-hint").textContent = t("code_bad"); $("code-hint").classList.add("error"); }
  function codeHint() { $("code-hint").textContent = t("code_hint"); $("code-hint").classList.remove("error"); }
  function submitCode() {
    const c = normaliseCode($("code").value);
    $("code").value = c;
    if (!CODE_RE.test(c)) { codeError(); return; }
    askFactor(c);
  }
  function key(label, onPress, cls, aria) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = label;
    if (cls) b.className = cls;
    if (aria) b.setAttribute("aria-label", aria); // "⌫" says nothing to a screen reader
    b.addEventListener("click", () => { touch(); onPress(); });
    return b;
  }
  function typeInto(input, ch) { input.value = (input.value + ch).slice(0, input.maxLength); }
  function buildPads() {
    const code = $("code"), cp = $("code-pad");
    cp.textContent = "";
    for (const ch of "1234567890") cp.append(key(ch, () => { typeInto(code, ch); codeHint(); }));
    cp.append(key(".", () => typeInto(code, ".")), key("-", () => typeInto(code, "-")));
    for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") cp.append(key(ch, () => { typeInto(code, ch); codeHint(); }));
    cp.append(key(t("del"), () => { code.value = code.value.slice(0, -1); }, "fn", t("del_label_code")),
      key(t("clear"), () => { code.value = ""; codeHint(); }, "fn"));
    const fp = $("factor-pad");
    fp.textContent = "";
    for (const ch of "123456789") fp.append(key(ch, () => digit(ch)));
    fp.append(key(t("del"), () => { state.digits = state.digits.slice(0, -1); dots(); }, "fn", t("del_label")), key("0", () => digit("0")),
      key(t("clear"), () => { state.digits = ""; dots(); }, "fn"));
    const lp = $("cat-pad"), q = $("cat-q");
    lp.textContent = "";
    for (const ch of "QWERTYUIOPASDFGHJKLZXCVBNM") lp.append(key(ch, () => { typeInto(q, ch.toLowerCase()); search(); }));
    lp.append(key(t("space"), () => { typeInto(q, " "); search(); }, "fn wide"),
      key(t("del"), () => { q.value = q.value.slice(0, -1); search(); }, "fn", t("del_label_code")),
      key(t("clear"), () => { q.value = ""; search(); }, "fn"));
  }
  function digit(ch) { if (state.digits.length < 4) { state.digits += ch; dots(); } }

  // --- the catalogue -----------------------------------------------------------------
  let searchSeq = 0;
  async function search() {
    const seq = ++searchSeq, q = $("cat-q").value.slice(0, 80);
    const r = await api("/api/v1/kiosk/procedures?q=" + encodeURIComponent(q));
    if (!r || seq !== searchSeq) return;
    const list = $("cat-list");
    list.textContent = "";
    show($("cat-detail"), false);
    const procs = Array.isArray(r.body.procedures) ? r.body.procedures : [];
    if (procs.length === 0) { const li = document.createElement("li"); li.textContent = t("cat_none"); list.append(li); return; }
    for (const p of procs.slice(0, 30)) {
      const li = document.createElement("li"), b = document.createElement("button"), f = document.createElement("span");
      b.type = "button";
      b.textContent = str(p.name, 300);
      f.className = "field"; f.textContent = str(p.field, 200);
      b.append(f);
      b.addEventListener("click", () => { touch(); detail(p); });
      li.append(b); list.append(li);
    }
  }
  function detail(p) {
    $("cd-name").textContent = str(p.name, 300);
    $("cd-days").textContent = tn("days", Number.isInteger(p.days) ? p.days : "?");
    $("cd-fee").textContent = Number.isInteger(p.fee) && p.fee > 0
      ? p.fee.toLocaleString(state.lang === "vi" ? "vi-VN" : "en-US") + " đ" : t("free");
    $("cd-counter").textContent = str(p.counter, 200) || t("no_counter");
    const ol = $("cd-docs");
    ol.textContent = "";
    for (const d of Array.isArray(p.documents) ? p.documents.slice(0, 50) : []) {
      const li = document.createElement("li"); li.textContent = str(d, 300); ol.append(li);
    }
    show($("cat-list"), false);
    show($("cat-detail"), true);
  }

  // --- wiring ---------------------------------------------------------------------------
  function wire() {
    $("lang").addEventListener("click", () => { setLang(state.lang === "vi" ? "en" : "vi"); touch(); });
    $("type-code").addEventListener("click", () => {
      wipe(); $("code").value = state.cfg ? state.cfg.code_prefix : ""; codeHint(); go("typing");
      // a physical keyboard types straight into the code, after the prefix
      const c = $("code"); c.focus(); c.setSelectionRange(c.value.length, c.value.length);
    });
    $("open-cat").addEventListener("click", () => { wipe(); show($("cat-list"), true); go("catalogue"); search(); });
    $("code-ok").addEventListener("click", submitCode);
    $("code").addEventListener("keydown", (e) => { touch(); if (e.key === "Enter") submitCode(); });
    $("code").addEventListener("input", codeHint);
    $("cat-q").addEventListener("input", () => { touch(); search(); });
    $("factor-ok").addEventListener("click", () => { if (state.digits.length === 4) lookupCode(); });
    document.addEventListener("keydown", (e) => { // a physical keypad on the factor screen
      if (state.screen !== "factor") return;
      if (/^[0-9]$/.test(e.key)) digit(e.key);
      else if (e.key === "Backspace") { state.digits = state.digits.slice(0, -1); dots(); }
      else if (e.key === "Enter" && state.digits.length === 4) lookupCode();
    });
    document.querySelectorAll(".back").forEach((b) => b.addEventListener("click", home));
    $("done").addEventListener("click", home);
    $("msg-ok").addEventListener("click", home);
    $("print").addEventListener("click", print);
    document.querySelectorAll("#rate button").forEach((b) => b.addEventListener("click", () => rate(b.dataset.rating)));
    document.addEventListener("contextmenu", (e) => e.preventDefault());
    setInterval(async () => { // the printer may come and go
      if (!state.down && (await loadConfig()) === true && state.screen === "card") printButton();
    }, 30000);
  }

  async function start() {
    wire();
    setLang("vi");
    // A printed receipt's URL /l/TOKEN: read it, then take it out of the
    // address bar and the history.
    const m = /^\/l\/([0-9A-Za-z]{1,32})$/.exec(location.pathname);
    if (m) history.replaceState(null, "", terminal !== null ? "/?terminal=" + encodeURIComponent(terminal) : "/");
    const ok = await loadConfig();
    if (ok !== true) { document.body.classList.remove("booting"); outOfService(ok === "terminal"); return; }
    setLang("vi");
    document.body.classList.remove("booting");
    go("idle");
    openStream();
    if (m) lookupToken(normaliseCode(m[1]).replace(/O/g, "0").replace(/[IL]/g, "1"));
    window.kioskStats.readyAt = performance.now();
    window.kioskStats.ready = true;
  }
  start();
})();
