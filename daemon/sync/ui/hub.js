// hub.js: the hub's offices page (docs/sync.md, "The offices page"): every
// office of the tokens file with its last push, last contact, backlog,
// items and errors, from GET /api/v1/hub/offices; a silent office (not
// heard from for silent_after_s) is marked. Text from the daemon goes in
// with textContent only. Reloads every 30 s. Below it, the province
// report of a period (GET /api/v1/hub/report, docs/sync.md "The province
// report") by agency and channel, with links to the province's Biểu
// II.06a (GET /api/v1/hub/report/06a).
"use strict";
(function () {
  const REFRESH_MS = 30000;

  function when(t) {
    if (t === null || t === undefined) return "chưa bao giờ (never)";
    return new Date(t * 1000).toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh" });
  }

  function ago(now, t) {
    if (t === null || t === undefined) return "";
    const s = Math.max(0, now - t);
    if (s < 120) return s + " giây trước (s ago)";
    if (s < 7200) return Math.floor(s / 60) + " phút trước (min ago)";
    if (s < 172800) return Math.floor(s / 3600) + " giờ trước (h ago)";
    return Math.floor(s / 86400) + " ngày trước (days ago)";
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function render(j) {
    const body = document.querySelector("#offices tbody");
    const rows = [];
    let silent = 0;
    for (const o of j.offices) {
      const tr = document.createElement("tr");
      tr.dataset.terminal = o.terminal;
      if (o.silent) { tr.className = "silent"; silent++; }
      cell(tr, o.terminal);
      cell(tr, o.agencies.join(", "));
      cell(tr, o.silent ? "IM LẶNG (silent)" : "Hoạt động (ok)", "state" + (o.silent ? "" : " ok"));
      const lp = cell(tr, when(o.last_push_at), "lastpush");
      if (o.last_push_at) lp.title = ago(j.now, o.last_push_at);
      cell(tr, o.last_seen_at ? ago(j.now, o.last_seen_at) : when(null), "lastseen");
      cell(tr, o.backlog === null ? "?" : String(o.backlog), "num backlog");
      cell(tr, String(o.items), "num items");
      cell(tr, String(o.rejected), "num rejected");
      cell(tr, o.last_error ? o.last_error + " (" + when(o.last_error_at) + ")" : "", "lasterror");
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    document.getElementById("summary").textContent =
      j.offices.length + " điểm (offices), " + silent + " im lặng quá " +
      Math.round(j.silent_after_s / 60) + " phút (silent over " +
      Math.round(j.silent_after_s / 60) + " min) · " + when(j.now);
  }

  async function load() {
    const err = document.getElementById("error");
    try {
      const r = await fetch("/api/v1/hub/offices", { credentials: "same-origin" });
      if (r.status === 401) {
        location.href = "/staff/login";
        return;
      }
      const j = await r.json();
      if (!r.ok) throw new Error((j && j.error) || ("HTTP " + r.status));
      err.classList.add("hidden");
      render(j);
    } catch (e) {
      err.textContent = "Không tải được (could not load): " + e.message;
      err.classList.remove("hidden");
    }
  }

  const CHANNELS = { in_person: "Trực tiếp (in person)", online: "Trực tuyến (online)",
    postal: "Bưu chính (postal)" };
  const COLS = ["received", "carried_over", "early", "on_time", "late", "pending", "overdue"];

  // a local date as the inputs and the API take it, in Vietnam's time
  function isoDay(d) {
    return d.toLocaleDateString("en-CA", { timeZone: "Asia/Ho_Chi_Minh" });
  }

  function reportRow(first, second, counts, cls) {
    const tr = document.createElement("tr");
    if (cls) tr.className = cls;
    cell(tr, first);
    cell(tr, second);
    for (const c of COLS) cell(tr, String(counts[c]), "num " + c);
    return tr;
  }

  async function report(ev) {
    if (ev) ev.preventDefault();
    const from = document.getElementById("from").value;
    const to = document.getElementById("to").value;
    const q = "from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to);
    for (const f of ["xlsx", "csv", "html"])
      document.getElementById("f06a-" + f).href = "/api/v1/hub/report/06a?" + q + "&format=" + f;
    const err = document.getElementById("report-error");
    try {
      const r = await fetch("/api/v1/hub/report?" + q, { credentials: "same-origin" });
      if (r.status === 401) {
        location.href = "/staff/login";
        return;
      }
      const j = await r.json();
      if (!r.ok) {
        const e = j && j.error;
        throw new Error(e ? (e.field ? e.field + ": " : "") + e.message : "HTTP " + r.status);
      }
      err.classList.add("hidden");
      const t = document.getElementById("report");
      t.tBodies[0].replaceChildren(...j.rows.map((x) =>
        reportRow(x.agency, CHANNELS[x.channel] || x.channel, x, "")));
      t.tFoot.replaceChildren(reportRow("Toàn tỉnh (province)", "", j.total, "total"));
    } catch (e) {
      err.textContent = "Không lập được báo cáo (no report): " + e.message;
      err.classList.remove("hidden");
    }
  }

  const now = new Date();
  document.getElementById("to").value = isoDay(now);
  document.getElementById("from").value = isoDay(now).slice(0, 8) + "01";
  document.getElementById("period").addEventListener("submit", report);

  load();
  report();
  setInterval(load, REFRESH_MS);
})();
