// tests/bench/kiosk.mjs: `make bench`, the kiosk part. In Debian's
// Chromium against the real motcuad (kiosk.test_endpoints on, so scans are
// injected through the test-only endpoint onto the real event stream):
// - scan to card: from the scan entering the daemon (its wall-clock ms,
//   carried in the event) to the card painted (two animation frames after
//   it is filled), BENCH_KIOSK_SCANS times; the baseline in the same run
//   is a bare fetch of the same lookup from the same page;
// - page weight: bytes of every response of a cold load, fonts excluded;
// - time to interactive: navigation start to the page ready (stream open
//   requested, handlers wired), over cold loads in fresh browser contexts.
// Writes its own section of docs/benchmarks.md, above the Foundation's.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Daemon, launch, waitFor, ROOT } from "../browser/lib.mjs";

const load0 = os.loadavg()[0];
const SCANS = Number(process.env.BENCH_KIOSK_SCANS || 300);
const LOADS = Number(process.env.BENCH_KIOSK_LOADS || 30);
const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
const r1 = (x) => Math.round(x * 10) / 10;

// hall-1 pinned to this machine, as a deployed kiosk is: its page reopened
// 30 times replaces its own oldest stream instead of waiting out the cap
const d = await new Daemon("[kiosk]\nterminals = hall-1@127.0.0.1\ntest_endpoints = true\nclear_after_s = 600\n").init();
await d.start();
const cat = path.join(d.dir, "p.jsonl");
fs.writeFileSync(cat, JSON.stringify({ code: "1.001612.000.00.00.H49", name: "Đăng ký thành lập hộ kinh doanh",
  field: "Hộ kinh doanh", days: 3 }) + "\n");
d.cli("catalogue", "import", cat);
const dossier = JSON.parse(d.cli("intake", "--procedure", "1.001612.000.00.00.H49", "--name", "Nguyễn Văn An",
  "--id-no", "001203004567", "--json"));
const browser = await launch();
const url = `${d.url}/?terminal=hall-1`;

// Cold loads: weight and time to interactive.
const weights = [], tti = [];
for (let i = 0; i < LOADS; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  const page = await ctx.newPage();
  let bytes = 0, fonts = 0;
  page.on("response", async (r) => {
    if (r.url().includes("/events")) return; // the endless stream
    try { const n = (await r.body()).length; if (r.url().includes("/fonts/")) fonts += n; else bytes += n; } catch { /* */ }
  });
  await page.goto(url);
  await waitFor(() => page.evaluate(() => window.kioskStats.ready), 10000, "ready");
  tti.push(await page.evaluate(() => window.kioskStats.readyAt));
  await page.waitForLoadState("networkidle").catch(() => {});
  await new Promise((r) => setTimeout(r, 200));
  weights.push({ bytes, fonts });
  await ctx.close();
}

// Scan to card.
const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
await page.goto(url);
await waitFor(() => page.evaluate(() => window.kioskStats.streamOpen), 10000, "stream");
const lat = [];
for (let i = 0; i < SCANS; i++) {
  const before = await page.evaluate(() => window.kioskStats.cards);
  await fetch(`${d.url}/api/v1/test/terminals/hall-1/scan`, { method: "POST", body: dossier.token });
  await waitFor(() => page.evaluate((n) => window.kioskStats.cards > n, before), 10000, "card");
  lat.push(await page.evaluate(() => window.kioskStats.paintedAt - window.kioskStats.scanAt));
}
const base = await page.evaluate(async ({ token, n }) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch("/api/v1/kiosk/token/" + token + "?terminal=hall-1", { cache: "no-store" });
    await r.json();
    out.push(performance.now() - t0);
  }
  return out;
}, { token: dossier.token, n: SCANS });
await browser.close();
await d.stop();
d.cleanup();

const w = weights[weights.length - 1];
const res = {
  p50: pct(lat, 50), p99: pct(lat, 99), max: Math.max(...lat),
  b50: pct(base, 50), b99: pct(base, 99),
  weight: w.bytes, fonts: w.fonts,
  tti50: pct(tti, 50), tti95: pct(tti, 95), ttimax: Math.max(...tti),
};
console.log("kiosk bench:", JSON.stringify(res));
const verdict = (ok) => (ok ? "met" : "MISSED");
const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) || [])[1] || "?";
const section = `<!-- kiosk-bench:begin -->
## Kiosk (latest \`make bench\`, ${new Date().toISOString().slice(0, 10)})

Written by \`tests/bench/kiosk.mjs\`: Debian's Chromium (headless) against the
real motcuad on loopback, ${cpu}, ${os.cpus().length} cores, load average
${load0.toFixed(2)} at the start and ${os.loadavg()[0].toFixed(2)} at the end (the
tail of scan to card moves with other work on the machine). Scans go in through the test-only endpoint
(\`kiosk.test_endpoints = true\`) and reach the page on the terminal's real
event stream.

| Measure | Result | Target | |
|---|---|---|---|
| Scan to card painted (${SCANS} QR scans) | p50 ${r1(res.p50)} ms, p99 ${r1(res.p99)} ms, max ${r1(res.max)} ms | p99 <= 50 ms | ${verdict(res.p99 <= 50)} |
| Baseline: the same lookup fetched by the page | p50 ${r1(res.b50)} ms, p99 ${r1(res.b99)} ms | | |
| Scan to card / baseline (p50) | ${r1(res.p50 / Math.max(res.b50, 0.1))} x | | |
| Page weight, fonts excluded (HTML, script, styles, config reply) | ${(res.weight / 1024).toFixed(1)} KB | <= 150 KB | ${verdict(res.weight <= 150 * 1024)} |
| Fonts (DejaVu Sans regular and bold, not counted above) | ${(res.fonts / 1024).toFixed(0)} KB | | |
| Time to interactive, cold load (${LOADS} fresh contexts) | p50 ${r1(res.tti50)} ms, p95 ${r1(res.tti95)} ms, max ${r1(res.ttimax)} ms | < 500 ms | ${verdict(res.ttimax < 500)} |

Scan to card runs from the daemon's clock when the scan entered it (carried
in the event) to the first frame after the card was filled (a task queued from its
animation frame callback), on the same machine's clock; at 60 frames a
second the frame alone is up to 16.7 ms. Every response is \`no-store\`, so every load is cold.
<!-- kiosk-bench:end -->
`;
const file = path.join(ROOT, "docs", "benchmarks.md");
let doc = fs.readFileSync(file, "utf8");
if (doc.includes("<!-- kiosk-bench:begin -->"))
  doc = doc.replace(/<!-- kiosk-bench:begin -->[\s\S]*?<!-- kiosk-bench:end -->\n/, section);
else if (doc.includes("<!-- bench:begin -->"))
  doc = doc.replace("<!-- bench:begin -->", section + "\n<!-- bench:begin -->");
else doc += "\n" + section;
fs.writeFileSync(file, doc);
console.log("kiosk bench: results written to docs/benchmarks.md");
