// postal.test.mjs: the postal staff pages in a real browser (issue 6's
// browser test): the clerk registration page and the office reconciliation
// page on the real motcuad's staff listener, logged in with real accounts.
// Items are typed (a keyboard-wedge scanner types the same way); the
// receipt and the manifest go to a print-to-file printer. Screenshots for
// docs/postal.md are written to build/screenshots/postal-*.png;
// UPDATE_DOCS=1 copies them into docs/img (a plain check leaves the tree
// clean).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Daemon, launch, test, run, assert, waitFor, ROOT, SHOTS } from "./lib.mjs";

const PROC = "1.001612.000.00.00.H49";
const AGENCY = "000.00.19.H49";
const d = await new Daemon("", { staff: true }).init();

// A serial scanner on each desk, as the scanner tests do it: a socat pty
// pair; motcuad's serial shell opens .dev, the test "scans" into .in.
async function scanner(name) {
  const dev = path.join(d.dir, name + ".dev"), inp = path.join(d.dir, name + ".in");
  const proc = spawn("socat", [`pty,raw,echo=0,link=${dev}`, `pty,raw,echo=0,link=${inp}`], { stdio: "ignore" });
  await waitFor(() => fs.existsSync(dev) && fs.existsSync(inp), 5000, "socat's links");
  execFileSync("stty", ["-F", inp, "raw", "-echo"]); // no CR -> LF, no echo
  const fd = fs.openSync(inp, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  return { dev, scan: (text) => fs.writeSync(fd, text + "\r\n"), close() { fs.closeSync(fd); proc.kill(); } };
}
const desk = { clerk1: await scanner("clerk1"), desk1: await scanner("desk1") };
// print to file: the receipt's and the manifest's "printed to" path; the
// desks' scanners feed the staff terminals clerk1 and desk1
fs.appendFileSync(d.conf, `[printer]
enabled = true
backend = file
device = ${d.dir}/printer.out
data_dir = ${ROOT}/data/printer
[scanner]
terminals = clerk1, desk1
[scanner.clerk1-serial]
type = serial
device = ${desk.clerk1.dev}
terminal = clerk1
[scanner.desk1-serial]
type = serial
device = ${desk.desk1.dev}
terminal = desk1
`);
try {
  await d.start();
} catch (e) { // e.g. a build without the staff listener (server.staff_listen)
  console.log("FAIL motcuad did not start:", e.message);
  console.log(fs.readFileSync(path.join(d.dir, "motcuad.log"), "utf8").split("\n").slice(-5).join("\n"));
  console.log("0 passed, 1 failed");
  await d.stop();
  for (const k of Object.values(desk)) k.close();
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

const USERS = { clerk: ["buucuc.hl1", "postal_clerk"], office: ["motcua.nhan", "office_staff"] };
const PASSWORD = "mật-khẩu-thử-1234";
for (const [name, role] of Object.values(USERS)) userAdd(name, role, PASSWORD);

// The auth branch's CLI: the password comes on stdin, never in argv.
function userAdd(name, role, password) {
  d.cliInput(password + "\n", "user", "add", name, "--role", role, "--password-stdin");
}

// A valid S10 id for serial (8 digits): weights 8 6 4 2 3 5 9 7, 10 -> 0, 11 -> 5.
function s10(prefix, serial) {
  const w = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * w[i];
  let c = 11 - (sum % 11);
  c = c === 10 ? 0 : c === 11 ? 5 : c;
  return `${prefix}${serial}${c}VN`;
}
const ITEM1 = s10("RR", "12345678"); // RR123456785VN
const ITEM2 = s10("RR", "20261125");
const ITEM3 = s10("EE", "00000042");
const ITEM4 = s10("CP", "31415926"); // typed with the keyboard only
const ITEM5 = s10("RR", "27182818"); // registered across a session's end
const ITEM6 = s10("LB", "16180339"); // scanned, then cancelled
const ITEM7 = s10("RR", "14142135"); // registered after a stale CSRF token
const BADCHECK = ITEM2.slice(0, 10) + ((Number(ITEM2[10]) + 1) % 10) + "VN";
const STRAY = s10("RR", "99999999"); // not on any manifest
const state = { manifest: null, codes: {} };

const browser = await launch();

// A page in its own context (its own cookies), logged in as who through
// the session API, which records every request so the test can check
// that writes carry the CSRF token and no other host is asked.
async function staffPage(who, url) {
  const ctx = await browser.newContext({ viewport: { width: 960, height: 900 } });
  const page = await ctx.newPage();
  page.seen = [];
  page.on("request", (r) => page.seen.push({ method: r.method(), url: r.url(), headers: r.headers() }));
  page.on("pageerror", (e) => { page.errors = (page.errors || []).concat(String(e)); });
  if (who) {
    const r = await ctx.request.post(base + "/api/v1/session", { data: { user: USERS[who][0], password: PASSWORD } });
    assert(r.status() === 200, "login " + who + ": " + r.status());
  }
  if (url) {
    await page.goto(base + url);
    await page.waitForSelector("body:not(.booting)");
  }
  return page;
}
async function done(page) {
  assert(!page.errors, "no script errors: " + page.errors);
  const hosts = new Set(page.seen.map((r) => new URL(r.url).host));
  assert([...hosts].every((h) => h === new URL(base).host), "no other host (no CDN): " + [...hosts]);
  // every write but the sign-in itself (which makes the token)
  const signIn = (x) => x.method === "POST" && new URL(x.url).pathname === "/api/v1/session";
  for (const r of page.seen.filter((x) => !["GET", "HEAD"].includes(x.method) && !signIn(x)))
    assert(r.headers["x-csrf-token"], "a write without X-CSRF-Token: " + r.method + " " + r.url);
  await page.context().close();
}
// Screenshots of one part of the page: small enough for the docs.
const DOC_SHOTS = new Set();
async function shot(page, name, sel = "main") {
  DOC_SHOTS.add(name);
  await page.locator(sel).first().screenshot({ path: path.join(SHOTS, name + ".png") });
}
const text = async (page, sel) => (await page.textContent(sel)) || "";
const visible = (page, sel) => page.isVisible(sel);

async function typeItem(page, id) {
  await page.fill("#item", id);
  await page.press("#item", "Enter");
}
// The form for a checked, new item: everything a clerk fills in.
async function fillForm(page, o = {}) {
  await page.waitForSelector("#reg:not(.hidden)");
  if (o.name !== "") await page.fill("#a-name", o.name || "Nguyễn Văn An");
  await page.fill("#a-addr", "Số 12 đường Lê Lợi, phường Hồng Gai, Hạ Long");
  await page.fill("#a-phone", "0912345678");
  await page.fill("#a-id", "022087001234");
  await page.fill("#proc-q", "ho kinh doanh");
  await page.press("#proc-q", "ArrowDown"); // picks the first match, as a keyboard user does
  await page.waitForSelector("#docs-body tr");
  await page.check("#docs-body [data-field='documents.0.checked']");
  await page.check("#docs-body [data-field='documents.1.checked']");
  await page.fill("#docs-body [data-field='documents.1.copies']", "2");
  await page.fill("#fees", o.fees || "100000");
  await page.fill("#fee-no", "BL-0001234");
  await page.fill("#agency", AGENCY);
  if (o.service === "both") {
    await page.check("input[name=service][value=both]");
    await page.fill("#ret-addr", "Số 12 đường Lê Lợi, phường Hồng Gai, Hạ Long");
  }
  await page.check("#seal");
}

test("no session: the login page, then back to the clerk page; sign-out", async () => {
  const page = await staffPage(null, null);
  await page.goto(base + "/staff/postal/clerk?station=clerk1");
  await page.waitForURL(/\/staff\/login\?next=/);
  const next = new URL(page.url()).searchParams.get("next");
  // the daemon's redirect keeps the path and the query (the station)
  assert(next === "/staff/postal/clerk?station=clerk1", "next: " + next);
  await page.fill("#user", USERS.clerk[0]);
  await page.fill("#password", PASSWORD);
  await page.press("#password", "Enter");
  await page.waitForURL(/\/staff\/postal\/clerk/);
  await page.waitForSelector("body:not(.booting)");
  await waitFor(async () => (await text(page, "#who")).includes(USERS.clerk[0]), 5000, "signed in");
  // sign-out is a write: it carries the CSRF token and ends at the login page
  await page.click("#logout");
  await page.waitForURL(/\/staff\/login\?next=/);
  const r = await page.context().request.get(base + "/api/v1/session");
  assert(r.status() === 401, "the session is gone: " + r.status());
  await done(page);
});

test("the pages are not on the public listener", async () => {
  for (const p of ["/staff/postal/clerk", "/staff/postal/office", "/staff/postal/clerk.js"]) {
    const r = await fetch(d.url + p);
    assert(r.status === 404, p + " on the public listener: " + r.status);
  }
  // the staff listener needs a session: it sends the browser to sign in
  const r0 = await fetch(base + "/staff/postal/clerk", { redirect: "manual" });
  assert(r0.status === 303 && (r0.headers.get("location") || "").startsWith("/staff/login"), "staff listener, no session: " + r0.status);
  // the admin socket serves them as it serves every staff route
  const sock = await new Promise((resolve, reject) => {
    http.get({ socketPath: d.sock, path: "/staff/postal/office.js" }, (res) => { res.resume(); resolve(res.statusCode); }).on("error", reject);
  });
  assert(sock === 200, "on the admin socket: " + sock);
  const ctx = await browser.newContext();
  assert((await ctx.request.post(base + "/api/v1/session", { data: { user: USERS.clerk[0], password: PASSWORD } })).ok(), "signed in");
  const r = await ctx.request.get(base + "/staff/postal/clerk");
  assert(r.status() === 200, "on the staff listener: " + r.status());
  const csp = r.headers()["content-security-policy"] || "";
  await ctx.close();
  assert(csp.includes("default-src 'self'"), "the CSP: " + csp);
});

test("clerk: a typed item is checked, registered, and its receipt printed to file", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  assert((await text(page, "#who")).includes(USERS.clerk[0]), "shows who is logged in");
  assert((await text(page, "h1")).includes("Tiếp nhận"), "Vietnamese first");
  await typeItem(page, ITEM1.toLowerCase().replace(/(..)(....)/, "$1 $2")); // typed in lower case with a space
  await page.waitForSelector("#reg:not(.hidden)");
  assert((await text(page, "#s10-msg")).includes(ITEM1), "the normalised id is valid");
  assert(await page.isHidden("#ov-box"), "no override for a valid id");
  await fillForm(page, { service: "both" });
  await shot(page, "postal-clerk-form", "#reg");
  await page.click("#submit");
  await page.waitForSelector("#done:not(.hidden)");
  const code = await text(page, "#done-code");
  assert(/^000\.00\.19\.H49-\d{6}-\d{4}$/.test(code), "the dossier code: " + code);
  state.codes[ITEM1] = code;
  const receipt = await text(page, "#done-receipt");
  assert(receipt.includes("printer.out") || /\d/.test(receipt), "the receipt print status: " + receipt);
  await shot(page, "postal-clerk-done", "#done");
  // The next item, with the keyboard only: the id box has the focus again.
  await page.keyboard.press("Enter"); // "Next item" has the focus
  assert(await page.evaluate(() => document.activeElement.id) === "item", "focus back on the item box");
  await done(page);
});

test("clerk: the same item again opens its registration, no duplicate", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  await typeItem(page, ITEM1);
  await page.waitForSelector("#existing:not(.hidden)");
  assert(await page.isHidden("#reg"), "no form for a registered item");
  const view = await text(page, "#ex-view");
  assert(view.includes(state.codes[ITEM1]), "the same dossier code: " + view);
  assert(view.includes("Nguyễn Văn An"), "the applicant, for staff");
  await shot(page, "postal-clerk-duplicate", "#existing");
  const r = await page.context().request.get(base + "/api/v1/postal/items/" + ITEM1);
  assert(r.status() === 200 && (await r.json()).code === state.codes[ITEM1], "still the one registration");
  await done(page);
});

test("clerk: the desk's scanner: its scans come through the event stream", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  await waitFor(async () => (await page.getAttribute("#stream", "class")).includes("up"), 10000, "the stream");
  desk.clerk1.scan(ITEM1); // registered: its registration opens
  await page.waitForSelector("#existing:not(.hidden)");
  assert((await text(page, "#ex-view")).includes(state.codes[ITEM1]), "the same registration");
  await page.click("#ex-next");
  desk.clerk1.scan("000.00.19.H49-261125-0001"); // a dossier code
  await waitFor(async () => (await text(page, "#s10-msg")).includes("000.00.19.H49-261125-0001"), 5000, "the code arrives");
  assert((await page.getAttribute("#s10-msg", "class")).includes("warn"), "a dossier code is not an item id");
  desk.clerk1.scan("xin chào");
  await waitFor(async () => (await text(page, "#s10-msg")).includes("Máy quét không đọc được"), 5000, "an unreadable scan");
  desk.clerk1.scan(ITEM6); // a new item: its form opens
  await page.waitForSelector("#reg:not(.hidden)");
  assert((await text(page, "#reg-item")) === ITEM6, "the form for the scanned item");
  await page.fill("#a-name", "Đặng Thị Giang");
  desk.clerk1.scan(ITEM4); // a scan while the form holds typing: refused
  await waitFor(async () => (await text(page, "#s10-msg")).includes("Đăng ký hoặc Huỷ"), 5000, "the form is kept");
  assert(await page.inputValue("#a-name") === "Đặng Thị Giang", "the typing is kept");
  await page.click("#cancel");
  await done(page);
});

test("clerk: a bad format is refused; a bad check digit needs an override reason", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  await typeItem(page, "RR12345VN");
  await waitFor(async () => (await page.getAttribute("#s10-msg", "class")).includes("bad"), 5000, "the refusal");
  assert((await text(page, "#s10-msg")).length > 12, "with the reason: " + (await text(page, "#s10-msg")));
  // the reason in the page's language, never the daemon's English
  assert((await text(page, "#s10-msg")).includes("chỗ này phải là chữ số") &&
    !/expected|digit/.test(await text(page, "#s10-msg")), "in Vietnamese: " + (await text(page, "#s10-msg")));
  assert(await page.isHidden("#reg"), "no form for a bad format");

  await typeItem(page, BADCHECK);
  await page.waitForSelector("#reg:not(.hidden)");
  assert(await visible(page, "#ov-box"), "the override box");
  assert((await page.getAttribute("#s10-msg", "class")).includes("warn"), "a warning, not a refusal");
  assert((await text(page, "#s10-msg")).includes(ITEM2[10]), "says the right check digit");
  for (const sel of ["#s10-msg", "#ov-warn"]) {
    const said = await text(page, sel);
    assert(said.includes("chữ số kiểm tra không khớp") && !said.includes("check digit"),
      sel + " says it in Vietnamese only (issue 15, item 14): " + said);
  }
  await page.click("#lang");
  await waitFor(async () => (await text(page, "#ov-warn")).includes("check digit does not match"),
    5000, "the English reason after the toggle");
  await page.click("#lang");
  await fillForm(page, { name: "Trần Thị Bình" });
  await page.click("#submit");
  await page.waitForSelector(".ferr[data-for=override_reason]:not(.hidden)");
  assert(await page.getAttribute("#override", "aria-invalid") === "true", "the reason box is marked");
  await shot(page, "postal-clerk-override", "#ov-box");
  await page.fill("#override", "Nhãn in lệch, bưu cục xác nhận mã đúng như trên nhãn");
  await page.click("#submit");
  await page.waitForSelector("#done:not(.hidden)");
  state.codes[BADCHECK] = await text(page, "#done-code");
  await done(page);
});

test("clerk: a field the API refuses is shown at that field, nothing saved", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  await typeItem(page, ITEM3);
  await fillForm(page, { name: "" }); // no applicant name
  await page.click("#submit");
  await page.waitForSelector(".ferr[data-for='applicant.name']:not(.hidden)");
  assert(await page.getAttribute("#a-name", "aria-invalid") === "true", "the name field is marked");
  assert(await visible(page, "#form-msg"), "and the form says it was not saved");
  // the daemon's {"error": {"field", "message"}}: its message, at the field and above
  const why = (await text(page, ".ferr[data-for='applicant.name']")).trim();
  assert(why && !why.includes("[object") && !why.includes("HTTP"), "the daemon's message at the field: " + why);
  assert((await text(page, "#form-msg")).includes(why), "and in the form's message");
  // in Vietnamese from the page's one table, not the daemon's English
  // ("applicant.name: is required"), by the error's field
  assert(why.startsWith("Họ và tên") && !/\b(is|must|required|not|the|than)\b/i.test(why),
    "the field error in Vietnamese: " + why);
  assert(!/\b(is|must|required|not|the|than)\b/i.test(await text(page, "#reg")), "no English in the form");
  assert((await page.context().request.get(base + "/api/v1/postal/items/" + ITEM3)).status() === 404, "nothing saved");
  await shot(page, "postal-clerk-field-error", "#reg fieldset:nth-of-type(2)");
  // a fee that is not a number is caught at its field too
  await page.fill("#a-name", "Lê Văn Cường");
  await page.fill("#fees", "một trăm");
  await page.click("#submit");
  await page.waitForSelector(".ferr[data-for=fees_vnd]:not(.hidden)");
  await page.fill("#fees", "0");
  await page.click("#submit");
  await page.waitForSelector("#done:not(.hidden)");
  state.codes[ITEM3] = await text(page, "#done-code");
  await done(page);
});

test("clerk: a whole registration with the keyboard only", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  const k = page.keyboard;
  await waitFor(async () => (await page.evaluate(() => document.activeElement.id)) === "item", 5000, "the cursor in the scan box");
  await k.type(ITEM4);
  await k.press("Enter"); // a keyboard-wedge scanner ends the same way
  await page.waitForSelector("#reg:not(.hidden)");
  await waitFor(async () => (await page.evaluate(() => document.activeElement.id)) === "a-name", 5000, "focus on the name");
  for (const v of ["Hoàng Thị Em", "0911000222", "Tổ 3, khu 5, phường Bãi Cháy", "022190004321"]) {
    await k.type(v);
    await k.press("Enter"); // on to the next field, never a half-sent form
  }
  assert(await page.evaluate(() => document.activeElement.id) === "proc-q", "then the procedure search");
  await k.type("ho kinh");
  await k.press("ArrowDown"); // the first match
  await k.press("Enter"); // on to its checklist
  await waitFor(async () => (await page.evaluate(() => document.activeElement.dataset.field)) === "documents.0.checked", 5000, "the checklist");
  await k.press("Space");
  for (let i = 0; i < 3; i++) await k.press("Tab"); // originals, copies, next document
  await k.press("Space");
  for (let i = 0; i < 3; i++) await k.press("Tab"); // its counts, then the fees
  assert(await page.evaluate(() => document.activeElement.id) === "fees", "on to the fees");
  await k.press("Control+A");
  await k.type("0");
  await k.press("Enter");
  await k.press("Enter"); // no fee receipt
  await k.type(AGENCY);
  await k.press("Tab"); // the service: "send" is chosen
  await k.press("Tab"); // the seal
  await k.press("Space");
  await k.press("Tab"); // the Register button
  await k.press("Enter");
  await page.waitForSelector("#done:not(.hidden)");
  state.codes[ITEM4] = await text(page, "#done-code");
  assert(await page.evaluate(() => document.activeElement.id) === "done-next", "focus on Next item");
  await done(page);
});

test("clerk: the session ends mid-form: nothing typed is lost", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  const req = page.context().request;
  await typeItem(page, ITEM5);
  await fillForm(page, { name: "Vũ Văn Phúc" });
  // the session ends (signed out elsewhere)
  const s = await (await req.get(base + "/api/v1/session")).json();
  assert((await req.delete(base + "/api/v1/session", { headers: { "X-CSRF-Token": s.csrf } })).status() < 300, "signed out");
  await page.click("#submit");
  await waitFor(async () => (await text(page, "#form-msg")).includes("Phiên đăng nhập đã hết"), 5000, "the page says so");
  assert(page.url().includes("/staff/postal/clerk"), "still on the page");
  assert(await page.inputValue("#a-name") === "Vũ Văn Phúc", "the form is kept");
  // signed in again (as in another tab): the same button now registers
  const r = await req.post(base + "/api/v1/session", { data: { user: USERS.clerk[0], password: PASSWORD } });
  assert(r.status() === 200, "signed in again");
  await page.click("#submit");
  await page.waitForSelector("#done:not(.hidden)");
  state.codes[ITEM5] = await text(page, "#done-code");
  await done(page);
});

test("clerk: close the batch: the manifest with its items", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk1");
  await page.click("#close-batch");
  await page.waitForSelector("#manifest:not(.hidden)");
  state.manifest = await text(page, "#m-id");
  assert(/^BK\d{8}-\d{4}$/.test(state.manifest), "the manifest id: " + state.manifest);
  assert((await text(page, "#m-count")).trim() === "5", "5 items: " + (await text(page, "#m-count")));
  const items = await text(page, "#m-items");
  for (const i of [ITEM1, BADCHECK, ITEM3, ITEM4, ITEM5]) assert(items.includes(i), "lists " + i);
  // its print job, followed to the end (print to file: done at once)
  await waitFor(async () => (await text(page, "#m-print")).includes("đã in xong"), 10000, "the manifest printed: " + (await text(page, "#m-print")));
  await shot(page, "postal-clerk-manifest", "#batch");
  await page.click("#close-batch"); // nothing left to close
  await waitFor(async () => (await page.getAttribute("#batch-msg", "class")).includes("info"), 5000, "nothing to close");
  await done(page);
});

test("office: open the manifest, receive, see the missing one, resolve, sign", async () => {
  assert(state.manifest, "needs the manifest from the clerk test");
  const page = await staffPage("office", "/staff/postal/office?station=desk1");
  await page.waitForSelector(`#t-list tr[data-id='${state.manifest}']`);
  await waitFor(async () => (await page.getAttribute("#stream", "class")).includes("up"), 10000, "the stream");
  desk.desk1.scan(state.manifest); // the manifest's barcode, on the desk's scanner
  await page.waitForSelector("#view:not(.hidden)");
  assert((await text(page, "#v-id")) === state.manifest, "the manifest view");
  assert((await page.locator("#t-expected tbody tr").count()) === 5, "5 expected");

  const receive = async (id) => {
    const before = await text(page, "#scan-msg");
    await page.fill("#scan-in", id);
    await page.press("#scan-in", "Enter");
    await waitFor(async () => (await text(page, "#scan-msg")) !== before && (await text(page, "#scan-msg")).includes(id), 5000, "receive " + id);
    return page.getAttribute("#scan-msg", "class");
  };
  assert((await receive(ITEM1)).includes("ok"), "accepted");
  assert((await receive(BADCHECK)).includes("ok"), "accepted");
  assert((await receive(ITEM4)).includes("ok"), "accepted");
  desk.desk1.scan(ITEM5); // a packet on the desk's scanner
  await waitFor(async () => (await text(page, "#scan-msg")).includes(ITEM5), 5000, "the scanned packet");
  assert((await page.getAttribute("#scan-msg", "class")).includes("ok"), "accepted from the scanner");
  assert((await receive(ITEM1)).includes("info"), "a second scan: already received");
  assert((await receive(STRAY)).includes("warn"), "not on this manifest");
  await page.waitForSelector(`#l-unexpected li[data-item='${STRAY}']`);
  const count = async (k) => Number(await page.textContent(`#v-counts li[data-count=${k}] b`));
  assert((await count("arrived")) === 4, "4 arrived");
  assert((await count("unexpected")) === 1, "1 unexpected");
  await page.waitForSelector(`#l-missing li[data-item='${ITEM3}']`);
  assert((await count("missing")) === 1, "1 missing");
  await shot(page, "postal-office-receiving", "#view");

  // resolve the missing one as lost, the unexpected one as returned
  const li = page.locator(`#l-missing li[data-item='${ITEM3}']`);
  await li.locator("button").click(); // nothing chosen: refused at the field
  await li.locator(".ferr[data-for=resolution]:not(.hidden)").waitFor();
  await li.locator("select").selectOption("lost");
  await li.locator("button").click(); // no reason yet: refused at the field
  await li.locator(".ferr[data-for=reason]:not(.hidden)").waitFor();
  await li.locator("input").fill("Bưu cục xác nhận thất lạc trên đường vận chuyển");
  await li.locator("button").click();
  await page.waitForSelector(`#l-missing li.resolved[data-item='${ITEM3}']`);
  const ux = page.locator(`#l-unexpected li[data-item='${STRAY}']`);
  await ux.locator("select").selectOption("returned");
  await ux.locator("input").fill("Không thuộc cơ quan này, trả lại bưu cục");
  assert((await receive(BADCHECK)).includes("info"), "a scan meanwhile..."); // re-renders the view
  assert(await ux.locator("input").inputValue() === "Không thuộc cơ quan này, trả lại bưu cục", "...keeps the half-typed reason");
  await ux.locator("button").click();
  await page.waitForSelector(`#l-unexpected li.resolved[data-item='${STRAY}']`);

  // sign: both names required
  await page.fill("#giver", "Phạm Văn Giao");
  await page.click("#sign-btn");
  await page.waitForSelector(".ferr[data-for=receiver]:not(.hidden)");
  await page.fill("#receiver", "Đỗ Thị Nhận");
  await page.click("#sign-btn");
  await page.waitForSelector("#signed:not(.hidden)");
  const signed = await text(page, "#signed");
  assert(signed.includes("Phạm Văn Giao") && signed.includes("Đỗ Thị Nhận"), "both signatories: " + signed);
  await waitFor(async () => (await page.getAttribute("#v-state", "class")).includes("reconciled"), 5000, "reconciled");
  await page.waitForSelector(`#t-list tr[data-id='${state.manifest}'] .badge.reconciled`);
  await shot(page, "postal-office-signed", "#view");
  await done(page);
});

test("office: English toggle; a clerk account may not use the office page", async () => {
  const page = await staffPage("office", "/staff/postal/office");
  await page.click("#lang");
  assert((await text(page, "h1")).includes("reconciliation"), "English");
  await page.click("#lang");
  assert((await text(page, "h1")).includes("bảng kê"), "Vietnamese again");
  await done(page);
  const clerk = await staffPage("clerk", "/staff/postal/office");
  await clerk.waitForSelector("#fatal:not(.hidden)");
  assert(await clerk.isHidden("#scan"), "no scan box for a clerk");
  await done(clerk);
});

test("clerk: a write refused for a stale CSRF token is sent again once with the new one", async () => {
  const page = await staffPage("clerk", "/staff/postal/clerk?station=clerk2");
  await typeItem(page, ITEM7);
  await fillForm(page, { name: "Đỗ Thị Giang" });
  // signed in again in another tab: a new session, a new CSRF token; the
  // listener refuses the page's old one with field X-CSRF-Token
  const r = await page.context().request.post(base + "/api/v1/session", { data: { user: USERS.clerk[0], password: PASSWORD } });
  assert(r.status() === 200, "signed in again");
  await page.click("#submit");
  await page.waitForSelector("#done:not(.hidden)");
  const posts = page.seen.filter((x) => x.method === "POST" && new URL(x.url).pathname === "/api/v1/postal/items");
  assert(posts.length === 2, "refused once, then sent with the new token: " + posts.length);
  assert(posts[0].headers["x-csrf-token"] !== posts[1].headers["x-csrf-token"], "with another token");
  // one Idempotency-Key per submit, and the page's own retry reuses it
  assert(/^[0-9a-f]{32}$/.test(posts[0].headers["idempotency-key"] || ""), "a key per submit: " + posts[0].headers["idempotency-key"]);
  assert(posts[1].headers["idempotency-key"] === posts[0].headers["idempotency-key"], "the retry reuses the key");
  await done(page);
});

const failed = await run({});
if (process.env.UPDATE_DOCS === "1") {
  fs.mkdirSync(path.join(ROOT, "docs", "img"), { recursive: true });
  for (const name of DOC_SHOTS)
    if (fs.existsSync(path.join(SHOTS, name + ".png")))
      fs.copyFileSync(path.join(SHOTS, name + ".png"), path.join(ROOT, "docs", "img", name + ".png"));
}
await browser.close();
await d.stop();
for (const k of Object.values(desk)) k.close();
if (!failed) d.cleanup();
process.exit(failed ? 1 : 0);
