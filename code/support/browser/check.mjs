// Loads every page of the built book in headless Chromium, as a reader would, and fails on
// what a reader would see broken. scripts/test runs it after building the book:
//
//   node code/support/browser/check.mjs --html target/book/html --out target/browser [--only csp,rayon] [--pdf FILE]
//
// Each page must load with no console error, no failed request, no request to another host,
// every image loaded, no empty code block, heading anchors that scroll, no serious
// accessibility violation (axe-core) and no layout shift. The search box must find a word,
// and charts must follow a dark theme. One screenshot per chapter goes to --out.

import { createServer } from "node:http";
import { readFile, readdir, mkdir, stat, writeFile } from "node:fs/promises";
import { extname, join, relative, resolve, sep } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

function parseArgs(argv) {
  const args = { html: null, out: null, pdf: null, only: null };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, "");
    if (!(key in args) || argv[i + 1] === undefined) {
      console.error(`browser-check: usage: check.mjs --html DIR --out DIR [--only CHAPTER,...] [--pdf FILE] (bad argument '${argv[i]}')`);
      process.exit(2);
    }
    args[key] = argv[i + 1];
  }
  if (!args.html || !args.out) {
    console.error("browser-check: usage: check.mjs --html DIR --out DIR [--only CHAPTER,...] [--pdf FILE]");
    process.exit(2);
  }
  return args;
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json",
  ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".txt": "text/plain; charset=utf-8",
};

// A static server for the built book on 127.0.0.1, so pages load over HTTP as on the real site.
function serve(root) {
  const server = createServer(async (request, response) => {
    let path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = resolve(root, "." + path);
    if (!file.startsWith(resolve(root) + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": body.length });
      response.end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function htmlPages(root) {
  const pages = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(".html")) pages.push(relative(root, path).split(sep).join("/"));
    }
  }
  await walk(root);
  // toc.html is the sidebar's frame and 404.html the error page: both are loaded inside others.
  return pages.filter((p) => p !== "toc.html" && p !== "404.html").sort();
}

// Everything wrong with one page, as a list of short strings.
async function checkPage(context, base, path, shots) {
  const page = await context.newPage();
  const problems = [];
  let bytes = 0;
  const origin = new URL(base).origin;
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["data:", "blob:", "about:"].includes(url.protocol) && url.origin !== origin) {
      problems.push(`request to another host: ${r.url()}`);
    }
  });
  page.on("response", async (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    const length = Number((await r.allHeaders())["content-length"] ?? 0);
    bytes += length;
  });
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(base + path, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);

  const found = await page.evaluate(() => {
    const out = [];
    for (const img of document.querySelectorAll("main img")) {
      if (!img.complete || img.naturalWidth === 0) out.push(`image did not load: ${img.getAttribute("src")}`);
      if (!img.getAttribute("alt")) out.push(`image without alt text: ${img.getAttribute("src")}`);
    }
    for (const svg of document.querySelectorAll("main svg.chart")) {
      if (!svg.getAttribute("aria-label")) out.push("chart without a label");
    }
    for (const code of document.querySelectorAll("main pre code")) {
      if (code.textContent.trim() === "") out.push(`empty code block after: ${code.closest("pre")?.previousElementSibling?.textContent?.slice(0, 60)}`);
    }
    return out;
  });
  problems.push(...found);

  // print.html repeats every page: its loading and images are checked above, the rest was checked page by page.
  if (path === "print.html") {
    await page.close();
    return { problems, bytes, shift: 0 };
  }

  // Heading anchors: following one scrolls its heading to the top (or the page to its end).
  const ids = await page.evaluate(() => [...document.querySelectorAll("main h2[id], main h3[id]")].map((h) => h.id));
  for (const id of ids.slice(0, 4)) {
    const ok = await page.evaluate(async (id) => {
      window.scrollTo(0, 0);
      location.hash = "#" + id;
      // Give the scroll up to a second (a busy machine, or smooth scrolling), checking as it goes.
      for (let waited = 0; waited <= 1000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        const top = document.getElementById(id).getBoundingClientRect().top;
        const atEnd = Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 2;
        if ((top >= -2 && top < 160) || atEnd) return true;
      }
      return false;
    }, id);
    if (!ok) problems.push(`heading anchor #${id} does not scroll to its heading`);
  }

  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // The whole page (landmarks and headings are page-level rules), in the default light theme.
    const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "best-practice"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} element(s), e.g. ${v.nodes[0]?.target.join(" ")}`);
  });
  problems.push(...violations.map((v) => `accessibility: ${v}`));

  const shift = await page.evaluate(() => window.__shift);
  // 0.1 is the limit web.dev calls "good" for cumulative layout shift.
  if (shift > 0.1) problems.push(`layout shift ${shift.toFixed(3)} while loading (fonts or images without a size)`);

  if (shots && path.endsWith("/index.html")) {
    await page.evaluate(() => window.scrollTo(0, 0)); // the anchor checks above scrolled it
    await page.screenshot({ path: join(shots, path.replace(/\/index\.html$/, ".png")), fullPage: false });
  }
  await page.close();
  return { problems, bytes, shift };
}

// Typing a word into the search box lists results.
async function checkSearch(context, base) {
  const page = await context.newPage();
  await page.goto(base + "index.html", { waitUntil: "load" });
  await page.locator("#mdbook-search-toggle").click({ timeout: 10000 });
  await page.type("#mdbook-searchbar", "channel", { delay: 20 });
  try {
    await page.waitForSelector("#mdbook-searchresults li", { timeout: 5000 });
  } catch {
    return ["search: typing 'channel' listed no results"];
  } finally {
    await page.close();
  }
  return [];
}

// In a dark theme the charts' text must be light: it follows the theme's foreground colour.
async function checkDarkCharts(context, base, page_with_chart, shots) {
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem("mdbook-theme", "coal"));
  await page.goto(base + page_with_chart, { waitUntil: "load" });
  const result = await page.evaluate(() => {
    const luminance = (css) => {
      const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    const text = document.querySelector("main svg.chart text");
    if (!text) return { missing: true };
    return {
      theme: document.documentElement.className,
      text: luminance(getComputedStyle(text).fill),
      page: luminance(getComputedStyle(document.body).backgroundColor),
    };
  });
  if (shots && !result.missing) {
    await page.locator("main svg.chart").first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, "dark-theme-chart.png") });
  }
  await page.close();
  if (result.missing) return [`dark theme: ${page_with_chart} has no inline chart`];
  if (!result.theme.includes("coal")) return ["dark theme: the coal theme did not apply"];
  if (result.text - result.page < 0.4) {
    return [`dark theme: chart text (luminance ${result.text.toFixed(2)}) does not stand out from the page (${result.page.toFixed(2)})`];
  }
  return [];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = resolve(args.html);
  if (!(await stat(join(root, "index.html")).catch(() => null))) {
    console.error(`browser-check: ${root} holds no built book (run scripts/book build first)`);
    process.exit(2);
  }
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!(await stat(executablePath).catch(() => null))) {
    console.error(`browser-check: Chromium not found at ${executablePath}: install it (Debian: apt-get install chromium) or set CHROMIUM`);
    process.exit(1);
  }
  const shots = resolve(args.out, "screenshots");
  await mkdir(shots, { recursive: true });
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

  // --only: the pages of those chapters (scripts/test <chapter>); the search and theme checks always run.
  const only = args.only ? args.only.split(",").map((c) => c + "/") : null;
  const pages = (await htmlPages(root)).filter((p) => !only || only.some((c) => p.startsWith(c)));
  const failures = [];
  const sizes = [];
  let worstShift = 0;
  // Two pages at a time: the machines that run this have two cores or more.
  const queue = [...pages];
  async function worker() {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const { problems, bytes, shift } = await checkPage(context, base, path, shots);
      sizes.push([bytes, path]);
      worstShift = Math.max(worstShift, shift);
      for (const p of problems) failures.push(`${path}: ${p}`);
    }
  }
  await Promise.all([worker(), worker()]);
  failures.push(...(await checkSearch(context, base)));
  const withChart = [];
  for (const path of await htmlPages(root)) {
    if ((await readFile(join(root, path), "utf8")).includes('class="chart"')) withChart.push(path);
  }
  if (withChart.length === 0) failures.push("dark theme: no page has an inline chart to check");
  else failures.push(...(await checkDarkCharts(context, base, withChart[0], shots)));

  if (args.pdf) {
    const page = await context.newPage();
    await page.goto(base + "print.html", { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: args.pdf, format: "A4", printBackground: true, margin: { top: "15mm", bottom: "15mm", left: "12mm", right: "12mm" } });
    await page.close();
  }
  await browser.close();
  server.close();

  sizes.sort((a, b) => b[0] - a[0]);
  const report = sizes.map(([bytes, path]) => `${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${path}`).join("\n");
  await writeFile(join(args.out, "transfer-sizes.txt"), report + "\n");
  console.log(`browser-check: ${pages.length} pages loaded in Chromium; heaviest transfer ${sizes[0][1]} (${(sizes[0][0] / 1024).toFixed(0)} KiB); worst layout shift ${worstShift.toFixed(3)}; screenshots in ${relative(process.cwd(), shots)}`);
  if (failures.length > 0) {
    for (const f of failures) console.error(`browser-check: ${f}`);
    console.error(`browser-check: ${failures.length} problem(s) in the built book`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`browser-check: ${e.message.split("\n")[0]}`);
  process.exit(1);
});
