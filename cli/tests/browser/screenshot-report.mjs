// Opens prescreen HTML reports in headless Chromium, fails on console errors, page errors or any
// network request other than the file itself, and saves full-page screenshots.
//   node cli/tests/browser/screenshot-report.mjs OUT_DIR report.html…
// Needs playwright-core (npm) and Chromium at $CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";
import path from "node:path";
import fs from "node:fs";

const [outDir, ...reports] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let failed = false;
for (const report of reports) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  const url = "file://" + path.resolve(report);
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (r.url() !== url) problems.push(`request: ${r.url()}`); });
  page.on("dialog", (d) => { problems.push(`dialog (injected script ran): ${d.message()}`); d.dismiss(); });
  await page.goto(url);
  const svgs = await page.locator("svg").count();
  // Structure, not only behaviour (the report's CSP would stop a script anyway): no element or
  // inline handler may come from data. The report itself has none of these.
  const injected = await page.evaluate(() => [
    ...[...document.querySelectorAll("script, img, iframe, object, embed, a, style ~ style, body style, svg script, foreignObject, textarea")]
      .map((e) => `element ${e.outerHTML.slice(0, 80)}`),
    ...[...document.querySelectorAll("*")].flatMap((e) => [...e.attributes]
      .filter((a) => a.name.startsWith("on") || /javascript:/i.test(a.value)).map((a) => `attribute ${e.tagName} ${a.name}`)),
  ]);
  for (const i of injected) problems.push(`injected ${i}`);
  const shot = path.join(outDir, path.basename(report, ".html") + ".png");
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`${report}: ${svgs} charts, screenshot ${shot}, ${problems.length} problems`);
  for (const p of problems) console.log("  " + p);
  if (problems.length || svgs === 0) failed = true;
  await page.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
