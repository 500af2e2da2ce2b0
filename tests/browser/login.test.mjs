// login.test.mjs: the staff sign-in page on the staff listener in a real
// browser: a staff page without a session sends to sign-in and back, a
// wrong password says so, the home lists the pages of the role, sign-out,
// and ?next= never leaves the host.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BUILD, Daemon, freePort, launch, test, run, assert, shot } from "./lib.mjs";

const d = await new Daemon("[auth]\nlockout_user_failures = 20\n").init();
const staffPort = await freePort();
fs.writeFileSync(d.conf, fs.readFileSync(d.conf, "utf8")
  .replace("[store]", `staff_listen = 127.0.0.1:${staffPort}\n[store]`));
await d.start();
const base = `http://127.0.0.1:${staffPort}`;
for (const [name, role, pw] of [["lan", "office_staff", "staff-pass-1"],
  ["boss", "admin", "admin-pass-1"], ["k1", "kiosk", "583920"]]) {
  execFileSync(path.join(BUILD, "motcua"), ["user", "add", name, "--role", role, "--password-stdin"],
    { env: { ...process.env, MOTCUA_SOCKET: d.sock }, input: pw + "\n", encoding: "utf8" });
}
const browser = await launch();

async function signIn(page, user, pw) {
  await page.fill("#user", user);
  await page.fill("#password", pw);
  await page.click("#submit");
}

test("a staff page sends to sign-in and comes back after it", async () => {
  const page = await browser.newPage();
  await page.goto(base + "/staff/reports");
  assert(new URL(page.url()).pathname === "/staff/login", "at the sign-in page: " + page.url());
  assert(new URL(page.url()).searchParams.get("next") === "/staff/reports", "with next");
  await page.waitForSelector("#login:not([hidden])");
  await shot(page, "staff-login");
  await signIn(page, "lan", "wrong-password");
  await page.waitForFunction(() => document.querySelector("#error").textContent.length > 0);
  assert((await page.textContent("#error")).includes("Wrong user name or password"), "error shown");
  assert((await page.inputValue("#password")) === "", "the password box is emptied");
  await signIn(page, "lan", "staff-pass-1");
  await page.waitForURL(base + "/staff/reports");
  const cookies = await page.context().cookies();
  const c = cookies.find((x) => x.name === "motcua_session");
  assert(c && c.httpOnly && c.sameSite === "Strict", "HttpOnly SameSite=Strict cookie");
  assert(!(await page.evaluate(() => document.cookie)).includes("motcua_session"),
    "the script cannot read the session cookie");
  await page.close();
});

test("the home lists the pages of the role, and sign-out", async () => {
  const page = await browser.newPage();
  await page.goto(base + "/staff/");
  await page.waitForSelector("#login:not([hidden])");
  await signIn(page, "boss", "admin-pass-1");
  await page.waitForSelector("#home:not([hidden])");
  assert((await page.textContent("#who")) === "boss", "who");
  const visible = await page.locator("#pages li:visible").count();
  assert(visible === 4, "an admin sees every staff page: " + visible);
  await shot(page, "staff-home");
  await page.click("#logout");
  await page.waitForSelector("#login:not([hidden])");
  const r = await page.evaluate(async () => (await fetch("/api/v1/session")).status);
  assert(r === 401, "signed out: " + r);
  await signIn(page, "k1", "583920");
  await page.waitForSelector("#home:not([hidden])");
  assert((await page.locator("#pages li:visible").count()) === 0, "a kiosk account sees no staff page");
  await page.close();
});

// Hostile ?next= values: the browser's URL parser drops tabs and
// newlines and reads "\\" as "/", so each of these would open another host
// (or leave /staff/) if the page only looked at its first characters.
const HOSTILE = ["//example.com/x", "/\\example.com", "https://example.com/",
  "/\t/evil.example/phish", "/\n/evil.example/phish", "/\r/evil.example/phish",
  "\t//evil.example/phish", "/\\/evil.example/phish", "\\\\evil.example/phish",
  "/staff/../..//evil.example/phish", "/staff/%2e%2e/%2e%2e//evil.example/phish",
  "/%09/evil.example/phish", "/%2F/evil.example/phish", " //evil.example/phish",
  "javascript:alert(1)", "/staff/login?next=//evil.example", "http:evil.example"];

// A request that reached evil.example would show this page instead.
async function trapEvil(page) {
  await page.route((u) => /(^|\.)(evil\.example|example\.com)$/.test(u.hostname), (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<p id=phished>phished</p>" }));
}

test("next never leaves the host", async () => {
  const page = await browser.newPage();
  await trapEvil(page);
  for (const next of HOSTILE) {
    await page.goto(base + "/staff/login?next=" + encodeURIComponent(next));
    await page.waitForSelector("#login:not([hidden]), #home:not([hidden])");
    if (await page.isVisible("#login")) await signIn(page, "lan", "staff-pass-1");
    await page.waitForSelector("#home:not([hidden]), #phished", { timeout: 30000 })
      .catch(() => {});
    const u = new URL(page.url());
    assert(u.host === new URL(base).host, "stayed on the host: " + JSON.stringify(next) + " -> " + page.url());
    assert(await page.isVisible("#home"), "the staff home: " + JSON.stringify(next) + " -> " + page.url());
    await page.click("#logout");
    await page.waitForSelector("#login:not([hidden])");
  }
  await page.close();
});

// The page's own check, with the daemon's (authhdr_next_valid) out of the
// way: the sign-in page is served as is for any ?next=.
test("the page alone refuses hostile next values", async () => {
  const page = await browser.newPage();
  await trapEvil(page);
  const html = await (await fetch(base + "/staff/login")).text();
  await page.route(/\/staff\/login\?next=/, (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  for (const next of HOSTILE) {
    await page.goto(base + "/staff/login?next=" + encodeURIComponent(next));
    await page.waitForSelector("#login:not([hidden]), #home:not([hidden])");
    if (await page.isVisible("#login")) await signIn(page, "lan", "staff-pass-1");
    await page.waitForSelector("#home:not([hidden]), #phished", { timeout: 30000 })
      .catch(() => {});
    assert(new URL(page.url()).host === new URL(base).host,
      "the page stayed on the host: " + JSON.stringify(next) + " -> " + page.url());
    assert(await page.isVisible("#home"), "the staff home: " + JSON.stringify(next));
    await page.click("#logout");
    await page.waitForSelector("#login:not([hidden])");
  }
  // a good next still works: a staff page with its query
  await page.goto(base + "/staff/login?next=" + encodeURIComponent("/staff/reports?from=2026-01-01"));
  await page.waitForSelector("#login:not([hidden])");
  await signIn(page, "lan", "staff-pass-1");
  await page.waitForURL(base + "/staff/reports?from=2026-01-01");
  await page.close();
});

test("the daemon sends a hostile next back to the plain sign-in page", async () => {
  for (const next of HOSTILE) {
    const r = await fetch(base + "/staff/login?next=" + encodeURIComponent(next), { redirect: "manual" });
    assert(r.status === 303 && r.headers.get("location") === "/staff/login",
      "303 to /staff/login for " + JSON.stringify(next) + ": " + r.status);
  }
  const r = await fetch(base + "/staff/login?next=" + encodeURIComponent("/staff/reports?x=1"), { redirect: "manual" });
  assert(r.status === 200, "a staff page is a good next: " + r.status);
});

let failed = 1;
try {
  failed = await run({});
} finally {
  await browser.close();
  await d.stop();
  d.cleanup();
}
process.exit(failed ? 1 : 0);
