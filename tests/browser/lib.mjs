// lib.mjs: shared harness for the browser tests. Starts the real motcuad on
// a temporary directory with ephemeral loopback ports, drives Debian's
// Chromium through playwright-core (no browser download), and ends with the
// line "N passed, N failed" that tests/run sums.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const BUILD = path.resolve(ROOT, process.env.BUILD || "build");
export const SHOTS = path.join(ROOT, "build", "screenshots");

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on("error", reject);
  });
}

export async function waitFor(cond, timeoutMs = 10000, what = "condition") {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { if (await cond()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A motcuad on a temp dir. extraConf is appended to the config (INI text).
// opts.staff: also open the staff listener (server.staff_listen) on its
// own port, at this.staffUrl.
export class Daemon {
  constructor(extraConf = "", opts = {}) { this.extraConf = extraConf; this.opts = opts; }

  async init() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "motcua-browser-"));
    this.port = await freePort();
    this.sock = path.join(this.dir, "admin.sock");
    this.conf = path.join(this.dir, "motcuad.conf");
    this.url = `http://127.0.0.1:${this.port}`;
    let staff = "";
    if (this.opts.staff) {
      this.staffPort = await freePort();
      this.staffUrl = `http://127.0.0.1:${this.staffPort}`;
      staff = `staff_listen = 127.0.0.1:${this.staffPort}\n`;
    }
    fs.writeFileSync(this.conf, `[server]
listen = 127.0.0.1:${this.port}
${staff}admin_socket = ${this.sock}
admin_socket_mode = 0600
public_url = ${this.url}
[store]
db_path = ${this.dir}/motcua.db
[office]
name = Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh
agency_code = 000.00.19.H49
agency_name = UBND tỉnh Quảng Ninh
${this.extraConf}
`);
    return this;
  }

  async start() {
    this.log = fs.openSync(path.join(this.dir, "motcuad.log"), "a");
    this.proc = spawn(path.join(BUILD, "motcuad"), ["-d", "-c", this.conf],
      { stdio: ["ignore", this.log, this.log] });
    await waitFor(async () => (await fetch(this.url + "/healthz")).ok, 10000, "motcuad");
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const done = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    await done;
  }

  cli(...args) {
    return execFileSync(path.join(BUILD, "motcua"), ["--actor", "browser.test", ...args],
      { env: { ...process.env, MOTCUA_SOCKET: this.sock }, encoding: "utf8" });
  }

  // The CLI with input on stdin (e.g. a password for --password-stdin).
  cliInput(input, ...args) {
    return execFileSync(path.join(BUILD, "motcua"), ["--actor", "browser.test", ...args],
      { env: { ...process.env, MOTCUA_SOCKET: this.sock }, encoding: "utf8", input });
  }

  cleanup() { fs.rmSync(this.dir, { recursive: true, force: true }); }
}

// --- the page guard ---------------------------------------------------
// Every page of every test is watched: a console error, an uncaught
// exception, a CSP violation (the securitypolicyviolation event, reported
// as a console error by an init script, and Chromium's own "Refused to
// ..." message), a request that failed (not merely aborted by leaving the
// page) or a style, script, image or font the daemon answered with an
// error fails the test that was running, whatever it asserted. An API
// answer of 4xx to a page's fetch is the page's to handle (a 401 before
// sign-in, a 409 when sync is off): Chromium's "Failed to load resource"
// line for it is not counted, the asset check above covers what matters.
// A test that provokes another error on purpose says so with
// expectConsole(/pattern/), for itself only.
let problems = [];
let expected = [];

export function expectConsole(re) { expected.push(re); }

// What the guard has collected for the running test, taken (cleared): for
// the test of the guard itself.
export function takeProblems() { const p = problems; problems = []; return p; }

function problem(text) {
  if (!expected.some((re) => re.test(text))) problems.push(text);
}

function guardPage(page) {
  if (page.__motcuaGuarded) return;
  page.__motcuaGuarded = true;
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (/^Failed to load resource: the server responded with a status of/.test(m.text())) return;
    problem("console error: " + m.text() + " at " + page.url());
  });
  page.on("response", (r) => {
    const kind = r.request().resourceType();
    if (r.status() >= 400 && ["stylesheet", "script", "image", "font", "media"].includes(kind))
      problem(`${kind} ${r.url()} answered ${r.status()}`);
  });
  page.on("pageerror", (e) => problem("uncaught: " + (e && e.message ? e.message : e)));
  page.on("requestfailed", (r) => {
    const why = r.failure() ? r.failure().errorText : "?";
    // leaving a page cancels what it was still loading or streaming
    if (why !== "net::ERR_ABORTED") problem(`request failed: ${r.method()} ${r.url()}: ${why}`);
  });
}

async function guardContext(ctx) {
  if (ctx.__motcuaGuarded) return;
  ctx.__motcuaGuarded = true;
  await ctx.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}` +
        ` in ${e.sourceFile || document.location.pathname}:${e.lineNumber}`);
    });
  });
  ctx.on("page", guardPage);
  for (const p of ctx.pages()) guardPage(p);
}

export async function launch() {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // every context and page the tests open is guarded before it loads
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (opts) => {
    const ctx = await newContext(opts);
    await guardContext(ctx);
    return ctx;
  };
  browser.newPage = async (opts) => {
    const ctx = await browser.newContext(opts);
    const page = await ctx.newPage();
    // closing the page closes its context, as Browser.newPage's does
    page.on("close", () => ctx.close().catch(() => {}));
    return page;
  };
  return browser;
}

const tests = [];
export function test(name, fn) { tests.push({ name, fn }); }

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

// Runs the registered tests in order with a fresh page each; screenshots go
// to build/screenshots/<name>.png via the shot(page, name) helper.
export async function run(ctx) {
  fs.mkdirSync(SHOTS, { recursive: true });
  let passed = 0, failed = 0;
  for (const t of tests) {
    problems = [];
    expected = [];
    try {
      await t.fn(ctx);
      // what a page said after the test's last step still counts
      await new Promise((r) => setTimeout(r, 100));
      if (problems.length > 0)
        throw new Error("the page reported errors:\n  " + problems.join("\n  "));
      console.log("ok  ", t.name);
      passed++;
    } catch (e) {
      console.log("FAIL", t.name + ":", e && e.stack ? e.stack : e);
      failed++;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name + ".png") });
}
