// lookup.test.mjs: the lookup URL printed for a dossier opens its status
// card in a real browser, with only the daemon as a host.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Daemon, launch, test, run, assert, shot, ROOT } from "./lib.mjs";

// A real printer (to a file) and a kiosk terminal: a phone opening the
// lookup URL must still never be offered printing.
const printed = path.join(os.tmpdir(), `motcua-lookup-printer-${process.pid}.bin`);
const d = await (await new Daemon(`[kiosk]
terminals = hall-1
[printer]
enabled = true
backend = file
device = ${printed}
data_dir = ${ROOT}/data/printer
`).init());
await d.start();
const cat = path.join(d.dir, "procedures.jsonl");
fs.writeFileSync(cat, JSON.stringify({ code: "1.001612.000.00.00.H49",
  name: "Đăng ký thành lập hộ kinh doanh", field: "Hộ kinh doanh", days: 3 }) + "\n");
d.cli("catalogue", "import", cat);
const res = JSON.parse(d.cli("intake", "--procedure", "1.001612.000.00.00.H49",
  "--name", "Nguyễn Văn An", "--phone", "0912345678", "--json"));
const browser = await launch();

test("lookup URL shows the status card", async () => {
  const page = await browser.newPage({ viewport: { width: 1080, height: 1200 } });
  const hosts = new Set();
  page.on("request", (r) => hosts.add(new URL(r.url()).host));
  await page.goto(res.lookup_url);
  await page.waitForSelector("#card:not(.hidden)");
  const text = await page.textContent("#card");
  assert(text.includes("Ng**** V** A*"), "masked name on the card: " + text);
  assert(text.includes("Đăng ký thành lập hộ kinh doanh"), "procedure on the card");
  assert(!text.includes("0912345678") && !text.includes("Nguyễn Văn An"), "no personal data");
  await shot(page, "lookup-card");
  await page.click("#lang");
  assert((await page.textContent("#card")).includes("Procedure"), "English labels");
  assert([...hosts].every((h) => h === `127.0.0.1:${d.port}`), "only the daemon is asked: " + [...hosts]);
  await page.close();
});

// The intake above printed its receipt (POST /api/v1/dossiers queues it
// when a printer is configured): wait for it, so that only what the phone
// may cause is measured.
async function printerSettled() {
  const size = () => (fs.existsSync(printed) ? fs.statSync(printed).size : 0);
  for (let i = 0, last = -1; i < 100; i++) {
    const now = size();
    if (now > 0 && now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 200));
  }
  return size();
}

test("a phone opening the lookup URL is never offered printing", async () => {
  const before = res.print_job ? await printerSettled() : 0;
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await page.goto(res.lookup_url);
  await page.waitForSelector("#card:not(.hidden)");
  assert(await page.isHidden("#print"), "no print button on the phone view");
  const cfg = await page.evaluate(() => fetch("/api/v1/kiosk").then((r) => r.json()));
  assert(cfg.printer.configured === false, "the daemon offers no printer without a terminal");
  const ticket = await page.evaluate((t) => fetch("/api/v1/kiosk/token/" + t).then((r) => r.json()).then((j) => j.ticket),
    res.lookup_url.split("/l/")[1]);
  const st = await page.evaluate((tk) => fetch("/api/v1/kiosk/print", { method: "POST", body: JSON.stringify({ ticket: tk }) })
    .then((r) => r.status), ticket);
  assert(st === 403, "a direct request from the phone prints nothing: " + st);
  await new Promise((r) => setTimeout(r, 1000)); // a job would print by now
  const after = fs.existsSync(printed) ? fs.statSync(printed).size : 0;
  assert(after === before, `nothing reached the printer (${before} bytes before, ${after} after)`);
  await page.close();
});

test("an unknown token gets a plain message", async () => {
  const page = await browser.newPage();
  await page.goto(d.url + "/l/ZZZZZZZZZZZZZZZZ");
  await page.waitForSelector("#msg:not(.hidden)");
  assert((await page.textContent("#msg")).includes("Không tìm thấy"), "not-found message");
  await page.close();
});

const failed = await run();
await browser.close();
await d.stop();
d.cleanup();
fs.rmSync(printed, { force: true });
process.exit(failed ? 1 : 0);
