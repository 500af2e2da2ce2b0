// hub.test.mjs: the hub's offices page (docs/sync.md, "The offices page")
// in a real browser, on a hub's staff listener, signed in as office staff:
// every office of the tokens file with its last push, backlog, items and
// last error, the one never heard from marked silent, styled by the
// stylesheet the daemon serves (lib.mjs fails a test on any console error
// or CSP violation); a terminal (not a hub) has no such page.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Daemon, freePort, launch, test, run, assert, shot } from "./lib.mjs";

const TOK1 = "t1-" + "b".repeat(40), TOK2 = "t2-" + "c".repeat(40);
const d = await (await new Daemon("", { staff: true }).init());
const syncPort = await freePort();
const tokens = path.join(d.dir, "hub-tokens");
fs.writeFileSync(tokens, `t1 ${TOK1} 000.00.19.H49\nt2 ${TOK2} 000.00.20.H49\n`, { mode: 0o600 });
fs.appendFileSync(d.conf, `[sync]\nrole = hub\n[hub]\ndb_path = ${d.dir}/hub.db\n` +
  `tokens_file = ${tokens}\nlisten = 127.0.0.1:${syncPort}\n`);
await d.start();
d.cliInput("office-pass-15\n", "user", "add", "hoa", "--role", "office_staff", "--password-stdin");
const base = d.staffUrl;
const browser = await launch();

async function officePage(url, opts) {
  const page = await browser.newPage(opts);
  const r = await page.request.post(url + "/api/v1/session",
    { data: { user: "hoa", password: "office-pass-15" } });
  assert(r.status() === 200, "hoa signs in: " + r.status() + " " + await r.text());
  return page;
}

// t1 pushes a new dossier and a status of a dossier the hub never had
// (rejected), saying 12 items wait behind them; t2 never calls.
const at = Math.floor(Date.now() / 1000);
const push = { items: [
  { key: "a".repeat(32), kind: "dossier_new", code: "000.00.19.H49-260105-0001", seq: 1, base: 0,
    at, status: 2, dossier: { agency_code: "000.00.19.H49", procedure_code: "P", owner_name: "Lê Văn Tám",
      channel: 1, delivery: 0, received_at: at } },
  { key: "b".repeat(32), kind: "status", code: "000.00.19.H49-260105-0002", seq: 2, base: 0, at, status: 4 },
] };
const pr = await fetch(`http://127.0.0.1:${syncPort}/sync/v1/push`, { method: "POST",
  headers: { Authorization: "Bearer " + TOK1, "Content-Type": "application/json",
    "Content-Encoding": "gzip", "X-Motcua-Backlog": "12" },
  body: zlib.gzipSync(JSON.stringify(push)) });
const pj = await pr.json();
assert(pr.status === 200 && pj.results[0].result === "ok" && pj.results[1].result === "rejected",
  "t1's push: " + pr.status + " " + JSON.stringify(pj));

test("the offices page shows each office's last push, backlog and errors, and the silent one", async () => {
  const page = await officePage(base, { viewport: { width: 1280, height: 700 } });
  await page.goto(base + "/staff/hub");
  await page.waitForSelector("#offices tbody tr[data-terminal=t2]");
  const row = async (t, sel) => (await page.textContent(`tr[data-terminal=${t}] ${sel}`)).trim();
  assert((await row("t1", ".backlog")) === "12", "t1's backlog");
  assert((await row("t1", ".items")) === "1", "t1's items stored");
  assert((await row("t1", ".rejected")) === "1", "t1's rejected item");
  assert((await row("t1", ".lasterror")).includes("000.00.19.H49-260105-0002"), "t1's last error names the item");
  assert(!(await row("t1", ".lastpush")).includes("never"), "t1 has pushed");
  assert((await row("t1", ".state")).includes("ok"), "t1 is heard from");
  assert((await page.getAttribute("tr[data-terminal=t2]", "class")) === "silent", "t2 is marked silent");
  assert((await row("t2", ".lastpush")).includes("never"), "t2 never pushed");
  assert((await page.textContent("#summary")).includes("2 điểm"), "the summary counts the offices");
  // styled by the served stylesheet: the silent row's background
  const bg = await page.evaluate(() =>
    getComputedStyle(document.querySelector("tr.silent td")).backgroundColor);
  assert(bg === "rgb(253, 236, 234)", "the silent row is styled: " + bg);
  await shot(page, "hub-offices");
  await page.close();
});

test("the province report of a period, by agency and channel, with the province's 06a", async () => {
  const page = await officePage(base, { viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/staff/hub");
  await page.waitForSelector("#report tbody tr");
  const first = await page.$$eval("#report tbody tr", (trs) => trs.map((tr) =>
    [...tr.children].map((td) => td.textContent)));
  assert(first.length === 1 && first[0][0] === "000.00.19.H49" && first[0][1].startsWith("Trực tiếp"),
    "one row, t1's agency in person: " + JSON.stringify(first));
  assert((await page.textContent("#report tbody .received")) === "1", "one received");
  assert((await page.textContent("#report tbody .pending")) === "1", "and pending at the period's end");
  assert((await page.textContent("#report tfoot .received")) === "1", "the province's total");
  // the 06a links carry the period and answer the form
  const href = await page.getAttribute("#f06a-xlsx", "href");
  assert(href.includes("/api/v1/hub/report/06a?from=") && href.endsWith("&format=xlsx"), href);
  let r = await page.request.get(base + href);
  assert(r.status() === 200 && (r.headers()["content-type"] || "").includes("spreadsheetml"),
    "the XLSX: " + r.status());
  r = await page.request.get(base + await page.getAttribute("#f06a-html", "href"));
  assert(r.status() === 200 && (await r.text()).includes("II.06a"), "the HTML form: " + r.status());
  // a period that ends before it starts: the daemon's reason, shown
  await page.fill("#from", "2026-12-31");
  await page.fill("#to", "2026-01-01");
  await page.click("#period button[type=submit]");
  await page.waitForSelector("#report-error:not(.hidden)");
  const msg = await page.textContent("#report-error");
  assert(/from|to/.test(msg), "the problem named: " + msg);
  await shot(page, "hub-province-report");
  await page.close();
});

test("the offices API checks its argument, and a terminal has no offices page", async () => {
  const page = await officePage(base);
  let r = await page.request.get(base + "/api/v1/hub/offices?silent_after_s=5");
  assert(r.status() === 400 && (await r.text()).includes("silent_after_s"), "a bad silent_after_s: " + r.status());
  r = await page.request.get(base + "/api/v1/hub/offices?silent_after_s=86400");
  const j = await r.json();
  assert(r.status() === 200 && j.offices.find((o) => o.terminal === "t1").silent === false, "t1 within a day");
  await page.close();
  const t = await (await new Daemon("", { staff: true }).init());
  await t.start();
  try {
    t.cliInput("office-pass-15\n", "user", "add", "hoa", "--role", "office_staff", "--password-stdin");
    const tp = await officePage(t.staffUrl);
    const pr2 = await tp.request.get(t.staffUrl + "/staff/hub");
    assert(pr2.status() === 404, "a terminal: 404 for /staff/hub, got " + pr2.status());
    await tp.close();
  } finally {
    await t.stop();
    t.cleanup();
  }
});

const failed = await run();
await browser.close();
await d.stop();
d.cleanup();
process.exit(failed ? 1 : 0);
