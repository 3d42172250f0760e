// Opens gate's HTML report in Debian's headless Chromium (driven by Playwright's
// playwright-core from tools/) and prints what a person would see, as JSON, for
// tests/html.rs to assert on. Nothing is judged here.
//
//   node browse.cjs TOOLS_DIR PLAN.json
//
// The plan: { report, path (a file whose code viewer to open), lines: [numbers to read],
// shots (folder for screenshots, or null), jenkins (also serve the report with
// Jenkins' default Content Security Policy) }.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const http = require("http");

const [toolsDir, planPath] = process.argv.slice(2);
const { chromium } = require(path.join(toolsDir, "node_modules", "playwright-core"));
const plan = JSON.parse(fs.readFileSync(planPath, "utf8"));

// Jenkins' HTML Publisher serves artifacts with this policy by default.
const JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';";

async function launch() {
  // A fresh profile each time: this machine has no network, and nothing may carry over.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "gate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
  });
  return { context, profile };
}

/// Everything the page asks for, and everything it complains about.
function watch(context, page) {
  const seen = { requests: [], console: [], errors: [], dialogs: [] };
  context.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") seen.console.push(m.text()); });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss(); });
  return seen;
}

const visible = (page, selector) =>
  page.$eval(selector, (e) => getComputedStyle(e).display !== "none" && e.getClientRects().length > 0);

async function lines(page, file, numbers) {
  return page.evaluate(({ file, numbers }) => {
    const gutters = document.querySelectorAll(`#${file} pre.src > a`);
    const out = {};
    for (const n of numbers) {
      const a = gutters[n - 1];
      out[n] = a && { text: a.textContent, classes: a.className, title: a.getAttribute("title") };
    }
    return out;
  }, { file, numbers });
}

async function main() {
  const { context, profile } = await launch();
  const result = {};
  try {
    const page = await context.newPage();
    const seen = watch(context, page);
    const url = "file://" + path.resolve(plan.report);
    await page.goto(url);
    result.title = await page.title();
    result.verdict = (await page.textContent("#verdict")).trim();
    result.overviewVisible = await visible(page, "#overview");
    result.filesVisible = await visible(page, "#files");
    result.conditions = await page.$$eval("#conditions tbody tr", (rows) =>
      rows.map((r) => Array.from(r.cells, (c) => c.textContent.trim())));
    result.scripts = await page.$$eval("script", (s) => s.length);
    result.imgs = await page.$$eval("img, iframe, object, embed", (s) => s.length);
    result.handlers = await page.evaluate(() =>
      Array.from(document.querySelectorAll("*")).flatMap((e) =>
        Array.from(e.attributes).filter((a) => a.name.startsWith("on")).map((a) => a.name)));
    if (plan.shots) {
      fs.mkdirSync(plan.shots, { recursive: true });
      await page.screenshot({ path: path.join(plan.shots, "overview-light.png") });
    }

    // The files table, as listed, then sorted by missed lines (a click).
    await page.click("a[href='#files']");
    const files = () => page.$$eval("#all-files tbody tr:not([hidden])", (rows) =>
      rows.map((r) => [r.cells[0].textContent.trim(), r.cells[3].textContent.trim()]));
    result.files = { listed: await files() };
    await page.click("#all-files th:nth-child(4)");
    result.files.byMissedLines = await files();
    await page.click("#all-files th:nth-child(4)");
    result.files.byMissedLinesAscending = await files();
    await page.check("#filters input[name=issues]");
    result.files.withIssues = await files();

    if (plan.path) {
      // The code viewer of `plan.path`, reached from its row.
      plan.file = await page.$$eval("#all-files td:first-child a", (links, p) =>
        (links.find((a) => a.textContent === p) || { hash: "#" }).hash.slice(1), plan.path);
      result.file = plan.file;
      await page.goto(url + "#" + plan.file);
      result.fileVisible = await visible(page, "#" + plan.file);
      result.overviewHiddenOnFile = !(await visible(page, "#overview"));
      result.heading = (await page.textContent(`#${plan.file} h1`)).trim();
      result.lines = await lines(page, plan.file, plan.lines);
      result.source = await page.textContent(`#${plan.file} pre.src`);
      // Each finding with the number of the line it sits under.
      result.issues = await page.$$eval(`#${plan.file} pre.src > .issue`, (issues) =>
        issues.map((i) => {
          let a = i.previousElementSibling;
          while (a && a.tagName !== "A") a = a.previousElementSibling;
          return { id: i.id, under: a ? parseInt(a.textContent, 10) : null, text: i.textContent };
        }));
      const keys = [];
      for (const key of ["n", "n", "p", "i"]) {
        await page.keyboard.press(key === "I" ? "Shift+I" : key);
        keys.push(await page.evaluate(() => location.hash));
      }
      result.keys = keys;
      if (plan.shots) await page.screenshot({ path: path.join(plan.shots, "code-light.png") });
      result.targetVisible = await page.evaluate(() => {
        const t = document.getElementById(location.hash.slice(1));
        const r = t.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      });
      if (plan.shots) {
        await page.emulateMedia({ colorScheme: "dark" });
        await page.goto(url + keys[keys.length - 1]);
        await page.screenshot({ path: path.join(plan.shots, "code-dark.png") });
        await page.goto(url);
        await page.screenshot({ path: path.join(plan.shots, "overview-dark.png") });
        result.darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      }
    }
    // A narrow window: nothing wider than the screen but the scrolling boxes.
    await page.setViewportSize({ width: 380, height: 800 });
    await page.goto(url);
    result.narrowOverflow = {};
    for (const hash of ["", "#files", "#" + (plan.file || "")]) {
      await page.goto(url + hash);
      result.narrowOverflow[hash] = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    }
    result.seen = JSON.parse(JSON.stringify(seen)); // before the Jenkins page adds to it

    if (plan.jenkins) result.jenkins = await underJenkinsPolicy(context);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result));
}

/// Served as Jenkins serves it: the stylesheet and the script are blocked, so
/// what is left must still say everything.
async function underJenkinsPolicy(context) {
  const html = fs.readFileSync(plan.report);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": JENKINS_CSP });
    res.end(html);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  try {
    const page = await context.newPage();
    const url = `http://127.0.0.1:${server.address().port}/gate.html`;
    await page.goto(url);
    const out = await page.evaluate((file) => ({
      scriptRan: document.documentElement.classList.contains("js"),
      styled: getComputedStyle(document.querySelector("#files")).display === "none",
      text: document.body.innerText,
      fileShown: file ? document.getElementById(file).getClientRects().length > 0 : null,
    }), plan.file);
    if (plan.shots) await page.screenshot({ path: path.join(plan.shots, "jenkins.png") });
    await page.close();
    return out;
  } finally {
    server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
