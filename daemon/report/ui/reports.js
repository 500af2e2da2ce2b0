// reports.js: the reconciliation with upstream on the staff report page
// (daemon/report/report.c, docs/reports.md). The page lists the local
// counts per channel for the period; this asks the sync module's verify
// (GET /api/v1/sync/verify, office_staff and admin) for upstream's and
// fills the upstream column, the differences and the codes found on one
// side only. A file, not an inline script: the daemon's CSP allows only
// 'self'.
"use strict";

(function () {
  const table = document.getElementById("recon-upstream-table");
  const status = document.getElementById("recon-status");
  if (!table || !status) return;
  const CODES_SHOWN = 50;

  function say(text, cls) {
    status.textContent = text;
    status.className = cls || "";
  }

  function listCodes(id, title, codes) {
    const box = document.getElementById(id);
    if (!box) return;
    box.textContent = "";
    if (!codes || codes.length === 0) return;
    const h = document.createElement("h4");
    h.textContent = title + ": " + codes.length +
      (codes.length > CODES_SHOWN ? " (" + CODES_SHOWN + " đầu tiên / first " + CODES_SHOWN + ")" : "");
    const ul = document.createElement("ul");
    ul.className = "codes";
    for (const c of codes.slice(0, CODES_SHOWN)) {
      const li = document.createElement("li");
      li.textContent = c;
      ul.appendChild(li);
    }
    box.appendChild(h);
    box.appendChild(ul);
  }

  function fill(j) {
    let same = true;
    for (const ch of ["1", "2", "3"]) {
      const up = table.querySelector("td[data-up='" + ch + "']");
      const diff = table.querySelector("td[data-diff='" + ch + "']");
      const local = Number(j.local && j.local[ch] || 0);
      const upstream = Number(j.upstream && j.upstream[ch] || 0);
      if (up) { up.textContent = String(upstream); up.className = "n"; }
      if (diff) {
        const d = local - upstream;
        diff.textContent = d === 0 ? "0" : (d > 0 ? "+" : "") + d;
        diff.className = "n " + (d === 0 ? "same" : "diff");
      }
      if (local !== upstream) same = false;
    }
    const m = j.missing_upstream || [], u = j.unknown_locally || [];
    listCodes("recon-missing", "Chưa có ở cấp trên (missing upstream)", m);
    listCodes("recon-unknown", "Chỉ có ở cấp trên (unknown locally)", u);
    if (j.ok && same)
      say("Khớp với hệ thống cấp trên (matches upstream).", "good");
    else
      say("Có chênh lệch với hệ thống cấp trên (differs from upstream).", "bad");
  }

  function notAvailable(text) {
    for (const td of table.querySelectorAll("td[data-up], td[data-diff]")) {
      td.textContent = "—";
      td.className = "na";
    }
    say(text, "bad");
  }

  async function verify() {
    const q = "from=" + encodeURIComponent(table.dataset.from) +
      "&to=" + encodeURIComponent(table.dataset.to);
    say("Đang hỏi hệ thống cấp trên… (asking upstream)");
    let r, j = null;
    try {
      r = await fetch("/api/v1/sync/verify?" + q,
        { cache: "no-store", credentials: "same-origin" });
      j = await r.json().catch(() => null);
    } catch (e) {
      notAvailable("Không kết nối được máy chủ (the daemon cannot be reached).");
      return;
    }
    const msg = j && j.error && j.error.message ? j.error.message : "HTTP " + r.status;
    if (r.ok && j) fill(j);
    else if (r.status === 409)
      notAvailable("Chưa cấu hình đồng bộ với cấp trên (sync is not configured: " + msg + ").");
    else if (r.status === 403)
      notAvailable("Vai trò này không đối soát (this role does not reconcile).");
    else if (r.status === 503)
      notAvailable("Đang có một lần đối soát khác; thử lại sau (another comparison is running; retry).");
    else
      notAvailable("Không hỏi được hệ thống cấp trên (upstream could not be asked: " + msg + ").");
  }

  const again = document.getElementById("recon-verify");
  if (again) again.addEventListener("click", (e) => { e.preventDefault(); verify(); });
  verify();
})();
