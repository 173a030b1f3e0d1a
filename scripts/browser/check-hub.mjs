// check-hub.mjs drives the course's JupyterHub (scripts/hub.sh) in a headless chromium as two
// students would, and checks what each may and may not do.
//
// Usage: node scripts/browser/check-hub.mjs --url URL --chromium PATH NAME:PASSWORD NAME:PASSWORD
//
// With the first student A and the second B, it checks that
//   1. A's login with a wrong password is refused (the login page again, saying so, no session);
//   2. A logs in, lands in JupyterLab on A's own server, opens 00-welcome.ipynb from A's folder and
//      runs every cell: the page then shows "test accuracy" and at least one image, and no error;
//   3. B logs in and lands in JupyterLab on B's own server;
//   4. A cannot open B's server: neither B's JupyterLab page nor B's files (/user/B/api/contents).
// The hub must run with CVLESSONS_HUB_EXPOSE_APP=1 (scripts/check-hub.sh sets it), which lets the
// test ask JupyterLab to run all cells. Exit status 0 when every check passed, 1 otherwise, 2 on a
// usage error.
import { chromium } from "playwright-core";

// Seconds for notebook 00 to run: CHECK_HUB_NOTEBOOK_TIMEOUT_S, default 300.
const NOTEBOOK_TIMEOUT_MS = Number(process.env.CHECK_HUB_NOTEBOOK_TIMEOUT_S || 300) * 1000;
const SPAWN_TIMEOUT_MS = 120000;

function usage(message) {
	console.error(`check-hub: ${message}`);
	console.error("usage: node scripts/browser/check-hub.mjs --url URL --chromium PATH NAME:PASSWORD NAME:PASSWORD");
	process.exit(2);
}

const args = process.argv.slice(2);
let url = "";
let executable = "/usr/bin/chromium";
const students = [];
for (let i = 0; i < args.length; i++) {
	if (args[i] === "--url" && i + 1 < args.length) url = args[++i].replace(/\/$/, "");
	else if (args[i] === "--chromium" && i + 1 < args.length) executable = args[++i];
	else if (args[i].includes(":")) {
		const at = args[i].indexOf(":");
		students.push({ name: args[i].slice(0, at), password: args[i].slice(at + 1) });
	} else usage(`unexpected argument ${args[i]}`);
}
if (!url || students.length !== 2) usage("want --url and two NAME:PASSWORD");
const [a, b] = students;

let failed = 0;
function report(ok, what) {
	console.log((ok ? "ok   " : "FAIL ") + what);
	if (!ok) failed++;
}

// login fills the hub's login form and returns the page after it.
async function login(context, student, password) {
	const page = await context.newPage();
	await page.goto(`${url}/hub/login`);
	await page.fill("#username_input", student.name);
	await page.fill("#password_input", password);
	// The page after the form's POST: the login page again, or a redirect towards the server.
	await Promise.all([
		page.waitForResponse((r) => r.url().includes("/hub/login") && r.request().method() === "POST"),
		page.click("#login_submit"),
	]);
	await page.waitForLoadState("load");
	return page;
}

// waitForLab waits until the page is JupyterLab on the student's server.
async function waitForLab(page, student) {
	await page.waitForURL(new RegExp(`/user/${student.name}/lab`), { timeout: SPAWN_TIMEOUT_MS });
	await page.waitForSelector("#jp-main-dock-panel", { timeout: SPAWN_TIMEOUT_MS });
}

const browser = await chromium.launch({
	executablePath: executable,
	headless: true,
	args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
});
try {
	const ctxA = await browser.newContext();
	const ctxB = await browser.newContext();

	// 1. A wrong password.
	const wrong = await login(ctxA, a, a.password + "-wrong");
	const refusedText = await wrong.textContent("body");
	// jupyterhub-hub-login is the hub's login cookie (jupyterhub-session-id comes with any visit).
	const cookies = (await ctxA.cookies()).filter((c) => c.name === "jupyterhub-hub-login");
	report(wrong.url().includes("/hub/login") && /invalid username or password/i.test(refusedText) && cookies.length === 0,
		`${a.name} with a wrong password stays on the login page, told "Invalid username or password" (at ${new URL(wrong.url()).pathname})`);
	await wrong.close();

	// 2. A logs in and runs notebook 00.
	const pageA = await login(ctxA, a, a.password);
	try {
		await waitForLab(pageA, a);
		report(true, `${a.name} logs in and gets JupyterLab at ${new URL(pageA.url()).pathname}`);
		const start = Date.now();
		await pageA.goto(`${url}/user/${a.name}/lab/tree/00-welcome.ipynb`);
		await pageA.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel,
			null, { timeout: SPAWN_TIMEOUT_MS });
		const kernel = await pageA.evaluate(async () => {
			const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
			await ctx.ready;
			return ctx.session.kernel.name;
		});
		await pageA.evaluate(() => window.jupyterapp.commands.execute("notebook:run-all-cells"));
		// What the notebook shows, read from its model (JupyterLab renders only the cells in view).
		const outputs = () => {
			const texts = [];
			let images = 0;
			const errors = [];
			const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
			let pending = 0;
			for (let i = 0; i < cells.length; i++) {
				const cell = cells.get(i).toJSON();
				if (cell.cell_type !== "code") continue;
				if (cell.execution_count === null) pending++;
				for (const out of cell.outputs || []) {
					const join = (v) => (Array.isArray(v) ? v.join("") : v || "");
					if (out.output_type === "stream") texts.push(join(out.text));
					if (out.output_type === "error") errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
					if (out.data) {
						images += ["image/png", "image/jpeg", "image/svg+xml"].filter((t) => t in out.data).length;
						texts.push(join(out.data["text/plain"]));
					}
				}
			}
			const text = texts.join("\n");
			if (text.includes("panic:")) errors.push(text.slice(text.indexOf("panic:")).split("\n")[0]);
			const status = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status;
			return { accuracy: text.includes("test accuracy"), images, errors, pending, status };
		};
		let timedOut = "";
		try {
			await pageA.waitForFunction((fn) => {
				const o = new Function(`return (${fn})()`)();
				return (o.pending === 0 && o.status === "idle") || o.errors.length > 0;
			}, outputs.toString(), { timeout: NOTEBOOK_TIMEOUT_MS, polling: 1000 });
		} catch (e) {
			timedOut = e.message.split("\n")[0];
		}
		const shown = await pageA.evaluate((fn) => new Function(`return (${fn})()`)(), outputs.toString());
		report(!timedOut && kernel === "gonb" && shown.accuracy && shown.images > 0 && shown.errors.length === 0,
			`${a.name} ran 00-welcome.ipynb on kernel ${kernel} in ${((Date.now() - start) / 1000).toFixed(0)}s: ` +
			(timedOut ? `not finished (${shown.pending} cell(s) not run, kernel ${shown.status}: ${timedOut}); ` : "") +
			`"test accuracy" ${shown.accuracy ? "shown" : "missing"}, ${shown.images} image(s)` +
			(shown.errors.length ? `; errors: ${shown.errors.join(" | ")}` : ", no error"));
	} catch (e) {
		report(false, `${a.name} could not run 00-welcome.ipynb: ${e.message.split("\n")[0]}`);
	}

	// 3. B logs in.
	const pageB = await login(ctxB, b, b.password);
	try {
		await waitForLab(pageB, b);
		report(true, `${b.name} logs in and gets JupyterLab at ${new URL(pageB.url()).pathname}`);
	} catch (e) {
		report(false, `${b.name} could not reach JupyterLab: ${e.message.split("\n")[0]} (at ${pageB.url()})`);
	}

	// 4. A tries B's server.
	const intrude = await ctxA.newPage();
	const resp = await intrude.goto(`${url}/user/${b.name}/lab`);
	const landed = new URL(intrude.url()).pathname;
	const isLabOfB = landed.startsWith(`/user/${b.name}/`) && (await intrude.$("#jp-main-dock-panel")) !== null;
	report(!isLabOfB, `${a.name} opening /user/${b.name}/lab does not get ${b.name}'s JupyterLab (status ${resp?.status()}, at ${landed})`);
	const files = await ctxA.request.get(`${url}/user/${b.name}/api/contents`, { maxRedirects: 0 });
	const body = await files.text();
	report(files.status() !== 200 || !body.includes("00-welcome.ipynb"),
		`${a.name} cannot list ${b.name}'s files (/user/${b.name}/api/contents: status ${files.status()})`);
} finally {
	await browser.close();
}
console.log(failed ? `check-hub: ${failed} check(s) failed` : "check-hub: passed");
process.exit(failed ? 1 : 0);
