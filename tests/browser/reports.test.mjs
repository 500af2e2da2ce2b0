// reports.test.mjs: the staff report pages in a real browser, on the
// staff listener, signed in as office staff (the role that reconciles):
// the summary and charts, the drill-down, the exports and the A4 form,
// each styled by the stylesheets the daemon serves (its CSP blocks inline
// styles, and lib.mjs fails a test on any CSP violation or console error),
// and the reconciliation with upstream filled from the sync verify.
import fs from "node:fs";
import path from "node:path";
import { Daemon, ROOT, SHOTS, launch, test, run, assert, shot, takeProblems } from "./lib.mjs";

const d = await (await new Daemon("", { staff: true }).init());
await d.start();
d.cli("import", path.join(ROOT, "tests/system/fixtures/reports-2021-04.jsonl"));
d.cliInput("office-pass-15\n", "user", "add", "hoa", "--role", "office_staff", "--password-stdin");
const base = d.staffUrl;
const browser = await launch();

// A page signed in as hoa (office_staff): the session's cookie in its
// context, as the sign-in page would leave it.
async function officePage(opts) {
  const page = await browser.newPage(opts);
  const r = await page.request.post(base + "/api/v1/session",
    { data: { user: "hoa", password: "office-pass-15" } });
  assert(r.status() === 200, "hoa signs in: " + r.status() + " " + await r.text());
  return page;
}

test("the page shows the summary and three SVG charts", async () => {
  const page = await officePage({ viewport: { width: 1280, height: 1100 } });
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
  // styled: the stylesheet the daemon serves applies (an inline <style>
  // would be blocked by its CSP and the page would render raw)
  const look = await page.evaluate(() => {
    const cs = (sel) => getComputedStyle(document.querySelector(sel));
    return { font: cs("body").fontFamily, form: cs("form#period").display,
      link: cs(".exports a").borderTopColor, cols: cs(".cols").display };
  });
  assert(look.font.includes("DejaVu Sans") && look.form === "flex" && look.cols === "flex" &&
    look.link === "rgb(59, 110, 165)", "the page is styled: " + JSON.stringify(look));
  await shot(page, "reports");
  // the whole page, for docs/reports.md (copied there by hand)
  await page.screenshot({ path: path.join(SHOTS, "reports-full.png"), fullPage: true });
  await page.close();
});

test("the period picker reloads the page for the new period", async () => {
  const page = await officePage();
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
  const page = await officePage();
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30&by=week");
  await Promise.all([page.waitForURL(/cell=late/), page.click("#summary a[href*='cell=late']")]);
  const codes = await page.locator("#codes li").allTextContents();
  assert(codes.length === 2 && codes[0] === "000.00.19.H49-210402-0002", "late codes: " + codes);
  assert((await page.evaluate(() => getComputedStyle(document.querySelector("ol#codes")).columnCount))
    === "3", "the list is styled");
  // the way back is a plain link to the report of the period
  await Promise.all([page.waitForURL(/\/staff\/reports\?from=2021-04-01/), page.click("#back")]);
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30&by=week");
  // reconciliation: local postal count of the first week, then its codes
  const link = page.locator("#recon-local tbody tr").first().locator("a").nth(2);
  assert((await link.textContent()) === "1", "postal in week 1");
  await Promise.all([page.waitForURL(/channel=postal/), link.click()]);
  assert((await page.locator("#codes li").allTextContents()).join() === "000.00.19.H49-210401-0002",
    "the postal dossier accepted on 1 April");
  await page.close();
});

test("export links answer CSV, XLSX and the A4 form", async () => {
  const page = await officePage();
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
  const cell = await page.evaluate(() => {
    const cs = getComputedStyle(document.querySelector("table.f06a td"));
    return { border: cs.borderTopStyle + " " + cs.borderTopWidth,
      collapse: getComputedStyle(document.querySelector("table.f06a")).borderCollapse,
      font: getComputedStyle(document.body).fontFamily };
  });
  assert(cell.border === "solid 1px" && cell.collapse === "collapse" &&
    cell.font.includes("Times New Roman"), "the A4 form is styled: " + JSON.stringify(cell));
  await page.close();
});

test("office staff see the reconciliation with upstream; without sync it says so", async () => {
  const page = await officePage();
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30");
  await page.waitForFunction(() => document.querySelector("#recon-status").textContent.includes("sync"));
  const st = await page.textContent("#recon-status");
  assert(st.includes("sync is not configured") && !st.includes("role"),
    "office staff reach the verify; it says sync is off: " + st);
  assert((await page.locator("#recon-upstream-table td.na").count()) === 6, "upstream cells say —");
  assert((await page.locator("text=n/a").count()) === 0, "no column that always says n/a");
  await page.close();
});

test("the upstream column shows upstream's counts and the differences", async () => {
  const page = await officePage();
  // upstream's answer as the sync verify gives it (docs/api.md); the
  // verify itself against a real upstream is tests/system/test_sync.py
  await page.route("**/api/v1/sync/verify?*", (route) => route.fulfill({
    status: 200, contentType: "application/json",
    body: JSON.stringify({ from: "2021-04-01", to: "2021-04-30", ok: false,
      local: { 1: 5, 2: 4, 3: 2 }, upstream: { 1: 5, 2: 3, 3: 2 },
      count_differences: [{ channel: "2", name: "online", local: 4, upstream: 3 }],
      missing_upstream: ["000.00.19.H49-210420-0001"], unknown_locally: [] }) }));
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30");
  await page.waitForFunction(() => document.querySelector("td[data-up='2']").textContent === "3");
  const row = async (ch) => [await page.textContent(`td[data-up='${ch}']`),
    await page.textContent(`td[data-diff='${ch}']`), await page.getAttribute(`td[data-diff='${ch}']`, "class")];
  const [up1, d1] = await row("1");
  const [up2, d2, c2] = await row("2");
  assert(up1 === "5" && d1 === "0", "in person matches: " + up1 + " " + d1);
  assert(up2 === "3" && d2 === "+1" && c2.includes("diff"), "online differs by one: " + [up2, d2, c2]);
  assert((await page.textContent("#recon-status")).includes("differs from upstream"), "said");
  assert((await page.textContent("#recon-missing")).includes("000.00.19.H49-210420-0001"),
    "the code upstream lacks");
  assert(await page.evaluate(() => getComputedStyle(document.querySelector("td[data-diff='2']")).color)
    === "rgb(166, 27, 27)", "a difference stands out");
  await shot(page, "reports-reconcile");
  await page.close();
});

test("the guard fails a page whose inline style or script the CSP blocks", async () => {
  // what the report pages did before their styles were files: the test
  // harness must see it, or a raw page would pass (issue 15, item 12)
  const page = await officePage();
  await page.goto(base + "/staff/reports?from=2021-04-01&to=2021-04-30");
  takeProblems();
  await page.evaluate(() => {
    const st = document.createElement("style");
    st.textContent = "body{color:red}";
    document.head.appendChild(st);
    const sc = document.createElement("script");
    sc.textContent = "window.ran = 1";
    document.head.appendChild(sc);
  });
  await new Promise((r) => setTimeout(r, 300));
  const seen = takeProblems();
  assert(seen.some((p) => /CSP violation: style-src/.test(p)), "inline style seen: " + seen);
  assert(seen.some((p) => /CSP violation: script-src/.test(p)), "inline script seen: " + seen);
  assert(!(await page.evaluate(() => window.ran)), "and the script did not run");
  await page.close();
});

// The screenshots the docs show (this page's, docs/img's from the
// counter and postal tests) are files in the tree: a renamed or dropped
// one is caught here, not by a reader.
test("every image docs/*.md references exists", async () => {
  const docs = path.join(ROOT, "docs");
  const missing = [];
  for (const md of fs.readdirSync(docs).filter((f) => f.endsWith(".md"))) {
    const text = fs.readFileSync(path.join(docs, md), "utf8");
    for (const m of text.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g))
      if (!/^https?:/.test(m[1]) && !fs.existsSync(path.join(docs, m[1]))) missing.push(md + ": " + m[1]);
  }
  assert(missing.length === 0, "missing: " + missing.join(", "));
});

const failed = await run();
// UPDATE_DOCS=1 makes docs/reports-staff-page.png (docs/reports.md) this
// run's summary page; a plain check leaves the tree alone.
if (process.env.UPDATE_DOCS === "1" && fs.existsSync(path.join(SHOTS, "reports.png")))
  fs.copyFileSync(path.join(SHOTS, "reports.png"), path.join(ROOT, "docs", "reports-staff-page.png"));
await browser.close();
await d.stop();
d.cleanup();
process.exit(failed ? 1 : 0);
