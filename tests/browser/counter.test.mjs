// counter.test.mjs: a whole day at the counter desk (/staff/counter,
// docs/counter.md) in headless Chromium on the real motcuad's staff
// listener: intake with its receipt printed, a supplement round, an
// apology with a new date, hand-offs, the result ready, the result
// returned by scanning the receipt's QR on the desk's serial scanner (a
// socat pty mapped to the staff terminal desk1, as postal.test.mjs does),
// a refusal at the counter and the tracking book. Any console error, page
// error or CSP violation fails the test. Screenshots go to
// build/screenshots/counter-*.png; UPDATE_DOCS=1 copies them into docs/img.
// Page weight and time to interactive are printed for docs/benchmarks.md.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Daemon, launch, test, run, assert, waitFor, ROOT, SHOTS } from "./lib.mjs";

const PROC = "1.001612.000.00.00.H49";
const d = await new Daemon("", { staff: true }).init();

async function scanner(name) {
  const dev = path.join(d.dir, name + ".dev"), inp = path.join(d.dir, name + ".in");
  const proc = spawn("socat", [`pty,raw,echo=0,link=${dev}`, `pty,raw,echo=0,link=${inp}`], { stdio: "ignore" });
  await waitFor(() => fs.existsSync(dev) && fs.existsSync(inp), 5000, "socat's links");
  execFileSync("stty", ["-F", inp, "raw", "-echo"]);
  const fd = fs.openSync(inp, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  return { dev, scan: (text) => fs.writeSync(fd, text + "\r\n"), close() { fs.closeSync(fd); proc.kill(); } };
}
const desk1 = await scanner("desk1");
const PRINTED = path.join(d.dir, "printer.out");
fs.appendFileSync(d.conf, `[printer]
enabled = true
backend = file
device = ${PRINTED}
data_dir = ${ROOT}/data/printer
receipt_copies = 2
[scanner]
terminals = desk1
[scanner.desk1-serial]
type = serial
device = ${desk1.dev}
terminal = desk1
`);
try {
  await d.start();
} catch (e) {
  console.log("FAIL motcuad did not start:", e.message);
  console.log("0 passed, 1 failed");
  await d.stop();
  desk1.close();
  process.exit(1);
}
const base = d.staffUrl;
const cat = path.join(d.dir, "procedures.jsonl");
fs.writeFileSync(cat, [
  { code: PROC, name: "Đăng ký thành lập hộ kinh doanh", field: "Hộ kinh doanh", days: 3, fee: 100000,
    documents: ["Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao CCCD của chủ hộ"] },
  { code: "2.000001.000.00.00.H49", name: "Cấp phiếu lý lịch tư pháp", field: "Lý lịch tư pháp", days: 10, fee: 200000 },
].map((p) => JSON.stringify(p)).join("\n") + "\n");
d.cli("catalogue", "import", cat);
const USERS = { desk: ["motcua.lan", "office_staff"], clerk: ["buucuc.hl1", "postal_clerk"] };
const PASSWORD = "mật-khẩu-thử-1234";
for (const [name, role] of Object.values(USERS))
  d.cliInput(PASSWORD + "\n", "user", "add", name, "--role", role, "--password-stdin");

const browser = await launch();
const day = {};

// A page logged in as who, watching for everything that must not happen:
// a script error, a console error, a CSP violation, another host.
async function deskPage(who, url = "/staff/counter?station=desk1") {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.seen = [];
  page.on("request", (r) => page.seen.push({ method: r.method(), url: r.url(), headers: r.headers() }));
  page.on("pageerror", (e) => page.problems.push("pageerror: " + e));
  // Chromium logs every 4xx reply of fetch() as a console error; the
  // daemon's field errors on /api/v1/ are the page's normal flow (it shows
  // them by the field), so only those are let through. Everything else
  // (a script error, a CSP violation, a missing asset) fails the test.
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const u = (m.location() && m.location().url) || "";
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
      new URL(u, base).pathname.startsWith("/api/v1/")) return;
    page.problems.push("console: " + m.text() + " " + u);
  });
  // a CSP violation is reported to the page as an event; record it
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation",
    (e) => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI)));
  const r = await ctx.request.post(base + "/api/v1/session", { data: { user: USERS[who][0], password: PASSWORD } });
  assert(r.status() === 200, "login " + who + ": " + r.status());
  pages.push(page);
  await page.goto(base + url);
  await page.waitForSelector("body:not(.booting)");
  return page;
}
async function done(page) {
  try {
    assert(page.problems.length === 0, "no console error, page error or CSP violation: " + page.problems.join("; "));
    const hosts = new Set(page.seen.map((r) => new URL(r.url).host));
    assert([...hosts].every((h) => h === new URL(base).host), "no other host: " + [...hosts]);
    const signIn = (x) => x.method === "POST" && new URL(x.url).pathname === "/api/v1/session";
    for (const r of page.seen.filter((x) => !["GET", "HEAD"].includes(x.method) && !signIn(x)))
      assert(r.headers["x-csrf-token"], "a write without X-CSRF-Token: " + r.method + " " + r.url);
  } finally {
    await page.context().close();
  }
}
// Every test closes its page, failed or not: an open page holds an event
// stream, and the staff listener bounds connections per address.
const pages = [];
async function closeAll() {
  for (const p of pages.splice(0)) await p.context().close().catch(() => {});
}
// words of the daemon's English messages, never on a Vietnamese page
const ENGLISH = /\b(is|must|required|not|the|than|no such|invalid)\b/i;
const dtest = (name, fn) => test(name, async () => { try { await fn(); } finally { await closeAll(); } });
const DOC_SHOTS = new Set();
async function shot(page, name, sel = "main") {
  DOC_SHOTS.add(name);
  await page.locator(sel).first().screenshot({ path: path.join(SHOTS, name + ".png") });
}
const text = async (page, sel) => (await page.textContent(sel)) || "";
async function status(page, n) {
  await waitFor(async () => (await page.getAttribute("#d-status", "class")) === "badge s" + n, 5000, "status " + n);
}
// The admin socket, as the CLI speaks to it: what the store now holds.
function admin(method, p, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.sock, path: p, method, headers: { "Content-Type": "application/json" } }, (res) => {
      let b = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { b += c; });
      res.on("end", () => resolve({ status: res.statusCode, body: b ? JSON.parse(b) : null }));
    });
    req.on("error", reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}
const api = async (code) => (await admin("GET", "/api/v1/dossiers/" + code)).body;
const printed = () => (fs.existsSync(PRINTED) ? fs.readFileSync(PRINTED) : Buffer.alloc(0));

dtest("intake with the keyboard: the code, the due date, both receipts printed", async () => {
  const page = await deskPage("desk");
  await page.keyboard.press("F2");
  assert(await page.evaluate(() => document.activeElement.id) === "i-proc-q", "F2: the cursor in the procedure search");
  await page.keyboard.type("ho kinh doanh"); // no accents needed
  await waitFor(async () => (await page.$$eval("#i-proc option", (o) => o.length)) === 1, 5000, "one match");
  await page.waitForSelector("#i-docs:not(.hidden)");
  const info = await text(page, "#i-proc-info");
  assert(info.includes("3") && info.includes("100.000"), "days and fee shown: " + info);
  const docs = await page.$$eval("#i-docs tbody tr", (r) => r.length);
  assert(docs === 2, "the documents to bring as a checklist: " + docs);
  // a submit without a name: the error names the field, nothing is lost
  await page.fill("#i-phone", "0912345678");
  await page.press("#i-phone", "Enter");
  await page.waitForSelector(".ferr[data-for=owner_name]:not(.hidden)");
  // the daemon's English message, said in Vietnamese from the page's table
  const why = (await text(page, ".ferr[data-for=owner_name]")).trim();
  assert(why.startsWith("Họ và tên") && !ENGLISH.test(why), "the field error in Vietnamese: " + why);
  assert(!ENGLISH.test(await text(page, "#intake")), "no English in the form: " + (await text(page, "#intake")));
  assert(await page.inputValue("#i-phone") === "0912345678", "the half-typed form is kept");
  assert(await page.evaluate(() => document.activeElement.id) === "i-name", "the cursor goes to the field at fault");
  await page.keyboard.type("Trần Thị Bình");
  await page.fill("#i-id", "022087001234");
  await page.fill("#i-addr", "Số 12 đường Lê Lợi, phường Hồng Gai, Hạ Long");
  await shot(page, "counter-intake", "#intake");
  const before = printed().length;
  await page.press("#i-addr", "Enter");
  await page.waitForSelector("#done:not(.hidden)");
  day.code = (await text(page, "#done-code")).trim();
  assert(/^000\.00\.19\.H49-\d{6}-\d{4}$/.test(day.code), "a code: " + day.code);
  assert((await text(page, "#done-due")).match(/\d\d:\d\d \d\d\/\d\d\/\d{4}/), "the due date");
  assert((await text(page, "#done-token")).length >= 16, "the lookup token");
  await waitFor(async () => (await text(page, "#done-print")).includes("đã in xong"), 15000, "the receipt printed");
  assert(!ENGLISH.test(await text(page, "#done")), "the print state in Vietnamese: " + (await text(page, "#done")));
  assert(printed().length > before, "bytes went to the printer");
  // both copies, the office's first (the bytes and ZBar: tests/system)
  const jobs = (await admin("GET", "/api/v1/print/jobs")).body.jobs
    .filter((x) => x.ref.startsWith(day.code)).map((x) => x.ref + " " + x.state).sort();
  assert(JSON.stringify(jobs) === JSON.stringify([day.code + " done", day.code + "#1 done"]), "two copies: " + jobs);
  await shot(page, "counter-intake-done", "#done");
  const j = await api(day.code);
  day.token = j.token;
  await done(page);
});

dtest("intake without an ID number or phone: a warning before the receipt prints", async () => {
  const page = await deskPage("desk");
  await page.keyboard.press("F2");
  await page.keyboard.type("ly lich tu phap");
  await waitFor(async () => (await page.$$eval("#i-proc option", (o) => o.length)) === 1, 5000, "one match");
  await page.fill("#i-name", "Hoàng Văn Em");
  await page.press("#i-name", "Enter");
  await page.waitForSelector("#i-msg.warn:not(.hidden)");
  assert((await text(page, "#i-msg")).includes("QR"), "the warning says why");
  assert(await page.isHidden("#done"), "nothing registered yet");
  await page.press("#i-id", "Enter"); // the cursor went to the ID box; Enter again goes ahead
  await page.waitForSelector("#done:not(.hidden)");
  await done(page);
});

// The warning before printing is the daemon's kiosk_factor rule
// (core/factor.h), asked of the daemon: an ID number opens it, a phone
// opens it, and a number too short to give 4 digits is no factor at all.
dtest("the no-factor warning follows the daemon's rule: id, phone, none", async () => {
  // a fresh desk per intake; true when it registered with no warning
  const intake = async (name, id, phone) => {
    const page = await deskPage("desk");
    await page.keyboard.press("F2");
    await page.keyboard.type("ly lich tu phap");
    await waitFor(async () => (await page.$$eval("#i-proc option", (o) => o.length)) === 1, 5000, "one match");
    await page.fill("#i-name", name);
    await page.fill("#i-id", id);
    await page.fill("#i-phone", phone);
    await page.press("#i-name", "Enter");
    await Promise.race([page.waitForSelector("#done:not(.hidden)"), page.waitForSelector("#i-msg.warn:not(.hidden)")]);
    return [page, await page.isVisible("#done")];
  };
  for (const [what, id, phone, factor] of [["an ID number", "022087001234", "", "id"], ["a phone", "", "0912345678", "phone"]]) {
    const [page, registered] = await intake("Đỗ Thị Hoa", id, phone);
    assert(registered, what + " opens it at the kiosk: no warning, registered");
    const code = (await text(page, "#done-code")).trim();
    const r = await admin("GET", "/api/v1/dossiers/" + code + "?actor=browser.test");
    assert(r.status === 200, "the dossier: " + JSON.stringify(r.body));
    const f = await admin("POST", "/api/v1/counter/factor", { owner_id_no: id || undefined, phone: phone || undefined });
    assert(f.body.kiosk_factor === factor, what + ": the daemon's factor: " + JSON.stringify(f.body));
    await done(page);
  }
  // "12" is a phone, but gives no 4 digits: the daemon says none, so does the page
  const [page, registered] = await intake("Đỗ Văn Giang", "", "12");
  assert(!registered, "a 2-digit phone is no factor: the warning first");
  assert((await text(page, "#i-msg")).includes("QR"), "the warning says why");
  assert(await page.isHidden("#done"), "nothing registered yet");
  await page.fill("#i-phone", "0912 345 678"); // a usable one now: no second warning
  await page.press("#i-name", "Enter");
  await page.waitForSelector("#done:not(.hidden)");
  await done(page);
});

dtest("a supplement round (Mẫu 02), an apology (Mẫu 04), hand-offs, result ready", async () => {
  const page = await deskPage("desk");
  await page.fill("#find-in", day.code.toLowerCase().replace(/-/g, " - ")); // typed loosely
  await page.press("#find-in", "Enter");
  await page.waitForSelector("#card:not(.hidden)");
  await status(page, 2);
  await page.click("#a-processing");
  await page.press("#act-ok", "Enter");
  await status(page, 4);
  // supplement request: the reason is required, its error names the field
  await page.click("#a-supp");
  await page.press("#f-reason", "Enter");
  await page.waitForSelector("#act .ferr[data-for=reason]:not(.hidden)");
  await page.fill("#f-reason", "Thiếu bản sao hợp đồng thuê địa điểm");
  await page.fill("#f-items", "Hợp đồng thuê địa điểm kinh doanh (bản sao)");
  await page.press("#f-items", "Enter");
  await status(page, 5);
  await shot(page, "counter-supplement", "#card");
  await page.click("#a-supp_done");
  await page.press("#act-ok", "Enter");
  await status(page, 4);
  // apology with a new date
  await page.click("#a-apology");
  await page.fill("#f-reason", "Cần xác minh thêm tại địa điểm kinh doanh");
  await page.fill("#f-unit", "Phòng Tài chính - Kế hoạch");
  // a working day: the daemon refuses a new date on a weekend (docs/api.md)
  let ahead = 20;
  while ([0, 6].includes(new Date(Date.now() + ahead * 86400e3 + 7 * 3600e3).getUTCDay())) ahead++;
  const next = new Date(Date.now() + ahead * 86400e3 + 7 * 3600e3).toISOString().slice(0, 10);
  await page.fill("#f-new_due_at", next + "T16:30");
  await page.press("#f-unit", "Enter");
  await page.waitForSelector("#card-msg.ok");
  assert((await text(page, "#d-due")).includes(next.split("-").reverse().join("/")), "the new due date shows");
  // hand-offs: to the unit and back, Esc cancels one half-typed
  for (const [from, to] of [["Bộ phận Một cửa", "Phòng Tài chính - Kế hoạch"], ["Phòng Tài chính - Kế hoạch", "Bộ phận Một cửa"]]) {
    await page.click("#a-handoff");
    await page.fill("#f-from", from);
    await page.fill("#f-to", to);
    await page.press("#f-to", "Enter");
    await page.waitForSelector("#card-msg.ok");
  }
  await page.click("#a-handoff");
  await page.keyboard.press("Escape");
  assert(await page.isHidden("#act"), "Esc cancels the action");
  assert(await page.$$eval("#d-handoffs tbody tr", (r) => r.length) === 2, "two hand-offs listed");
  await page.click("#a-ready");
  await page.press("#act-ok", "Enter");
  await status(page, 9);
  await shot(page, "counter-card", "#card");
  // the A5 pages: linked from the card, their barcodes (and the
  // receipt's QR) read back with ZBar from a screenshot
  const links = await page.$$eval("#d-a5 a", (a) => a.map((x) => x.getAttribute("href")));
  for (const kind of ["receipt", "supplement", "apology", "control"])
    assert(links.includes(`/api/v1/print/a5/${kind}/${encodeURIComponent(day.code)}`), kind + " A5 link: " + links);
  // a print-like resolution: ZBar needs more than one pixel a module
  const hi = await browser.newContext({ deviceScaleFactor: 3, viewport: { width: 700, height: 1000 },
    storageState: await page.context().storageState() });
  for (const kind of ["receipt", "apology", "control"]) {
    const a5 = await hi.newPage();
    a5.on("console", (m) => { if (m.type() === "error") page.problems.push("A5 console: " + m.text()); });
    await a5.goto(`${base}/api/v1/print/a5/${kind}/${encodeURIComponent(day.code)}`);
    const png = path.join(SHOTS, `counter-a5-${kind}.png`);
    await a5.screenshot({ path: png, fullPage: true });
    if (kind === "receipt") DOC_SHOTS.add("counter-a5-receipt");
    const z = execFileSync("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Scode128.enable", "-Sqrcode.enable", png],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n");
    assert(z.includes(day.code), kind + ": ZBar reads the code on the A5 page: " + z);
    if (kind === "receipt") assert(z.includes(`${d.url}/l/${day.token}`), "and the receipt's QR: " + z);
    const txt = await a5.textContent("body");
    assert(txt.includes(kind === "receipt" ? "GIẤY TIẾP NHẬN" : kind === "apology" ? "PHIẾU XIN LỖI" : "PHIẾU KIỂM SOÁT"), kind + " title");
    await a5.close();
  }
  await hi.close();
  const j = await api(day.code);
  const kinds = j.events.map((e) => e.kind);
  for (const k of ["supplement_request", "supplement_complete", "apology"])
    assert(kinds.includes(k), k + " in the history: " + kinds);
  assert(j.handoffs.length === 2 && j.handoffs[0].actor === USERS.desk[0], "hand-offs with the actor");
  await done(page);
});

dtest("return at the desk: scan the receipt's QR on the desk's scanner, confirm", async () => {
  const page = await deskPage("desk");
  await waitFor(async () => (await page.getAttribute("#stream", "class") || "").includes("up"), 10000, "scanner stream");
  desk1.scan(`${d.url}/l/${day.token}`);
  await page.waitForSelector("#card:not(.hidden)");
  assert((await text(page, "#d-code")) === day.code, "the scan opened the dossier");
  await page.click("#a-return");
  await page.fill("#f-collected_by", "Trần Thị Bình");
  await page.press("#f-collected_by", "Enter"); // the ID box unticked: refused, named
  await page.waitForSelector("#act .ferr[data-for=id_checked]:not(.hidden)");
  await page.check("#f-id_checked");
  await page.press("#f-collected_by", "Enter");
  await status(page, 10);
  assert((await text(page, "#card-msg")).includes("Trần Thị Bình"), "who collected it");
  await shot(page, "counter-returned", "#card");
  await done(page);
});

dtest("a result not ready is refused with a clear message", async () => {
  const j = (await admin("POST", "/api/v1/dossiers?actor=browser.test",
    { procedure_code: PROC, owner_name: "Phạm Văn Đức", print: false })).body;
  const page = await deskPage("desk");
  const r = await page.evaluate(async (code) => {
    const s = await (await fetch("/api/v1/session")).json();
    const x = await fetch("/api/v1/returns", { method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": s.csrf },
      body: JSON.stringify({ scan: code, collected_by: "X", id_checked: true }) });
    return [x.status, await x.json()];
  }, j.code);
  assert(r[0] === 409 && r[1].error.field === "status" && r[1].error.message.includes("not ready"), JSON.stringify(r));
  desk1.scan(j.code);
  await page.waitForSelector("#card:not(.hidden)");
  assert(await page.isHidden("#a-return"), "no return action before the result is ready");
  await done(page);
});

dtest("refusal at the counter (Mẫu 03)", async () => {
  const page = await deskPage("desk");
  await page.keyboard.press("F4");
  await page.keyboard.type("Lê Văn Cường");
  await page.press("#r-name", "Enter");
  await page.waitForSelector("#refuse .ferr[data-for=reason]:not(.hidden)");
  await page.fill("#r-reason", "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan");
  await page.press("#r-reason", "Enter");
  await page.waitForSelector("#r-msg.ok");
  day.refused = (await text(page, "#r-msg")).match(/000\.00\.19\.H49-\d{6}-\d{4}/)[0];
  const j = await api(day.refused);
  assert(j.status === 3 && j.refusal_reason.includes("thẩm quyền"), "refused with the reason");
  await shot(page, "counter-refusal", "#refuse");
  await done(page);
});

dtest("the tracking book (Mẫu 06) and English from the same table", async () => {
  const page = await deskPage("desk");
  await page.keyboard.press("F6");
  const href = await page.getAttribute("#b-html", "href");
  const r = await page.context().request.get(base + href);
  assert(r.status() === 200, "the book: " + r.status());
  const html = await r.text();
  assert(html.includes("SỔ THEO DÕI HỒ SƠ") && html.includes(day.code), "the day's dossier is in the book");
  assert(!html.includes(day.refused), "the refusal is not");
  const book = await page.context().newPage();
  book.on("console", (m) => { if (m.type() === "error") page.problems.push("book console: " + m.text()); });
  await book.goto(base + href);
  await book.screenshot({ path: path.join(SHOTS, "counter-book.png") });
  DOC_SHOTS.add("counter-book");
  await book.close();
  await page.click("#lang");
  assert((await text(page, "h1")).includes("Counter desk"), "English");
  await page.click("#lang");
  await done(page);
});

dtest("a postal clerk may not use the desk", async () => {
  const ctx = await browser.newContext();
  const r0 = await ctx.request.post(base + "/api/v1/session", { data: { user: USERS.clerk[0], password: PASSWORD } });
  assert(r0.status() === 200, "the clerk signs in");
  for (const p of ["/staff/counter", "/staff/counter/counter.js", "/api/v1/reports/book?from=2026-01-01&to=2026-01-01"]) {
    const r = await ctx.request.get(base + p);
    assert(r.status() === 403, p + " is office staff's: " + r.status());
  }
  await ctx.close();
  const pub = await fetch(d.url + "/staff/counter");
  assert(pub.status === 404, "not on the public listener: " + pub.status);
});

// Time to interactive: from the navigation's start (performance.now()'s
// origin) to the page ready for a scan (signed-in check done, catalogue
// loaded, the cursor in the find box), as the page sees it. Five cold
// loads (the staff pages are no-store) at full speed and with the CPU
// slowed 4x (Chromium's throttling), as a cheap office PC would be;
// page weight is every byte the page fetched, bodies as sent.
dtest("page weight and time to interactive (docs/benchmarks.md)", async () => {
  const page = await deskPage("desk", "/staff/counter");
  const cdp = await page.context().newCDPSession(page);
  const median = (v) => v.slice().sort((x, y) => x - y)[Math.floor(v.length / 2)];
  const out = {};
  for (const rate of [1, 4]) {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    const tti = [];
    let bytes = 0, n = 0;
    for (let i = 0; i < 5; i++) {
      await page.reload();
      await page.waitForFunction(() => !document.body.classList.contains("booting") &&
        document.activeElement && document.activeElement.id === "find-in" &&
        document.querySelectorAll("#r-proc option").length > 0);
      tti.push(await page.evaluate(() => performance.now()));
      [bytes, n] = await page.evaluate(() => {
        const all = performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
          .filter((e) => !e.name.includes("/events"));
        return [all.reduce((a, e) => a + (e.encodedBodySize || 0), 0), all.length];
      });
    }
    out[rate] = { tti: Math.round(median(tti)), max: Math.round(Math.max(...tti)), bytes, n };
  }
  console.log(`counter page: ${out[1].bytes} bytes in ${out[1].n} requests; interactive (median of 5) ` +
    `${out[1].tti} ms (max ${out[1].max}), CPU 4x slower ${out[4].tti} ms (max ${out[4].max})`);
  assert(out[1].bytes > 0 && out[1].bytes < 200000, "page weight: " + out[1].bytes);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await done(page);
});

const failed = await run({});
await closeAll();
if (process.env.UPDATE_DOCS === "1") {
  fs.mkdirSync(path.join(ROOT, "docs", "img"), { recursive: true });
  for (const name of DOC_SHOTS)
    if (fs.existsSync(path.join(SHOTS, name + ".png")))
      fs.copyFileSync(path.join(SHOTS, name + ".png"), path.join(ROOT, "docs", "img", name + ".png"));
}
await browser.close();
await d.stop();
desk1.close();
if (!failed) d.cleanup();
process.exit(failed ? 1 : 0);
