// hub.js: the hub's offices page (docs/sync.md, "The offices page"): every
// office of the tokens file with its last push, last contact, backlog,
// items and errors, from GET /api/v1/hub/offices; a silent office (not
// heard from for silent_after_s) is marked. Text from the daemon goes in
// with textContent only. Reloads every 30 s.
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

  load();
  setInterval(load, REFRESH_MS);
})();
