'use strict';
/*
 * portal.js: every public page of the portal in a real browser (Debian chromium driven by
 * playwright-core), as issue 8 §5 asks: for each page
 *   - axe-core finds no critical or serious violation, at 360 px and at 1280 px wide;
 *   - the page loads nothing from another host (every request the browser makes, at both
 *     widths and without JavaScript, goes to the server's own origin);
 *   - it reads at 360 px and at 1280 px: no horizontal scroll (the document is no wider than
 *     the window);
 *   - with JavaScript disabled it still shows its main content, and its form still submits
 *     and answers (the search, the lookup, the schedule's week, the rating, the login...).
 * The pages: /, /tin-tuc, a category, the demo's seed article, /tim-kiem?q=cai cach,
 * /lich-cong-tac, /chi-so-hai-long, /thu-tuc and a procedure, /tra-cuu and a lookup result,
 * the rating page of a returned demo dossier (the link the lookup shows), a demo receipt at
 * /bien-lai/{lookup}, /dang-nhap, /dang-ky and a missing page (404).
 *
 *   node portal.js MOTCUA_BINARY WORK_DIR
 *
 * Starts `motcua demo` and `motcua serve` itself (SQLite, loopback, a free port) in WORK_DIR
 * and prints TAP, one line per page and check. The demo dossier and receipt are read from the
 * demo database with the sqlite3 command (their pages are skipped without it). On a failure it
 * saves a screenshot of the page in WORK_DIR and names it; MOTCUA_E2E_SHOTS=1 saves one of every
 * page at both widths too (page-NN-WIDTH.png, the work directory is then kept). Exit status: 0
 * when every test passed.
 */
const fs = require('fs');
const net = require('net');
const path = require('path');
const http = require('http');
const { spawn, spawnSync } = require('child_process');
const { chromium } = require('playwright-core');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STAFF = { username: 'bientap', password: 'ThanhXuan-Demo-2026' };
const ARTICLE = 'quan-thanh-xuan-day-manh-cai-cach-hanh-chinh';
const CATEGORY = 'cai-cach-hanh-chinh';
const PROCEDURE = '2.000815'; /* chứng thực bản sao: a fee, so the fee calculator's form too */
const WIDTHS = [{ label: '360 px', width: 360, height: 780 }, { label: '1280 px', width: 1280, height: 900 }];
const DS_RETURNED = 7; /* enum dossier_status (src/rules/dossier.h) */
const ACTION_TIMEOUT_MS = 20000; /* one page load or click, under sanitizers */
const WATCHDOG_MS = 420000; /* the whole test: it takes about a minute; a hang ends here */

const [motcua, work] = process.argv.slice(2);
if (!motcua || !work) {
	console.error('usage: node portal.js MOTCUA_BINARY WORK_DIR');
	process.exit(2);
}

/* ---- TAP ---- */

let testNo = 0;
let failures = 0;

function tap(ok, name, diag) {
	testNo++;
	console.log(`${ok ? 'ok' : 'not ok'} ${testNo} - ${name}`);
	for (const line of diag || [])
		for (const l of String(line).split('\n'))
			console.log(`# ${l}`);
	if (!ok)
		failures++;
}

function skip(name, why) {
	testNo++;
	console.log(`ok ${testNo} # SKIP ${name}: ${why}`);
}

function check(cond, what) {
	if (!cond)
		throw new Error(what);
}

const firstLine = (e) => String(e && e.message ? e.message : e).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 6).join('\n');

/* ---- the server ---- */

let server = null;
const serverLog = path.join(work, 'server.log');

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function get(url) {
	return new Promise((resolve) => {
		const r = http.get(url, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode));
		});
		r.on('error', () => resolve(0));
		r.setTimeout(2000, () => r.destroy());
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startServer(db, data) {
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		const log = fs.openSync(serverLog, 'a');
		const child = spawn(motcua, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--data', data],
			{ stdio: ['ignore', log, log] });
		fs.closeSync(log);
		let exited = false;
		child.on('exit', () => { exited = true; });
		server = child;
		const base = `http://127.0.0.1:${port}`;
		for (let i = 0; i < 300 && !exited; i++) { /* 15 s under sanitizers */
			if (await get(`${base}/healthz`) === 200)
				return base;
			await sleep(50);
		}
		if (!exited)
			child.kill('SIGKILL');
		server = null;
	}
	throw new Error(`motcua serve did not answer /healthz; see ${serverLog}`);
}

function stopServer() {
	return new Promise((resolve) => {
		if (!server || server.exitCode !== null || server.signalCode !== null) {
			resolve(server ? { code: server.exitCode, signal: server.signalCode } : null);
			return;
		}
		const t = setTimeout(() => server.kill('SIGKILL'), 10000);
		server.once('exit', (code, signal) => {
			clearTimeout(t);
			resolve({ code, signal });
		});
		server.kill('SIGTERM');
	});
}

process.on('exit', () => {
	if (server && server.exitCode === null && server.signalCode === null)
		server.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'])
	process.on(sig, () => {
		console.log(`# interrupted (${sig})`);
		process.exit(1);
	});

/* One value from the demo database (sqlite3 command, read-only), or null. */
function sql(db, query) {
	const r = spawnSync('sqlite3', ['-readonly', '-batch', '-noheader', '-separator', '\t', db, query], { encoding: 'utf8' });
	if (r.error || r.status !== 0)
		return null;
	const line = r.stdout.split('\n')[0];
	return line ? line.split('\t') : null;
}

/* ---- the browser ---- */

let browser = null;
let base = null;
const problems = []; /* script errors, CSP refusals, missing files, on any page */

/* A fresh browser context (no cookies) and page; every request it makes is kept in `requests`. */
async function openPage({ width = 1280, height = 900, javaScript = true } = {}) {
	const context = await browser.newContext({ baseURL: base, locale: 'vi-VN', viewport: { width, height },
		javaScriptEnabled: javaScript });
	context.setDefaultTimeout(ACTION_TIMEOUT_MS);
	context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
	const requests = [];
	context.on('request', (r) => requests.push(r.url()));
	context.on('websocket', (w) => requests.push(w.url()));
	const page = await context.newPage();
	const where = () => { try { return new URL(page.url()).pathname; } catch (e) { return page.url(); } };
	page.on('pageerror', (e) => problems.push(`${where()}: script error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
			problems.push(`${where()}: console error: ${m.text()}`);
	});
	page.on('response', (r) => {
		const req = r.request();
		if (r.status() >= 400 && req.resourceType() !== 'document')
			problems.push(`${where()}: ${req.method()} ${r.url()} answered ${r.status()}`);
	});
	return { context, page, requests };
}

/* Open `url` and check that the page answered `status` (200 unless the page says otherwise). */
async function visit(page, url, status = 200) {
	const r = await page.goto(url, { waitUntil: 'load' });
	check(r, `${url}: no response`);
	check(r.status() === status, `${url} answered ${r.status()}, expected ${status}`);
}

async function screenshot(page, tag) {
	const file = path.join(work, `failure-${testNo + 1}-${tag}.png`);
	try {
		await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
		return `screenshot: ${file}`;
	} catch (e) {
		return `no screenshot: ${firstLine(e)}`;
	}
}

/* axe-core on the page as it is now, run through the DevTools protocol so that the site's
 * Content-Security-Policy stays in force: { passed, violations } or { error }. */
async function axeRun(page) {
	try {
		if (!(await page.evaluate(() => typeof window.axe === 'object')))
			await page.evaluate(AXE_SOURCE);
		return await page.evaluate(async () => {
			const res = await window.axe.run(document, { resultTypes: ['violations'] });
			return {
				passed: res.passes.length,
				violations: res.violations.map((v) => ({
					id: v.id,
					impact: v.impact,
					help: v.help,
					targets: v.nodes.map((n) => n.target.join(' ')),
					summary: v.nodes.length ? (v.nodes[0].failureSummary || '').replace(/\s+/g, ' ').slice(0, 240) : '',
				})),
			};
		});
	} catch (e) {
		return { error: firstLine(e) };
	}
}

const SEVERE = new Set(['critical', 'serious']);

/* The page's width at its viewport: no horizontal scroll, else the elements that stick out
 * (outside any box that scrolls or clips them). */
async function overflow(page) {
	return page.evaluate(() => {
		const de = document.documentElement;
		const out = { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide: [] };
		if (de.scrollWidth <= de.clientWidth)
			return out;
		const clipped = (el) => {
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				const o = getComputedStyle(p).overflowX;
				if (o !== 'visible')
					return true;
			}
			return false;
		};
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > de.clientWidth + 0.5 && !clipped(el)) {
				const id = el.id ? `#${el.id}` : '';
				const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
				out.wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge at ${Math.round(r.right)} px)`);
				if (out.wide.length >= 8)
					break;
			}
		}
		return out;
	});
}

/* Links to resources elsewhere that a request log would miss: preconnects, prefetches... */
async function foreignRefs(page) {
	return page.evaluate(() => {
		const out = [];
		const sel = 'link[href], script[src], img[src], iframe[src], source[src], video[src], audio[src], object[data], embed[src], img[srcset], source[srcset]';
		for (const el of document.querySelectorAll(sel)) {
			if (el.tagName === 'LINK' && !/\b(stylesheet|icon|preload|prefetch|preconnect|dns-prefetch|modulepreload|manifest)\b/i.test(el.rel))
				continue;
			for (const attr of ['href', 'src', 'data', 'srcset']) {
				const v = el.getAttribute(attr);
				if (!v)
					continue;
				for (const part of attr === 'srcset' ? v.split(',').map((s) => s.trim().split(/\s+/)[0]) : [v]) {
					try {
						const u = new URL(part, document.baseURI);
						if (u.origin !== location.origin && u.protocol !== 'data:')
							out.push(`<${el.tagName.toLowerCase()} ${attr}="${part}">`);
					} catch (e) { /* not a URL */ }
				}
			}
		}
		for (const el of document.querySelectorAll('[style]'))
			if (/url\(\s*['"]?(https?:)?\/\//i.test(el.getAttribute('style')))
				out.push(`<${el.tagName.toLowerCase()} style="${el.getAttribute('style')}">`);
		return out;
	});
}

function textOf(s) {
	return String(s || '').replace(/\s+/g, ' ').trim();
}

/* ---- the pages ---- */

/* Each page: its address, what "its main content" is (checked without JavaScript), and its
 * form, filled and submitted without JavaScript (none when the page has no form). */
function pages(demo) {
	const list = [
		{
			name: 'home page /',
			path: '/',
			content: async (page) => {
				check(textOf(await page.locator('h1').first().innerText()).length > 0, 'no heading');
				const news = await page.locator('.home-featured a, .home-section li a').count();
				check(news >= 3, `shows ${news} news links (featured and latest per category), expected 3 or more`);
				check(await page.locator('.quick-links a[href="/thu-tuc"]').isVisible(), 'no visible quick link to /thu-tuc');
				check(await page.locator('.quick-links a[href="/tra-cuu"]').isVisible(), 'no visible quick link to /tra-cuu');
				check(await page.locator('.visitor-widget dd').count() >= 5, 'no visitor widget');
				return `${news} news links, the quick links and the visitor widget`;
			},
			form: (page) => searchForm(page, '#home-q'),
		},
		{
			name: 'news /tin-tuc',
			path: '/tin-tuc',
			content: (page) => newsList(page),
			form: (page) => searchForm(page, '#news-q'),
		},
		{
			name: `category /chuyen-muc/${CATEGORY}`,
			path: `/chuyen-muc/${CATEGORY}`,
			content: async (page) => {
				const h = textOf(await page.locator('h1').innerText());
				check(/cải cách hành chính/i.test(h), `the heading reads "${h}", not the category's name`);
				return newsList(page);
			},
			form: (page) => searchForm(page, '#news-q'),
		},
		{
			name: `article /tin-tuc/${ARTICLE}`,
			path: `/tin-tuc/${ARTICLE}`,
			content: async (page) => {
				const title = textOf(await page.locator('#article-title').innerText());
				check(/cải cách hành chính/i.test(title), `the title reads "${title}"`);
				const body = textOf(await page.locator('.news-body').innerText());
				check(body.length >= 200 && await page.locator('.news-body').isVisible(), `the body shows ${body.length} characters`);
				const meta = textOf(await page.locator('#article-meta').innerText());
				check(/Ngày đăng \d\d\/\d\d\/\d{4} \| \d\d:\d\d \| Lượt xem: [\d.]+/.test(meta), `the date line reads "${meta}"`);
				return `"${title}", ${body.length} characters of body, "${meta}"`;
			},
		},
		{
			name: 'news search /tim-kiem?q=cai cach',
			path: '/tim-kiem?q=cai+cach',
			content: async (page) => {
				const total = Number(textOf(await page.locator('#total').innerText()).replace(/\D/g, ''));
				check(total >= 1, `finds ${total} articles`);
				return newsList(page);
			},
			form: (page) => searchForm(page, '#news-q', 'chuyen doi so'),
		},
		{
			name: 'work schedule /lich-cong-tac',
			path: '/lich-cong-tac',
			content: async (page) => {
				const days = await page.locator('.sched-day').count();
				const entries = await page.locator('.sched-entry').count();
				check(days >= 5, `shows ${days} days of the week`);
				check(entries >= 1 && await page.locator('.sched-entry').first().isVisible(), 'shows no work on the schedule (the demo has this week\'s)');
				return `${days} days, ${entries} entries`;
			},
			form: async (page) => {
				const before = textOf(await page.locator('.sched-week').innerText());
				const d = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10);
				await page.locator('#sched-date').fill(d);
				await submit(page, page.locator('form.sched-filters button[type=submit]'));
				const u = new URL(page.url());
				check(u.pathname === '/lich-cong-tac' && u.searchParams.get('date') === d, `the form led to ${page.url()}`);
				const after = textOf(await page.locator('.sched-week').innerText());
				check(after !== before, `the week shown did not change ("${after}")`);
				return `the week of ${d}: "${after}"`;
			},
		},
		{
			name: 'satisfaction index /chi-so-hai-long',
			path: '/chi-so-hai-long',
			content: async (page) => {
				check(await page.locator('#sat-index').isVisible(), 'no index figure');
				const tables = await page.locator('table.stats-table').count();
				check(tables >= 2, `shows ${tables} tables`);
				return `the index ${textOf(await page.locator('#sat-index').innerText())}, ${tables} tables`;
			},
			form: async (page) => {
				const year = new Date().getFullYear();
				await page.locator('#sat-from').fill(`${year}-01-01`);
				await page.locator('#sat-to').fill(`${year}-12-31`);
				await submit(page, page.locator('form.stats-form button[type=submit]'));
				const u = new URL(page.url());
				check(u.pathname === '/chi-so-hai-long' && u.searchParams.get('from') === `${year}-01-01`, `the form led to ${page.url()}`);
				const period = textOf(await page.locator('.stats-period').innerText());
				check(period.includes(String(year)), `the period reads "${period}"`);
				return `"${period}"`;
			},
		},
		{
			name: 'procedure catalogue /thu-tuc',
			path: '/thu-tuc',
			content: async (page) => {
				const rows = await page.locator('table.procedure-list tbody tr').count();
				check(rows >= 5, `lists ${rows} procedures`);
				return `${rows} procedures listed`;
			},
			form: async (page) => {
				await page.locator('#q').fill('chung thuc');
				await submit(page, page.locator('form.catalogue-search button[type=submit]'));
				const total = Number(textOf(await page.locator('#total').innerText()).replace(/\D/g, ''));
				const names = (await page.locator('table.procedure-list tbody a').allInnerTexts()).join(' | ');
				check(total >= 1 && /chứng thực/i.test(names), `"chung thuc" finds ${total}: ${names.slice(0, 200)}`);
				return `"chung thuc" finds ${total}`;
			},
		},
		{
			name: `procedure /thu-tuc/${PROCEDURE}`,
			path: `/thu-tuc/${PROCEDURE}`,
			content: async (page) => {
				const h = textOf(await page.locator('h1').innerText());
				const docs = await page.locator('table.proc-documents tbody tr').count();
				check(h.length > 0 && docs >= 1, `"${h}" with ${docs} documents to bring`);
				check(await page.locator('#fees').isVisible(), 'no fees section');
				return `"${h}", ${docs} documents to bring`;
			},
			form: async (page) => {
				if (!(await page.locator('#pages').count()))
					return 'no fee calculator on this procedure';
				await page.locator('#pages').fill('3');
				await page.locator('#copies').fill('2');
				await submit(page, page.locator('.fee-calc button[type=submit]'));
				const total = textOf(await page.locator('#fee-total').innerText());
				check(/\d/.test(total), `the fee calculator answers "${total}"`);
				return `3 pages × 2 copies: ${total}`;
			},
		},
		{
			name: 'dossier lookup /tra-cuu',
			path: '/tra-cuu',
			content: async (page) => {
				check(await page.locator('#code').isVisible() && await page.locator('#check').isVisible(), 'no lookup form');
				return 'the lookup form';
			},
			form: demo.dossier ? async (page) => {
				await page.locator('#code').fill(demo.dossier.code);
				await page.locator('#check').fill(demo.dossier.check);
				await submit(page, page.locator('form.lookup-form button[type=submit]'));
				const status = textOf(await page.locator('#lookup-status').innerText());
				check(status.length > 0, 'no status shown');
				return `${demo.dossier.code}: "${status}"`;
			} : null,
		},
	];
	if (demo.dossier) {
		list.push({
			name: 'lookup result /tra-cuu?code=…&check=…',
			path: `/tra-cuu?code=${encodeURIComponent(demo.dossier.code)}&check=${demo.dossier.check}`,
			content: async (page) => {
				const status = textOf(await page.locator('#lookup-status').innerText());
				check(status === 'Đã trả kết quả', `the status reads "${status}"`);
				const steps = await page.locator('table.lookup-timeline tbody tr').count();
				check(steps >= 2, `the progress table has ${steps} rows`);
				check(await page.locator('.rate-link a').isVisible(), 'no link to rate the service');
				return `"${status}", ${steps} steps, the link to rate the service`;
			},
		});
		list.push({
			name: 'rating /danh-gia/{code}?k=…',
			path: null, /* the link the lookup shows: filled in by main() */
			content: async (page) => {
				const sets = await page.locator('fieldset.rating-factor').count();
				const radios = await page.locator('fieldset.rating-factor input[type=radio]').count();
				check(sets === 5 && radios === 25, `shows ${sets} questions with ${radios} choices, expected 5 with 25`);
				check(await page.locator('fieldset.rating-factor input[type=radio]').first().isVisible(), 'the choices are not visible');
				return '5 questions of 5 levels';
			},
			form: async (page) => {
				const sets = page.locator('fieldset.rating-factor');
				for (let i = 0; i < 5; i++)
					await sets.nth(i).locator('input[type=radio]').nth(i % 2 ? 3 : 4).check();
				await page.locator('#comment').fill('Kiểm thử không có JavaScript.');
				await submit(page, page.locator('form.rating-form button[type=submit]'));
				const thanks = textOf(await page.locator('.notice.ok').first().innerText());
				check(thanks.length > 0 && !(await page.locator('.notice.error').count()), `no thanks after sending: ${page.url()}`);
				return `"${thanks}"`;
			},
		});
	} else {
		list.push({ name: 'lookup result /tra-cuu?code=…&check=…', missing: demo.why });
		list.push({ name: 'rating /danh-gia/{code}?k=…', missing: demo.why });
	}
	if (demo.receipt) {
		list.push({
			name: 'receipt /bien-lai/{lookup}',
			path: `/bien-lai/${demo.receipt}`,
			content: async (page) => {
				const h = textOf(await page.locator('h1').innerText());
				const lines = await page.locator('table.receipt-lines tbody tr').count();
				const sig = textOf(await page.locator('#signature-state').innerText());
				check(lines >= 1 && sig.length > 0, `"${h}": ${lines} lines, signature "${sig}"`);
				return `"${h}", ${lines} lines, "${sig}"`;
			},
		});
	} else {
		list.push({ name: 'receipt /bien-lai/{lookup}', missing: demo.why });
	}
	list.push({
		name: 'login /dang-nhap',
		path: '/dang-nhap',
		content: async (page) => {
			check(await page.locator('#username').isVisible() && await page.locator('#password').isVisible(), 'no login form');
			return 'the login form';
		},
		form: async (page) => {
			await page.locator('#username').fill(STAFF.username);
			await page.locator('#password').fill(STAFF.password);
			await submit(page, page.locator('form.login-form button[type=submit]'));
			const p = new URL(page.url()).pathname;
			check(!p.startsWith('/dang-nhap'), `still on ${page.url()}: ${(await page.locator('.notice.error').allInnerTexts()).join(' ')}`);
			return `${STAFF.username} logged in, now on ${p}`;
		},
	});
	list.push({
		name: 'citizen registration /dang-ky',
		path: '/dang-ky',
		content: async (page) => {
			const fields = await page.locator('main form input:not([type=hidden])').count();
			check(fields >= 5, `the form has ${fields} fields`);
			return `the registration form (${fields} fields)`;
		},
		form: async (page) => {
			/* sent empty: the server answers with the fields to correct, no script needed */
			await submit(page, page.locator('main form button[type=submit]'), true);
			const errors = await page.locator('.field-error').count();
			check(errors >= 1, `sent empty, it shows ${errors} field errors`);
			return `sent empty: ${errors} field errors`;
		},
	});
	list.push({
		name: 'missing page (404)',
		path: '/tin-tuc/khong-co-bai-nay',
		status: 404,
		content: async (page) => {
			const h = textOf(await page.locator('h1').innerText());
			check(h.length > 0, 'no heading');
			return `"${h}"`;
		},
	});
	return list;
}

/* Submit a form by its button, without the browser's own checks (novalidate) when `raw`. */
async function submit(page, button, raw = false) {
	check(await button.count() === 1, `no single submit button (${await button.count()})`);
	if (raw)
		await button.evaluate((b) => { if (b.form) b.form.noValidate = true; }).catch(() => {});
	await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

async function newsList(page) {
	const items = await page.locator('.news-item').count();
	check(items >= 1 && await page.locator('.news-item a').first().isVisible(), `lists ${items} articles`);
	return `${items} articles listed`;
}

/* The news search form at `input`: typing words and "Tìm kiếm" shows the results. */
async function searchForm(page, input, words = 'cai cach') {
	await page.locator(input).fill(words);
	await submit(page, page.locator(`form:has(${input}) button[type=submit]`));
	const u = new URL(page.url());
	check(u.pathname === '/tim-kiem' && u.searchParams.get('q') === words, `the search led to ${page.url()}`);
	const total = Number(textOf(await page.locator('#total').innerText()).replace(/\D/g, ''));
	check(total >= 1 && await page.locator('.news-item').count() >= 1, `"${words}" finds ${total} articles`);
	return `"${words}" finds ${total}`;
}

/* ---- the checks of one page ---- */

let pageList = [];
const listIndex = (p) => String(pageList.indexOf(p) + 1).padStart(2, '0');

async function checkPage(p) {
	if (p.missing) {
		for (const what of ['axe-core at 360 px', 'axe-core at 1280 px', 'nothing from another host', 'no horizontal scroll', 'without JavaScript'])
			skip(`${p.name}: ${what}`, p.missing);
		return;
	}
	const requests = [];
	const foreign = [];
	const widths = [];
	for (const w of WIDTHS) {
		const { context, page, requests: seen } = await openPage({ width: w.width, height: w.height });
		const label = `${p.name}: axe-core at ${w.label} finds no critical or serious violation`;
		try {
			await visit(page, p.path, p.status);
			widths.push({ w, ...(await overflow(page)) });
			if (process.env.MOTCUA_E2E_SHOTS)
				await page.screenshot({ path: path.join(work, `page-${listIndex(p)}-${w.width}.png`), fullPage: true });
			foreign.push(...(await foreignRefs(page)));
			const res = await axeRun(page);
			if (res.error) {
				tap(false, label, [`axe-core did not run: ${res.error}`]);
			} else {
				const bad = res.violations.filter((v) => SEVERE.has(v.impact));
				const lines = [];
				for (const v of res.violations)
					lines.push(`${SEVERE.has(v.impact) ? 'VIOLATION' : 'note'} ${v.id} (${v.impact}): ${v.help}; ` +
						`${v.targets.length} element(s): ${v.targets.slice(0, 5).join(' | ')}${v.targets.length > 5 ? ' | …' : ''}` +
						(SEVERE.has(v.impact) && v.summary ? `\n  ${v.summary}` : ''));
				if (bad.length)
					lines.push(await screenshot(page, `axe-${w.width}`));
				tap(bad.length === 0, `${label} (${res.passed} rules pass)`, lines);
			}
		} catch (e) {
			tap(false, label, [firstLine(e), await screenshot(page, `load-${w.width}`)]);
		}
		requests.push(...seen);
		await context.close();
	}

	/* without JavaScript: the content, then the form */
	const nojs = await openPage({ javaScript: false, width: 360, height: 780 });
	let contentNote = null;
	let contentError = null;
	try {
		await visit(nojs.page, p.path, p.status);
		contentNote = await p.content(nojs.page);
	} catch (e) {
		contentError = [firstLine(e), await screenshot(nojs.page, 'nojs')];
	}
	tap(!contentError, `${p.name}: without JavaScript it shows its content${contentNote ? ` (${contentNote})` : ''}`, contentError || []);
	if (p.form) {
		let note = null;
		let err = null;
		if (contentError) {
			skip(`${p.name}: without JavaScript its form submits and answers`, 'the page did not load');
		} else {
			try {
				note = await p.form(nojs.page);
			} catch (e) {
				err = [firstLine(e), await screenshot(nojs.page, 'nojs-form')];
			}
			tap(!err, `${p.name}: without JavaScript its form submits and answers${note ? ` (${note})` : ''}`, err || []);
		}
	}
	requests.push(...nojs.requests);
	await nojs.context.close();

	const origin = new URL(base).origin;
	const away = [...new Set(requests.filter((u) => {
		try {
			const x = new URL(u);
			return x.protocol !== 'data:' && x.origin !== origin;
		} catch (e) {
			return true;
		}
	}))];
	const refs = [...new Set(foreign)];
	tap(requests.length > 0 && away.length === 0 && refs.length === 0,
		`${p.name}: loads nothing from another host (${requests.length} requests, all to ${origin})`,
		[...away.map((u) => `request to ${u}`), ...refs.map((r) => `refers to ${r}`)].slice(0, 12));

	const wide = widths.filter((x) => x.scrollWidth > x.clientWidth);
	tap(widths.length === WIDTHS.length && wide.length === 0,
		`${p.name}: no horizontal scroll at 360 px and 1280 px (document ${widths.map((x) => `${x.scrollWidth}/${x.clientWidth}`).join(', ')} px wide)`,
		wide.flatMap((x) => [`at ${x.w.label} the page is ${x.scrollWidth} px wide in a ${x.clientWidth} px window; sticking out:`,
			...x.wide.map((s) => `  ${s}`)]).concat(widths.length === WIDTHS.length ? [] : ['the page did not load at every width']));
}

/* ---- the run ---- */

async function main() {
	const started = Date.now();
	const db = path.join(work, 'motcua.db');
	const data = path.join(work, 'data');
	const demoRun = spawnSync(motcua, ['demo', '--db', db, '--data', data], { encoding: 'utf8' });
	if (demoRun.status !== 0) {
		tap(false, 'motcua demo creates the demo database', [(demoRun.stderr || '').slice(-2000), String(demoRun.error || '')]);
		return;
	}

	/* a returned dossier of the demo (its lookup shows the rating link) and a receipt */
	const demo = {};
	const probe = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
	if (probe.error || probe.status !== 0) {
		demo.why = 'the sqlite3 command is not installed (scripts/deps.sh installs it)';
	} else {
		const d = sql(db, `SELECT code, check_phone FROM dossiers WHERE status = ${DS_RETURNED} AND id NOT IN ` +
			'(SELECT dossier_id FROM satisfaction_ratings) ORDER BY id LIMIT 1');
		const r = sql(db, "SELECT lookup FROM receipts WHERE status = 'issued' ORDER BY id LIMIT 1") ||
			sql(db, 'SELECT lookup FROM receipts ORDER BY id LIMIT 1');
		if (d && d[0] && /^\d{4}$/.test(d[1] || ''))
			demo.dossier = { code: d[0], check: d[1] };
		if (r && r[0])
			demo.receipt = r[0];
		demo.why = 'the demo database has none';
	}

	try {
		base = await startServer(db, data);
	} catch (e) {
		tap(false, 'motcua serve starts', [e.message]);
		return;
	}
	console.log(`# server ${base}, work dir ${work}`);
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
	console.log(`# chromium ${browser.version()}, playwright-core ${require('playwright-core/package.json').version}, ` +
		`axe-core ${require('axe-core/package.json').version}`);

	const list = pages(demo);
	pageList = list;
	/* the rating page's address: the link the lookup result shows */
	const rating = list.find((p) => p.name.startsWith('rating') && !p.missing);
	if (rating) {
		const { context, page } = await openPage();
		try {
			await visit(page, list.find((p) => p.name.startsWith('lookup result')).path);
			rating.path = await page.locator('.rate-link a').getAttribute('href', { timeout: 5000 });
			check(/^\/danh-gia\/[^?]+\?k=[A-Za-z0-9_-]+$/.test(rating.path || ''), `the lookup's rating link is "${rating.path}"`);
		} catch (e) {
			rating.missing = `the lookup of ${demo.dossier.code} shows no rating link: ${firstLine(e)}`;
		}
		await context.close();
	}

	for (const p of list) {
		const t0 = Date.now();
		await checkPage(p);
		console.log(`# ${p.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	}

	const seen = [...new Set(problems)];
	tap(seen.length === 0, 'the browser met no script error, CSP refusal or missing file on these pages', seen.slice(0, 20));
	await browser.close();
	browser = null;
	const exit = await stopServer();
	const log = fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8') : '';
	const sanitizer = log.split('\n').filter((l) => /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/.test(l));
	tap(exit && exit.code === 0 && sanitizer.length === 0, 'the server stops cleanly, with no sanitizer report',
		exit && exit.code === 0 && sanitizer.length === 0 ? [] : [`exit: ${JSON.stringify(exit)}`, ...sanitizer.slice(0, 10), `log: ${serverLog}`]);
	console.log(`# the pages took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const watchdog = setTimeout(() => {
	tap(false, `the test finishes within ${WATCHDOG_MS / 1000} s`);
	console.log(`1..${testNo}`);
	process.exit(1);
}, WATCHDOG_MS);

main()
	.catch((e) => tap(false, 'the test runs', [e.stack || String(e)]))
	.finally(async () => {
		clearTimeout(watchdog);
		if (browser)
			await browser.close().catch(() => {});
		await stopServer();
		console.log(`1..${testNo}`);
		if (failures)
			console.log(`# kept for a look: ${work} (server.log, failure-*.png)`);
		if (process.env.MOTCUA_E2E_SHOTS)
			console.log(`# screenshots of every page: ${work}/page-*.png`);
		process.exitCode = failures ? 1 : 0;
	});
