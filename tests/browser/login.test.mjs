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
  ["boss", "admin", "admin-pass-1"], ["k1", "kiosk", "4321"]]) {
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
  assert(visible === 3, "an admin sees every staff page: " + visible);
  await shot(page, "staff-home");
  await page.click("#logout");
  await page.waitForSelector("#login:not([hidden])");
  const r = await page.evaluate(async () => (await fetch("/api/v1/session")).status);
  assert(r === 401, "signed out: " + r);
  await signIn(page, "k1", "4321");
  await page.waitForSelector("#home:not([hidden])");
  assert((await page.locator("#pages li:visible").count()) === 0, "a kiosk account sees no staff page");
  await page.close();
});

test("next never leaves the host", async () => {
  const page = await browser.newPage();
  for (const next of ["//example.com/x", "/\\example.com", "https://example.com/"]) {
    await page.goto(base + "/staff/login?next=" + encodeURIComponent(next));
    await page.waitForSelector("#login:not([hidden]), #home:not([hidden])");
    if (await page.isVisible("#login")) await signIn(page, "lan", "staff-pass-1");
    await page.waitForSelector("#home:not([hidden])");
    assert(new URL(page.url()).host === new URL(base).host, "stayed on the host: " + page.url());
  }
  await page.close();
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
