// reports.test.mjs: the staff report page in a real browser. The page is
// served on the admin Unix socket only, which a browser cannot open, so
// the test puts a tiny loopback TCP proxy in front of the socket (the
// way docs/reports.md tells staff to use socat).
import net from "node:net";
import path from "node:path";
import { Daemon, ROOT, SHOTS, launch, test, run, assert, shot } from "./lib.mjs";

const d = await (await new Daemon().init());
await d.start();
d.cli("import", path.join(ROOT, "tests/system/fixtures/reports-2021-04.jsonl"));

// loopback TCP -> admin socket, one socket pair per connection
const proxy = net.createServer((c) => {
  const u = net.connect(d.sock);
  c.pipe(u);
  u.pipe(c);
  const end = () => { c.destroy(); u.destroy(); };
  c.on("error", end);
  u.on("error", end);
  c.on("close", end);
  u.on("close", end);
});
await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${proxy.address().port}`;
const browser = await launch();

test("the page shows the summary and three SVG charts", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const hosts = new Set();
  page.on("request", (r) => hosts.add(new URL(r.url()).host));
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30&by=week");
  const summary = await page.textContent("#summary");
  assert(summary.includes("45.46%") && summary.includes("36.36%") && summary.includes("18.18%"),
    "channel shares: " + summary);
  assert(summary.includes("37.50%") && summary.includes("25.00%"), "resolved shares");
  for (const id of ["chart-channel", "chart-result", "chart-pending"]) {
    const box = await page.locator("#" + id).boundingBox();
    assert(box && box.width > 300 && box.height > 100, id + " is drawn");
  }
  // 5 weeks; a segment only where a count is not zero: 3 + 2 + 2 + 1 + 1
  const bars = await page.locator("#chart-channel rect.bar").count();
  assert(bars === 9, "channel bars: " + bars);
  const pts = (await page.getAttribute("#chart-pending polyline.s0", "points")).trim().split(/\s+/);
  assert(pts.length === 5, "one pending point per week: " + pts.length);
  assert((await page.getAttribute("#recon-verify", "href")).startsWith("/api/v1/sync/verify?from="), "the upstream comparison links the sync verify");
  assert((await page.textContent("#recon-postal")).includes("No postal manifests yet"), "no postal manifests in the fixture");
  assert([...hosts].every((h) => h === new URL(base).host), "no outside host (no CDN): " + [...hosts]);
  await shot(page, "reports");
  // the whole page, for docs/reports.md (copied there by hand)
  await page.screenshot({ path: path.join(SHOTS, "reports-full.png"), fullPage: true });
  await page.close();
});

test("the period picker reloads the page for the new period", async () => {
  const page = await browser.newPage();
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30");
  await page.fill("input[name=from]", "2021-03-01");
  await page.fill("input[name=to]", "2021-03-31");
  await page.selectOption("select[name=by]", "day");
  await Promise.all([page.waitForURL(/from=2021-03-01/), page.click("button[type=submit]")]);
  const summary = await page.textContent("#summary");
  assert(/Tiếp nhận mới \(received\)\s*3/.test(summary), "3 received in March: " + summary);
  const pts = (await page.getAttribute("#chart-pending polyline.s0", "points")).trim().split(/\s+/);
  assert(pts.length === 31, "one point per day of March: " + pts.length);
  await page.close();
});

test("a number drills down to its dossier codes", async () => {
  const page = await browser.newPage();
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30&by=week");
  await Promise.all([page.waitForURL(/cell=late/), page.click("#summary a[href*='cell=late']")]);
  const codes = await page.locator("#codes li").allTextContents();
  assert(codes.length === 2 && codes[0] === "000.00.19.H49-210402-0002", "late codes: " + codes);
  await page.goBack();
  // reconciliation: local postal count of the first week, then its codes
  const link = page.locator("#recon-local tbody tr").first().locator("a").nth(2);
  assert((await link.textContent()) === "1", "postal in week 1");
  await Promise.all([page.waitForURL(/channel=postal/), link.click()]);
  assert((await page.locator("#codes li").allTextContents()).join() === "000.00.19.H49-210401-0002",
    "the postal dossier accepted on 1 April");
  await page.close();
});

test("export links answer CSV, XLSX and the A4 form", async () => {
  const page = await browser.newPage();
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30");
  const csv = await page.evaluate(async () => {
    const r = await fetch(document.querySelector("#x-06a-csv").href);
    return r.text();
  });
  assert(csv.split("\n")[4].startsWith(",Tổng cộng,13,4,7,2,8,3,3,2,5,2,3"), "06a total row (0406-0001 keeps its due date here, so early): " + csv);
  const xlsx = await page.evaluate(async () => {
    const r = await fetch(document.querySelector("#x-06a-xlsx").href);
    const b = new Uint8Array(await r.arrayBuffer());
    return { type: r.headers.get("content-type"), zip: b[0] === 0x50 && b[1] === 0x4b };
  });
  assert(xlsx.zip && xlsx.type.includes("spreadsheetml"), "xlsx download: " + JSON.stringify(xlsx));
  await page.click("#x-06a-html");
  await page.waitForSelector("table.f06a");
  assert((await page.locator("table.f06a tbody tr").count()) === 3, "2 fields and the total");
  await page.close();
});

const failed = await run();
await browser.close();
proxy.close();
await d.stop();
d.cleanup();
process.exit(failed ? 1 : 0);
