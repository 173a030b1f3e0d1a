// check-html.mjs opens the course's rendered notebooks in a headless chromium, offline, and checks
// that each page shows what its notebook produced.
//
// Usage: node scripts/browser/check-html.mjs [--executed DIR] [--chromium PATH] PAGE.html...
//
// A page NAME.html is checked against the executed notebook DIR/NAME.ipynb (default DIR:
// notebooks/.executed), which is what nbconvert rendered it from. A notebook declares its figures
// by its outputs: each image/png, image/jpeg or image/gif output and each <img> inside a text/html
// output is one <img> on the page, each image/svg+xml output one inline <svg>; there must be at
// least metadata.cvlessons.min_images of them. The page passes when
//
//   - the notebook has no output of output_type "error" and no output text with "panic:";
//   - the page shows exactly the declared figures: each <img> loaded (naturalWidth > 0) and laid
//     out with a non-zero size, each <svg> with a non-zero size;
//   - no cell on the page shows an error (an element of class output_error) or a panic in stderr;
//   - the page asks for nothing outside file: and data: URLs (the browser is offline and every
//     other request is aborted and reported) and raises no JavaScript error, except the
//     "connection closed" of GoNB's widget script, which has no kernel to talk to on a static page.
//
// Exit status: 0 when every page passes, 1 when one fails, 2 on a usage error or when the browser
// cannot start. scripts/check-html.sh runs it; scripts/checkhtml_test.go tests it on doctored pages.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const RASTER_TYPES = ["image/png", "image/jpeg", "image/gif"];
const PAGE_TIMEOUT_MS = 30000;

function usage(message) {
	console.error(`check-html: ${message}`);
	console.error("usage: node scripts/browser/check-html.mjs [--executed DIR] [--chromium PATH] PAGE.html...");
	process.exit(2);
}

function parseArgs(argv) {
	const opts = {
		executed: join(ROOT, "notebooks", ".executed"),
		chromium: process.env.CVLESSONS_CHROMIUM || "/usr/bin/chromium",
		pages: [],
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === "--executed" || a === "--chromium") {
			if (i + 1 >= argv.length) usage(`${a} needs a value`);
			opts[a.slice(2)] = argv[++i];
		} else if (a.startsWith("--")) {
			usage(`unknown flag ${a}`);
		} else {
			opts.pages.push(resolve(a));
		}
	}
	if (opts.pages.length === 0) usage("no pages given");
	return opts;
}

// text joins a notebook's multi-line string (a string or a list of strings).
function text(v) {
	if (v === undefined || v === null) return "";
	return Array.isArray(v) ? v.join("") : String(v);
}

// declared reads an executed notebook and returns what its page must show: {images, svgs,
// minImages, problems}, problems being the errors its outputs record.
function declared(notebookPath) {
	let nb;
	try {
		nb = JSON.parse(readFileSync(notebookPath, "utf8"));
	} catch (e) {
		return { problems: [`cannot read the executed notebook ${notebookPath}: ${e.message}`] };
	}
	const minImages = nb?.metadata?.cvlessons?.min_images ?? 0;
	let images = 0;
	let svgs = 0;
	const problems = [];
	(nb.cells || []).forEach((cell, i) => {
		for (const out of cell.outputs || []) {
			const kind = out.output_type;
			if (kind === "error") {
				problems.push(`cell ${i} raised ${out.ename}: ${firstLine(out.evalue)}`);
				continue;
			}
			let body = "";
			if (kind === "stream") {
				body = text(out.text);
			} else if (kind === "display_data" || kind === "execute_result") {
				const data = out.data || {};
				images += RASTER_TYPES.filter((t) => t in data).length;
				if ("image/svg+xml" in data) svgs++;
				const html = text(data["text/html"]);
				images += (html.match(/<img\b/gi) || []).length;
				body = text(data["text/plain"]) + html;
			}
			const at = body.indexOf("panic:");
			if (at >= 0) problems.push(`cell ${i} printed ${firstLine(body.slice(at))}`);
		}
	});
	if (images + svgs < minImages) {
		problems.push(`the notebook shows ${images + svgs} figure(s), its metadata.cvlessons.min_images wants at least ${minImages}`);
	}
	return { images, svgs, minImages, problems };
}

function firstLine(s) {
	const line = text(s).trim().split("\n")[0];
	return line.length > 160 ? line.slice(0, 157) + "..." : line;
}

// inspect runs in the page: it returns the figures and errors the page shows, by cell.
function inspect() {
	const cells = Array.from(document.querySelectorAll("div.cell"));
	const cellOf = (el) => cells.indexOf(el.closest("div.cell"));
	const laidOut = (el) => {
		const r = el.getBoundingClientRect();
		const s = getComputedStyle(el);
		return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
	};
	const images = Array.from(document.querySelectorAll("div.output_area img")).map((img) => ({
		cell: cellOf(img),
		src: (img.getAttribute("src") || "").slice(0, 60),
		loaded: img.complete && img.naturalWidth > 0,
		shown: laidOut(img),
	}));
	const svgs = Array.from(document.querySelectorAll("div.output_svg > svg")).map((svg) => ({
		cell: cellOf(svg),
		shown: laidOut(svg),
	}));
	const errors = Array.from(document.querySelectorAll("div.output_area .output_error")).map((el) => ({
		cell: cellOf(el),
		text: el.innerText,
	}));
	const panics = Array.from(document.querySelectorAll("div.output_area .output_stderr"))
		.filter((el) => el.innerText.includes("panic:"))
		.map((el) => ({ cell: cellOf(el), text: el.innerText.slice(el.innerText.indexOf("panic:")) }));
	return { cells: cells.length, images, svgs, errors, panics };
}

async function checkPage(context, page, notebookDir) {
	const name = basename(page, ".html");
	const notebook = join(notebookDir, name + ".ipynb");
	if (!existsSync(notebook)) {
		return { problems: [`no executed notebook ${notebook} to compare the page with`] };
	}
	const want = declared(notebook);
	if (!("images" in want)) return want;
	const problems = [...want.problems];

	const tab = await context.newPage();
	const blocked = [];
	const jsErrors = [];
	await tab.route("**/*", (route) => {
		const url = route.request().url();
		if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
		blocked.push(url);
		return route.abort("internetdisconnected");
	});
	tab.on("pageerror", (err) => jsErrors.push(firstLine(err.message)));
	try {
		await tab.goto(pathToFileURL(page).href, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
	} catch (e) {
		problems.push(`the page did not load within ${PAGE_TIMEOUT_MS / 1000}s: ${firstLine(e.message)}`);
		await tab.close();
		return { problems };
	}
	const got = await tab.evaluate(inspect);
	await tab.close();

	if (got.cells === 0) problems.push("no notebook cells on the page (not rendered by nbconvert's classic template?)");
	for (const img of got.images) {
		if (!img.loaded) problems.push(`cell ${img.cell}: an image does not load (src "${img.src}...")`);
		else if (!img.shown) problems.push(`cell ${img.cell}: an image is loaded but not shown (zero size or hidden)`);
	}
	for (const svg of got.svgs) {
		if (!svg.shown) problems.push(`cell ${svg.cell}: an SVG figure is not shown (zero size or hidden)`);
	}
	const shownImages = got.images.filter((i) => i.loaded && i.shown).length;
	const shownSvgs = got.svgs.filter((s) => s.shown).length;
	if (got.images.length !== want.images) {
		problems.push(`the page has ${got.images.length} image(s), the notebook's outputs have ${want.images}`);
	}
	if (got.svgs.length !== want.svgs) {
		problems.push(`the page has ${got.svgs.length} SVG figure(s), the notebook's outputs have ${want.svgs}`);
	}
	for (const e of got.errors) problems.push(`cell ${e.cell} shows an error: ${firstLine(e.text)}`);
	for (const p of got.panics) problems.push(`cell ${p.cell} shows ${firstLine(p.text)}`);
	for (const url of blocked) problems.push(`the page asks for ${url.slice(0, 120)} (it must open offline)`);
	// GoNB's widgets (pkg/notebook.Interact) open a WebSocket to the kernel through gonb_comm; a static
	// page has no kernel, so that script reports "connection closed" and the cell's printed fallback
	// is what the page shows. That one error is expected; any other fails the page.
	const gonbWidgets = readFileSync(page, "utf8").includes("gonb_comm");
	for (const msg of jsErrors) {
		if (gonbWidgets && msg === "connection closed") continue;
		problems.push(`JavaScript error on the page: ${msg}`);
	}
	return { problems, figures: shownImages + shownSvgs };
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (!existsSync(opts.chromium)) {
		console.error(`check-html: no chromium at ${opts.chromium}; install it (apt-get install chromium, or scripts/setup.sh) or set CVLESSONS_CHROMIUM`);
		process.exit(2);
	}
	let browser;
	try {
		browser = await chromium.launch({
			executablePath: opts.chromium,
			headless: true,
			args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
		});
	} catch (e) {
		console.error(`check-html: cannot start ${opts.chromium}: ${e.message}`);
		process.exit(2);
	}
	let failed = 0;
	try {
		const context = await browser.newContext({ offline: true });
		for (const page of opts.pages) {
			const start = Date.now();
			const rel = relative(process.cwd(), page);
			const shown = rel && !rel.startsWith("..") ? rel : page;
			const { problems, figures } = existsSync(page)
				? await checkPage(context, page, opts.executed)
				: { problems: [`no such page ${page}`] };
			const took = ((Date.now() - start) / 1000).toFixed(1);
			if (problems.length) {
				failed++;
				console.log(`FAIL ${shown} (${took}s)`);
				for (const p of problems) console.log(`     ${p}`);
			} else {
				console.log(`ok   ${shown} (${figures} figure(s), ${took}s)`);
			}
		}
	} finally {
		await browser.close();
	}
	console.log(failed ? `check-html: ${failed} of ${opts.pages.length} page(s) failed`
		: `check-html: all ${opts.pages.length} page(s) passed`);
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.error(`check-html: ${e.stack || e}`);
	process.exit(2);
});
