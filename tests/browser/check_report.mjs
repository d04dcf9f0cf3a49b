#!/usr/bin/env node
// Opens one HTML report in Debian's headless Chromium with the network off and prints what a
// reader would meet, one fact per line, tab-separated, for the C++ tests to judge
// (tests/cli/report_test.cpp). It judges nothing itself: exit 0 means the page was checked,
// whatever was found; non-zero (with a message on stderr) means it could not be checked.
//
//   node check_report.mjs PAGE.html [--pdf OUT.pdf] [--screenshot OUT.png]
//
// Lines (values never hold a tab or a newline: runs of white space become one space):
//   lang <lang>                           the <html lang> attribute ("" when absent)
//   console <error|warning> <text>        every console error and warning
//   pageerror <message>                   every uncaught exception
//   request <url>                         every request but the page itself and data: URIs;
//                                         each was aborted, so a report must need none
//   image <src[0,40)> <w> <h> <alt>       every <img>, natural size after decode() (0 0 when
//                                         decoding failed); a missing alt prints as ""
//   svg <n>                               inline <svg> elements, not counting nested ones
//   metric <category> <metric> <text>     every [data-metric]; category from the element or
//                                         its nearest ancestor with data-category
//   count <data-count> <text>             every [data-count]
//   heading <h1|h2|h3> <text>             in document order (textContent, not CSS-transformed)
//   th <n> / table <n> / table_without_th <n>
//   pdf_pages <n> / pdf_mediabox <w> <h>  with --pdf: A4, print media, backgrounds printed
//   text <document.body.innerText>        always the last line
//
// playwright-core drives the Chromium that Debian installs (/usr/bin/chromium); it downloads no
// browser of its own. Never run `npx playwright install` here.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', // root in CI and containers, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TIMEOUT_MS = 60_000; // the whole run; a normal one takes a few seconds
const STEP_TIMEOUT_MS = 45_000; // one launch, load or print: fails with its own message before the watchdog
const IMAGE_DECODE_MS = 5_000; // one <img> whose decode() never settles must not hang the run
const VIEWPORT = { width: 1280, height: 900 }; // for the whole run, so facts do not depend on --screenshot

const USAGE = 'usage: node check_report.mjs PAGE.html [--pdf OUT.pdf] [--screenshot OUT.png]';

function fail(message, code = 1) {
  process.stderr.write(`check_report: ${message}\n`);
  process.exit(code);
}

function parse_args(argv) {
  const opts = { page: null, pdf: null, screenshot: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--pdf' || a === '--screenshot') {
      const value = argv[++i];
      if (value === undefined || value === '') fail(`${a} needs a file name\n${USAGE}`, 2);
      opts[a.slice(2)] = path.resolve(value);
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a.startsWith('-')) {
      fail(`unknown option '${a}'\n${USAGE}`, 2);
    } else if (opts.page === null) {
      opts.page = path.resolve(a);
    } else {
      fail(`one page at a time ('${a}' is a second one)\n${USAGE}`, 2);
    }
  }
  if (opts.page === null) fail(USAGE, 2);
  return opts;
}

// One value of a TSV line: white space runs (tabs and newlines included) become one space.
// Only ASCII white space: a no-break space (U+00A0, U+202F) in "12 345" is part of the value.
function field(value) {
  return String(value ?? '').replace(/[ \t\n\r\f\v]+/g, ' ').trim();
}

// A Playwright error in full (its browser log says why a launch failed), without colours.
function describe(error) {
  return String(error?.message ?? error).replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
}

function line(...values) {
  return values.map(field).join('\t');
}

function is_page_url(url, page_path) {
  if (!url.startsWith('file:')) return false;
  try {
    return fileURLToPath(url) === page_path; // ignores #fragment and ?query, and %-encoding
  } catch {
    return false;
  }
}

// Facts read from the DOM, with screen media, once the page and its images have loaded.
async function read_page(page) {
  return page.evaluate(async (decode_ms) => {
    const text = (el) => el.textContent;
    const images = [...document.images];
    for (const img of images) img.loading = 'eager'; // an off-screen lazy image would never decode
    const decoded = await Promise.all(
      images.map((img) =>
        Promise.race([
          img.decode().then(() => true, () => false),
          new Promise((resolve) => setTimeout(() => resolve(false), decode_ms)),
        ])),
    );
    return {
      lang: document.documentElement.getAttribute('lang') ?? '',
      images: images.map((img, i) => ({
        src: (img.getAttribute('src') ?? '').slice(0, 40),
        width: decoded[i] ? img.naturalWidth : 0,
        height: decoded[i] ? img.naturalHeight : 0,
        alt: img.getAttribute('alt') ?? '',
      })),
      svg: document.querySelectorAll('svg:not(svg svg)').length,
      metrics: [...document.querySelectorAll('[data-metric]')].map((el) => ({
        category: el.closest('[data-category]')?.getAttribute('data-category') ?? '',
        metric: el.getAttribute('data-metric'),
        text: text(el),
      })),
      counts: [...document.querySelectorAll('[data-count]')].map((el) => ({
        count: el.getAttribute('data-count'),
        text: text(el),
      })),
      headings: [...document.querySelectorAll('h1, h2, h3')].map((el) => ({
        tag: el.tagName.toLowerCase(),
        text: text(el),
      })),
      th: document.querySelectorAll('th').length,
      tables: document.querySelectorAll('table').length,
      tables_without_th: [...document.querySelectorAll('table')].filter((t) => !t.querySelector('th')).length,
      text: document.body ? document.body.innerText : '',
    };
  }, IMAGE_DECODE_MS);
}

// Page count and first page size of the PDF Chromium wrote (Skia writes page dictionaries
// uncompressed, so a latin1 read of the file finds them).
function read_pdf(pdf_path) {
  const pdf = readFileSync(pdf_path).toString('latin1');
  const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  const box = pdf.match(/\/MediaBox\s*\[\s*([-+\d.]+)\s+([-+\d.]+)\s+([-+\d.]+)\s+([-+\d.]+)\s*\]/);
  let size = ['0', '0'];
  if (box) {
    const [x0, y0, x1, y1] = box.slice(1);
    size = Number(x0) === 0 && Number(y0) === 0
      ? [x1, y1] // as written
      : [String(Number(x1) - Number(x0)), String(Number(y1) - Number(y0))];
  }
  return { pages, size };
}

async function main() {
  const opts = parse_args(process.argv.slice(2));
  if (!existsSync(opts.page) || !statSync(opts.page).isFile()) fail(`no such file: ${opts.page}`);
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: apt-get install chromium (scripts/install-deps.sh --test)`);

  const page_url = pathToFileURL(opts.page).href;
  const events = []; // console, pageerror and request lines, in the order they happened
  let browser = null;

  const watchdog = setTimeout(() => {
    process.stderr.write(`check_report: ${opts.page}: not done after ${TIMEOUT_MS / 1000} s\n`);
    process.exitCode = 1;
    // Closing the browser makes every pending call reject; exit in any case soon after.
    setTimeout(() => process.exit(1), 2_000).unref();
    browser?.close().catch(() => {});
  }, TIMEOUT_MS);
  watchdog.unref();

  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: STEP_TIMEOUT_MS,
    });
  } catch (e) {
    fail(`cannot start ${CHROMIUM}: ${describe(e)}`);
  }

  try {
    const context = await browser.newContext({
      offline: true,
      viewport: VIEWPORT,
      serviceWorkers: 'block',
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);

    // Everything but the page's own file and data: URIs is recorded and refused: a report
    // is one self-contained file, opened by people without a network.
    const allowed = (url) => url.startsWith('data:') || is_page_url(url, opts.page);
    context.on('request', (request) => {
      if (!allowed(request.url())) events.push(line('request', request.url()));
    });
    await context.route('**/*', (route) =>
      allowed(route.request().url()) ? route.continue() : route.abort());

    const page = await context.newPage();
    page.on('console', (message) => {
      const type = message.type();
      if (type === 'error' || type === 'warning') events.push(line('console', type, message.text()));
    });
    page.on('pageerror', (error) => events.push(line('pageerror', error?.message ?? error)));
    page.on('websocket', (socket) => events.push(line('request', socket.url())));

    await page.goto(page_url, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const facts = await read_page(page);

    if (opts.screenshot) await page.screenshot({ path: opts.screenshot }); // first screen, screen media

    let pdf = null;
    if (opts.pdf) {
      await page.emulateMedia({ media: 'print' });
      await page.pdf({ path: opts.pdf, format: 'A4', printBackground: true, preferCSSPageSize: false });
      pdf = read_pdf(opts.pdf);
    }
    await browser.close(); // after this no more events arrive

    const out = [line('lang', facts.lang), ...events];
    for (const img of facts.images) out.push(line('image', img.src, img.width, img.height, img.alt));
    out.push(line('svg', facts.svg));
    for (const m of facts.metrics) out.push(line('metric', m.category, m.metric, m.text));
    for (const c of facts.counts) out.push(line('count', c.count, c.text));
    for (const h of facts.headings) out.push(line('heading', h.tag, h.text));
    out.push(line('th', facts.th), line('table', facts.tables), line('table_without_th', facts.tables_without_th));
    if (pdf) out.push(line('pdf_pages', pdf.pages), line('pdf_mediabox', ...pdf.size));
    out.push(line('text', facts.text));
    process.stdout.write(`${out.join('\n')}\n`);
  } catch (e) {
    await browser.close().catch(() => {});
    fail(`${opts.page}: ${describe(e)}`);
  } finally {
    clearTimeout(watchdog);
  }
}

await main();
