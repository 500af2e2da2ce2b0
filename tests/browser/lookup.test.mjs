// lookup.test.mjs: the lookup URL printed for a dossier opens its status
// card in a real browser, with only the daemon as a host.
import fs from "node:fs";
import path from "node:path";
import { Daemon, launch, test, run, assert, shot } from "./lib.mjs";

const d = await (await new Daemon().init());
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
process.exit(failed ? 1 : 0);
