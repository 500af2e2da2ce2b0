// kiosk.test.mjs: the public kiosk in a real browser (issue 5's test list).
// The real motcuad runs with kiosk.test_endpoints = true, so scans are
// injected through its test-only endpoint and arrive on the terminal's
// real event stream. Every page checks that it asks no host but the daemon.
import fs from "node:fs";
import path from "node:path";
import { Daemon, launch, test, run, assert, shot, waitFor, expectConsole, ROOT, SHOTS } from "./lib.mjs";

const CONF = `[kiosk]
terminals = hall-1, hall-2, hall-3/1, hall-4
failure_burst = 3
failures_per_minute = 1
code_failures_per_hour = 3
clear_after_s = 12
heartbeat_s = 2
test_endpoints = true
`;
const d = await new Daemon(CONF).init();
await d.start();

// The catalogue and some dossiers, through the staff CLI.
const cat = path.join(d.dir, "procedures.jsonl");
fs.writeFileSync(cat, [
  { code: "1.001193.000.00.00.H49", name: "Đăng ký khai sinh", field: "Hộ tịch", days: 1, fee: 0,
    documents: ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "CCCD của cha hoặc mẹ"], counter: "Quầy số 3" },
  { code: "1.001612.000.00.00.H49", name: "Đăng ký thành lập hộ kinh doanh", field: "Hộ kinh doanh", days: 3, fee: 100000,
    documents: ["Giấy đề nghị đăng ký hộ kinh doanh"], counter: "Quầy số 5" },
  { code: "2.000001.000.00.00.H49", name: "Cấp phiếu lý lịch tư pháp", field: "Lý lịch tư pháp", days: 10, fee: 200000 },
].map((p) => JSON.stringify(p)).join("\n") + "\n");
d.cli("catalogue", "import", cat);
const intake = (name, id, phone) => JSON.parse(d.cli("intake", "--procedure", "1.001612.000.00.00.H49",
  "--name", name, "--id-no", id, "--phone", phone, "--json"));
const a = intake("Nguyễn Văn An", "001203004567", "0912345678"); // processing
const b = intake("Trần Thị Bình", "001203009876", "0987000111"); // returned: rating
const c = intake("Lê Văn Cường", "001203001111", "0911222333"); // wrong factors
const e = intake("Phạm Thị Dung", "001203002222", "0911444555"); // ready
for (const s of ["processing", "result_ready", "returned"]) d.cli("status", b.code, s, "--reason", "test");
for (const s of ["processing", "result_ready"]) d.cli("status", e.code, s, "--reason", "test");
d.cli("status", a.code, "processing", "--reason", "test");

// Two overdue dossiers from the provincial system; one got an apology.
const imp = path.join(d.dir, "late.jsonl");
const late = (seq, name) => ({ code: `000.00.19.H49-261102-${seq}`, procedure_code: "1.001612.000.00.00.H49",
  procedure_name: "Đăng ký thành lập hộ kinh doanh", field: "Hộ kinh doanh", agency_code: "000.00.19.H49",
  applicant_name: name, applicant_id_no: "001203005555", channel: "online",
  received_at: "2026-11-02T08:00:00+07:00", due_at: "2026-11-05T08:00:00+07:00", status: 4 });
fs.writeFileSync(imp, [late("0101", "Hoàng Văn Em"), late("0102", "Vũ Thị Gấm")].map((x) => JSON.stringify(x)).join("\n") + "\n");
d.cli("import", imp);
d.cli("apology", "000.00.19.H49-261102-0101", "--reason", "Cần xác minh", "--new-due", "2027-01-15");
const lateToken = (code) => d.cli("token", code).split("\n")[0].trim();

// A packet sent by post that the office resolved as lost on its manifest.
const LOST_S10 = "RR528469375VN";
const regFile = path.join(d.dir, "postal.json");
fs.writeFileSync(regFile, JSON.stringify({ item_id: LOST_S10,
  applicant: { name: "Đỗ Văn Hải", address: "Số 4 Lê Lợi, Hạ Long", phone: "0903333444", id_number: "001203003333" },
  procedure_code: "1.001612.000.00.00.H49",
  documents: [{ name: "Giấy đề nghị", originals: 1, copies: 0, checked: true }],
  fees_vnd: 0, service: "send", seal_intact: true, station: "HL-09" }));
const lostReg = JSON.parse(d.cli("postal", "register", "--file", regFile));
const manifest = JSON.parse(d.cli("postal", "close", "--station", "HL-09")).manifest_id;
d.cli("postal", "resolve", manifest, LOST_S10, "--as", "lost", "--reason", "bưu điện báo thất lạc");

const browser = await launch();
const ORIGIN = `127.0.0.1:${d.port}`;
const KIOSK = (t) => `${d.url}/?terminal=${t}`;

// A page that records every host it asks, at the portrait kiosk size.
async function page(terminal = "hall-1", size = { width: 1080, height: 1920 }) {
  const p = await browser.newPage({ viewport: size });
  p.hosts = new Set();
  p.errors = [];
  p.on("request", (r) => p.hosts.add(new URL(r.url()).host));
  p.on("pageerror", (err) => p.errors.push(String(err)));
  await p.goto(KIOSK(terminal));
  await p.waitForSelector("#idle:not(.hidden)");
  await waitFor(() => p.evaluate(() => window.kioskStats.ready), 5000, "page ready");
  await waitFor(() => p.evaluate(() => window.kioskStats.streamOpen), 5000, "event stream open");
  return p;
}
async function done(p) {
  assert([...p.hosts].every((h) => h === ORIGIN), "only the daemon is asked: " + [...p.hosts]);
  assert(p.errors.length === 0, "no script errors: " + p.errors);
  await p.close();
}
async function scan(terminal, payload) {
  const r = await fetch(`${d.url}/api/v1/test/terminals/${terminal}/scan`, { method: "POST", body: payload });
  assert(r.status === 202, "scan injected: " + r.status);
  return r.json();
}
async function typeCode(p, code, digits) {
  await p.click("#type-code");
  await p.waitForSelector("#typing:not(.hidden)");
  await p.fill("#code", code);
  await p.click("#code-ok");
  await p.waitForSelector("#factor:not(.hidden)");
  for (const ch of digits) await p.click(`#factor-pad button:text-is("${ch}")`);
  await p.click("#factor-ok");
}
const text = (p, sel) => p.textContent(sel);

test("idle screen: instructions, keypad entry, large targets", async () => {
  const p = await page();
  const body = await text(p, "#idle");
  assert(body.includes("Quét mã") && body.includes("Nhập mã hồ sơ"), "instructions in Vietnamese: " + body);
  const small = await p.evaluate(() => [...document.querySelectorAll("button")].filter((b) => b.offsetParent)
    .map((b) => b.getBoundingClientRect()).filter((r) => r.width < 48 || r.height < 48).length);
  assert(small === 0, "every visible touch target is at least 48 px");
  await shot(p, "kiosk-idle");
  await p.setViewportSize({ width: 1920, height: 1080 });
  await shot(p, "kiosk-idle-landscape");
  await done(p);
});

test("a QR scan on the event stream shows the status card", async () => {
  const p = await page();
  const hello = await scan("hall-1", `${d.url}/l/${b.token}\r\n`);
  assert(hello.streams >= 1, "the page listens on its terminal's stream");
  await p.waitForSelector("#card:not(.hidden)");
  const card = await text(p, "#card");
  assert(card.includes("Tr** T** B***"), "masked name: " + card);
  assert(card.includes("Đăng ký thành lập hộ kinh doanh"), "procedure name");
  assert(!card.includes("Trần Thị Bình") && !card.includes("0987000111") && !card.includes("9876"), "no personal data");
  const html = await p.content();
  assert(!html.includes(b.token) && !html.includes(b.code), "neither token nor code in the page");
  assert(!(await p.url()).includes(b.token), "nothing in the URL");
  const storage = await p.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length);
  assert(storage === 0, "nothing in storage");
  await shot(p, "kiosk-card");
  await done(p);
});

test("a typed code with the right second factor shows the card", async () => {
  const p = await page();
  // a code that cannot be one gets a clear hint, on a keypad of big keys
  await p.click("#type-code");
  await p.waitForSelector("#typing:not(.hidden)");
  assert((await p.inputValue("#code")) === "000.00.19.H49-", "the office's prefix is filled in");
  const small = await p.evaluate(() => [...document.querySelectorAll("#typing button")]
    .map((b) => b.getBoundingClientRect()).filter((r) => r.width < 48 || r.height < 48).length);
  assert(small === 0, "keypad keys are at least 48 px");
  await p.click('#code-pad button:text-is("7")');
  await p.click("#code-ok");
  await p.waitForSelector("#code-hint.error");
  assert((await text(p, "#code-hint")).includes("000.00.19.H49-261125-0003"), "the hint shows the shape");
  await shot(p, "kiosk-typing-hint");
  await p.click("#typing .back");
  // spaces, lower case and a Vietnamese keyboard's en dash are forgiven
  await typeCode(p, " " + e.code.toLowerCase().replace(/-/g, " – ") + " ", "2222");
  await p.waitForSelector("#card:not(.hidden)");
  const card = await text(p, "#card");
  assert(card.includes("Ph** T** D***"), "masked name: " + card);
  assert(card.includes("Mời ông/bà đến nhận kết quả tại"), "where to collect a ready result: " + card);
  assert(card.includes("UBND tỉnh Quảng Ninh"), "the collecting office");
  assert(!(await p.content()).includes("2222"), "the digits are not kept in the page");
  await shot(p, "kiosk-typed-card");
  await done(p);
});

test("a scanned plain code asks for the second factor first", async () => {
  const p = await page("hall-4");
  await scan("hall-4", a.code + "\n");
  await p.waitForSelector("#factor:not(.hidden)");
  assert((await text(p, "#factor-head")).includes("4 số cuối của số CCCD"), "asks for the ID digits");
  for (const ch of "4567") await p.click(`#factor-pad button:text-is("${ch}")`);
  await p.click("#factor-ok");
  await p.waitForSelector("#card:not(.hidden)");
  assert((await text(p, "#st-text")).includes("Đang giải quyết"), "status in plain words");
  await done(p);
});

test("a wrong factor gets the generic message, then the rate limit", async () => {
  const p = await page("hall-3");
  await typeCode(p, c.code, "0000");
  await p.waitForSelector("#msg:not(.hidden)");
  const wrong = await text(p, "#msg-text");
  assert(wrong.includes("chưa đúng"), "generic message: " + wrong);
  // an unknown code reads exactly the same
  await p.click("#msg-ok");
  await typeCode(p, "000.00.19.H49-261125-9999", "1111");
  await p.waitForSelector("#msg:not(.hidden)");
  assert((await text(p, "#msg-text")) === wrong, "the same words for an unknown code");
  await p.click("#msg-ok");
  await typeCode(p, c.code, "0001");
  await p.waitForSelector("#msg:not(.hidden)");
  await p.click("#msg-ok");
  await typeCode(p, c.code, "1111"); // even the right digits wait now
  await p.waitForSelector("#msg-wait:not(.hidden)");
  const wait = await text(p, "#msg-wait");
  assert(/Xin đợi (\d+ giây|khoảng \d+ phút)/.test(wait), "cool-down on screen: " + wait);
  assert(await p.isDisabled("#msg-ok"), "no retry during the cool-down");
  await shot(p, "kiosk-rate-limited");
  const log = fs.readFileSync(path.join(d.dir, "motcuad.log"), "utf8");
  assert(!/0000|0001|1111/.test(log.replace(/\d{6}-\d{4}/g, "")), "digits never logged");
  assert(log.includes("rate limited"), "the limit is logged with the code");
  await done(p);
});

test("an overdue dossier shows the apology and the new date", async () => {
  const p = await page();
  await scan("hall-1", lateToken("000.00.19.H49-261102-0101"));
  await p.waitForSelector("#card:not(.hidden)");
  const ap = await text(p, "#c-apology");
  assert(ap.includes("xin lỗi") && ap.includes("15/01/2027"), "apology and new date: " + ap);
  await shot(p, "kiosk-apology");
  await scan("hall-1", lateToken("000.00.19.H49-261102-0102"));
  await waitFor(async () => (await text(p, "#c-name")).startsWith("V"), 5000, "next card");
  assert((await text(p, "#st-text")).includes("Đã quá hạn"), "overdue in plain words");
  assert((await p.getAttribute("#st", "class")).includes("late"), "the overdue colour");
  assert((await text(p, "#c-apology")).includes("quá hạn"), "an overdue note without an apology");
  await done(p);
});

test("the card clears itself after the configured time", async () => {
  const p = await page();
  await scan("hall-1", a.token);
  await p.waitForSelector("#card:not(.hidden)");
  const n = Number(await text(p, "#countdown"));
  assert(n > 0 && n <= 12, "a visible countdown: " + n);
  await p.waitForSelector("#idle:not(.hidden)", { timeout: 20000 });
  assert((await text(p, "#c-name")) === "", "the masked name is gone from the page");
  // and a new scan replaces a card at once
  await scan("hall-1", b.token);
  await p.waitForSelector("#card:not(.hidden)");
  await scan("hall-1", a.token);
  await waitFor(async () => (await text(p, "#c-name")).startsWith("Ng"), 5000, "the next card");
  await shot(p, "kiosk-auto-clear");
  await done(p);
});

test("the language toggle switches to English and back", async () => {
  const p = await page();
  await scan("hall-1", a.token);
  await p.waitForSelector("#card:not(.hidden)");
  await p.click("#lang");
  const en = await text(p, "#card");
  assert(en.includes("Procedure") && en.includes("Being processed"), "English card: " + en);
  assert((await p.getAttribute("html", "lang")) === "en", "lang attribute");
  await shot(p, "kiosk-english");
  await p.click("#done");
  await p.waitForSelector("#idle:not(.hidden)");
  assert((await text(p, "h1")) === "Tra cứu hồ sơ", "the next person starts in Vietnamese");
  await done(p);
});

test("a catalogue search without accents finds the procedure", async () => {
  const p = await page();
  await p.click("#open-cat");
  await p.waitForSelector("#catalogue:not(.hidden)");
  for (const ch of "dang ky khai sinh") {
    if (ch === " ") await p.click("#cat-pad button.wide");
    else await p.click(`#cat-pad button:text-is("${ch.toUpperCase()}")`);
  }
  await waitFor(async () => (await text(p, "#cat-list")).includes("Đăng ký khai sinh"), 5000, "search result");
  assert(!(await text(p, "#cat-list")).includes("hộ kinh doanh"), "only matching procedures");
  await p.click("#cat-list button");
  const det = await text(p, "#cat-detail");
  assert(det.includes("Giấy chứng sinh") && det.includes("1 ngày làm việc") && det.includes("Quầy số 3") &&
    det.includes("Không mất phí"), "documents, time, fee and counter: " + det);
  await shot(p, "kiosk-catalogue");
  await done(p);
});

test("a returned dossier can be rated once", async () => {
  const p = await page();
  await scan("hall-1", b.token);
  await p.waitForSelector("#rate:not(.hidden)");
  await p.click('#rate button[data-rating="very_satisfied"]');
  await waitFor(async () => (await text(p, "#rate-msg")).includes("Cảm ơn"), 5000, "thanks");
  await shot(p, "kiosk-rating");
  const full = JSON.parse(d.cli("show", b.code, "--json"));
  assert(full.rating_name === "very_satisfied", "stored on the dossier: " + full.rating_name);
  // a second lookup shows the rating, with no buttons to rate again
  await p.click("#done");
  await scan("hall-1", b.token);
  await p.waitForSelector("#rate:not(.hidden)");
  assert(await p.isDisabled('#rate button[data-rating="unsatisfied"]'), "one rating per dossier");
  assert((await text(p, "#rate-msg")).includes("Rất hài lòng"), "the rating given");
  // a dossier still in progress offers no rating
  await scan("hall-1", a.token);
  await waitFor(async () => (await text(p, "#c-name")).startsWith("Ng"), 5000, "next card");
  assert(await p.isHidden("#rate"), "no rating before the result is returned");
  await done(p);
});

test("print button: hidden without a printer, disabled when it is down", async () => {
  const p = await page();
  await scan("hall-1", e.token);
  await p.waitForSelector("#card:not(.hidden)");
  assert(await p.isHidden("#print"), "hidden when no printer is configured");
  await fetch(d.url + "/api/v1/test/printer", { method: "POST", body: '{"configured":true,"available":false}' });
  await p.reload();
  await p.waitForSelector("#idle:not(.hidden)");
  await waitFor(() => p.evaluate(() => window.kioskStats.ready), 5000, "page ready");
  await scan("hall-1", e.token);
  await p.waitForSelector("#print:not(.hidden)");
  assert(await p.isDisabled("#print"), "disabled when unavailable");
  assert((await text(p, "#print-msg")).includes("Máy in"), "with a message");
  await shot(p, "kiosk-printer-down");
  await fetch(d.url + "/api/v1/test/printer", { method: "POST", body: '{"configured":false,"available":false}' });
  await done(p);
});

test("huge or binary scans never reach the page as markup", async () => {
  const p = await page();
  await scan("hall-1", "<img src=x onerror=alert(1)>");
  await p.waitForSelector("#msg:not(.hidden)");
  assert((await text(p, "#msg-text")).includes("chưa đọc được"), "unreadable scan message");
  assert(!(await p.content()).includes("onerror"), "the payload is not in the page");
  const r = await fetch(`${d.url}/api/v1/test/terminals/hall-1/scan`, { method: "POST", body: "x".repeat(4000) });
  assert(r.status === 413, "huge payloads refused");
  await scan("hall-1", Buffer.from([0, 1, 2, 255, 254, 10]));
  await p.waitForSelector("#msg:not(.hidden)");
  await done(p);
});

test("a malformed API reply shows the out-of-service screen", async () => {
  const p = await page();
  await p.route("**/api/v1/kiosk/procedures*", (r) => r.fulfill({ status: 200, body: "{not json", contentType: "application/json" }));
  await p.click("#open-cat");
  await p.waitForSelector("#down:not(.hidden)");
  await p.unroute("**/api/v1/kiosk/procedures*");
  await p.waitForSelector("#down", { state: "hidden", timeout: 15000 });
  await done(p);
});

test("the daemon stopped: out of service, then recovery by itself", async () => {
  const p = await page();
  // the daemon goes away on purpose: its stream breaks and the page's
  // polls are refused until it is back (lib.mjs would fail them)
  expectConsole(/ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/);
  await d.stop();
  await p.waitForSelector("#down:not(.hidden)", { timeout: 20000 });
  assert((await text(p, "#down")).includes("tạm thời ngừng phục vụ"), "out-of-service text");
  await shot(p, "kiosk-out-of-service");
  await d.start();
  await p.waitForSelector("#down", { state: "hidden", timeout: 30000 });
  // the event stream is back too: a scan shows a card again
  await waitFor(() => p.evaluate(() => window.kioskStats.streamOpen), 30000, "stream reconnected");
  await scan("hall-1", a.token);
  await p.waitForSelector("#card:not(.hidden)");
  await shot(p, "kiosk-recovered");
  await done(p);
});

test("every response is no-store; test endpoints are off by default", async () => {
  for (const u of ["/", "/kiosk.js", "/kiosk.css", "/fonts/DejaVuSans.ttf", "/api/v1/kiosk"]) {
    const r = await fetch(d.url + u);
    assert(r.ok && r.headers.get("cache-control") === "no-store", u + " no-store");
  }
  const plain = await new Daemon().init();
  await plain.start();
  const r = await fetch(`${plain.url}/api/v1/test/terminals/hall-1/scan`, { method: "POST", body: "x" });
  assert(r.status === 404, "refused without kiosk.test_endpoints: " + r.status);
  await plain.stop();
  plain.cleanup();
});

test("a lost postal packet says so, with the S10 id for the post office", async () => {
  const p = await page();
  await scan("hall-1", lostReg.token);
  await p.waitForSelector("#card:not(.hidden)");
  const st = await text(p, "#st-text"), lost = await text(p, "#c-lost");
  assert(st.includes("thất lạc"), "its own state: " + st);
  assert(lost.includes("liên hệ bưu điện") && lost.includes(LOST_S10), "what to do, with the S10 id: " + lost);
  assert((await text(p, "#st-sub")) === "", "no empty 'Hẹn trả'");
  assert((await text(p, "#c-due")).includes("Chưa có"), "no due date, said in words");
  assert(!(await text(p, "#st-text")).includes("Đang giải quyết"), "not 'being processed'");
  await shot(p, "kiosk-postal-lost");
  await p.click("#lang");
  const en = await text(p, "#card");
  assert(en.includes("lost") && en.includes("contact the post office") && en.includes(LOST_S10), "English: " + en);
  assert(!en.includes("online"), "not 'submitted online': " + en);
  await done(p);
});

test("landscape: a card with ratings keeps Done and its countdown on screen", async () => {
  for (const size of [{ width: 1920, height: 1080 }, { width: 1440, height: 1080 }, { width: 1080, height: 1920 }]) {
    const p = await page("hall-1", size);
    await scan("hall-1", b.token); // returned: the rating block shows
    await p.waitForSelector("#rate:not(.hidden)");
    for (const sel of ["#done", "#countdown", "#rate button[data-rating=unsatisfied]"]) {
      const r = await p.evaluate((q) => { const b = document.querySelector(q).getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; }, sel);
      assert(r.top >= 0 && r.bottom <= size.height, `${sel} on screen at ${size.width}x${size.height}: ${JSON.stringify(r)}`);
    }
    await shot(p, `kiosk-rating-${size.width}x${size.height}`);
    await done(p);
  }
});

test("the typing screen takes a physical keyboard at once", async () => {
  const p = await page();
  await p.click("#type-code");
  await p.waitForSelector("#typing:not(.hidden)");
  assert((await p.evaluate(() => document.activeElement && document.activeElement.id)) === "code", "the code field has focus");
  await p.keyboard.type(e.code.slice("000.00.19.H49-".length));
  assert((await p.inputValue("#code")) === e.code, "typed after the prefix: " + (await p.inputValue("#code")));
  await p.keyboard.press("Enter");
  await p.waitForSelector("#factor:not(.hidden)");
  await done(p);
});

test("screen readers: ⌫ has a name, the digit dots say how many", async () => {
  const p = await page();
  await scan("hall-1", a.code);
  await p.waitForSelector("#factor:not(.hidden)");
  const del = await p.getAttribute('#factor-pad button:text-is("⌫")', "aria-label");
  assert(del && del.includes("Xoá"), "⌫ is named: " + del);
  assert((await p.getAttribute("#dots-say", "aria-live")) === "polite", "a live region");
  assert((await p.getAttribute("#dots", "aria-hidden")) === "true", "the dots themselves are silent");
  await p.click('#factor-pad button:text-is("4")');
  await p.click('#factor-pad button:text-is("5")');
  const said = await text(p, "#dots-say");
  assert(said.includes("2 trên 4") && !said.includes("4 5") && !/45/.test(said), "how many, never which: " + said);
  await p.click("#lang");
  assert((await text(p, "#dots-say")) !== "" && (await p.getAttribute('#factor-pad button:text-is("⌫")', "aria-label")).includes("Delete"),
    "in English too");
  await p.click('#factor-pad button:text-is("⌫")');
  assert((await text(p, "#dots-say")).includes("1 of 4"), "after ⌫: " + (await text(p, "#dots-say")));
  await p.click("#factor .back");
  await done(p);
});

test("a typo in ?terminal= says the kiosk is not set up, and the daemon logs it", async () => {
  for (const [id, logged] of [["hall-l", 'terminal "hall-l"'], ["Hall 1", "a malformed terminal id"]]) {
    const before = fs.readFileSync(path.join(d.dir, "motcuad.log"), "utf8").length;
    const p = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    p.errors = []; p.hosts = new Set();
    p.on("request", (r) => p.hosts.add(new URL(r.url()).host));
    p.on("pageerror", (err) => p.errors.push(String(err)));
    await p.goto(`${d.url}/?terminal=${encodeURIComponent(id)}`);
    await p.waitForSelector("#misconf:not(.hidden)");
    assert(await p.isHidden("#down"), "not 'out of service'");
    const msg = await text(p, "#misconf");
    assert(msg.includes("chưa được cài đặt đúng") && msg.includes("not set up") && msg.includes(id), "a clear message: " + msg);
    await shot(p, "kiosk-unknown-terminal");
    await waitFor(() => fs.readFileSync(path.join(d.dir, "motcuad.log"), "utf8").slice(before)
      .includes("kiosk: a page asks for " + logged), 5000, "the warning in the log: " + logged +
      fs.readFileSync(path.join(d.dir, "motcuad.log"), "utf8").slice(before).slice(-600));
    await done(p);
    // the log window: one line a minute, so the second id is checked on
    // a fresh daemon below
    if (id === "hall-l") { await d.stop(); await d.start(); }
  }
});

test("a long lockout waits in minutes", async () => {
  const p = await page();
  await p.route("**/api/v1/lookup", (r) => r.fulfill({ status: 429, headers: { "Retry-After": "704" },
    contentType: "application/json", body: '{"error":{"field":"code","message":"too many wrong attempts"}}' }));
  await typeCode(p, a.code, "4567");
  await p.waitForSelector("#msg-wait:not(.hidden)");
  const wait = await text(p, "#msg-wait");
  assert(wait.includes("khoảng 12 phút") && !wait.includes("giây"), "minutes, not 704 seconds: " + wait);
  await p.click("#lang");
  await waitFor(async () => (await text(p, "#msg-wait")).includes("about 12 minutes"), 2000, "English minutes");
  await p.unroute("**/api/v1/lookup");
  await done(p);
});

test("a kiosk prints a lookup's slip once; a phone is never offered printing", async () => {
  await fetch(d.url + "/api/v1/test/printer", { method: "POST", body: '{"configured":true,"available":true}' });
  const p = await page("hall-2");
  await scan("hall-2", e.token);
  await p.waitForSelector("#print:not(.hidden)");
  assert(!(await p.isDisabled("#print")), "the kiosk offers its printer");
  await p.click("#print");
  await waitFor(async () => (await text(p, "#print-msg")).includes("Đang in"), 5000, "printing");
  assert(await p.isDisabled("#print"), "one slip per lookup");
  await done(p);
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  phone.errors = []; phone.hosts = new Set();
  phone.on("request", (r) => phone.hosts.add(new URL(r.url()).host));
  phone.on("pageerror", (err) => phone.errors.push(String(err)));
  await phone.goto(`${d.url}/l/${e.token}`);
  await phone.waitForSelector("#card:not(.hidden)");
  assert(await phone.isHidden("#print"), "no print button on a phone");
  await done(phone);
  await fetch(d.url + "/api/v1/test/printer", { method: "POST", body: '{"configured":false,"available":false}' });
});

const failed = await run();
// The README shows the real idle screen and card: with UPDATE_DOCS=1 the
// run copies them into docs/img (a plain check leaves the tree clean).
if (process.env.UPDATE_DOCS === "1") {
  fs.mkdirSync(path.join(ROOT, "docs", "img"), { recursive: true });
  for (const name of ["kiosk-idle", "kiosk-card"])
    if (fs.existsSync(path.join(SHOTS, name + ".png")))
      fs.copyFileSync(path.join(SHOTS, name + ".png"), path.join(ROOT, "docs", "img", name + ".png"));
}
await browser.close();
await d.stop();
d.cleanup();
process.exit(failed ? 1 : 0);
