/*
 * visitors.c: the portal's visitor statistics: page views counted in memory by the request
 * threads, written to daily roll-ups by a thread of their own (docs/visitors.md).
 *
 * A request (visitors_hit) hashes who asked (or reuses the hash of its thread's last client)
 * and adds one to a table in memory under one of SHARDS short locks: no database, no allocation
 * but a table's growth. Every FLUSH_EVERY_MS the flushing thread takes the tables, and in one
 * transaction
 *   - upserts each visitor's last request into visitor_seen, which says whether the visitor's
 *     requests begin a new visit (more than VISIT_GAP since the last one, on any server);
 *   - adds visits and page views to visitor_days, and page views per path to visitor_pages,
 *     visitor_pages_month and visitor_pages_year (a year's top pages read one row a path);
 *   - forgets visitors silent for more than VISIT_GAP: no hash is kept longer than that;
 * then reads the widget's figures back (every server's counts, not only its own). The widget
 * (visitors_widget) copies those figures under a lock. A write that fails keeps the counts in
 * memory (`carry`) for the next one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/visitors.h"
#include "core/banned.h"

#define VISIT_GAP	   (30 * 60) /* a visit ends after 30 minutes without a request */
#define ONLINE_WINDOW	   (5 * 60)  /* "online now": seen in the last 5 minutes */
#define FLUSH_EVERY_MS	   2000	     /* the issue asks for at least every 5 seconds */
#define PRUNE_EVERY	   60	     /* seconds between clean-ups of visitor_seen when idle */
#define SHARDS		   16
#define UA_MAX		   512 /* bytes of the User-Agent hashed and searched for robots */
#define PATH_MAX_BYTES	   255 /* a longer path counts towards the day, not as a page of its own */
#define SHARD_VISITORS_MAX (1u << 16)
#define SHARD_PAGES_MAX	   (1u << 12)
#define HASH_BYTES	   16
#define KEY_SETTING	   "visitor_hash_key"

/* ---- robots ---- */

/*
 * Known robots name themselves in the User-Agent: crawlers ("Googlebot", "bingbot",
 * "YandexBot", "Baiduspider", "Yahoo! Slurp", "AhrefsBot"), link previews
 * ("facebookexternalhit", "TelegramBot", "Slackbot"), feed fetchers and page auditors
 * ("Chrome-Lighthouse", HeadlessChrome). Plain HTTP clients (curl, wget, wrk, a User-Agent
 * left out) are counted: nothing tells them from a person's script, and `make bench` must
 * measure the page with its counting (docs/visitors.md).
 */
static const char *const bot_marks[] = {
	"crawl",       "spider",      "slurp",		"facebookexternalhit", "mediapartners", "feedfetcher",
	"ia_archiver", "bingpreview", "headlesschrome", "lighthouse",	       "phantomjs",
};

/* "bot" somewhere but in "Cubot", a maker of phones. */
static int names_bot(const char *low)
{
	for (const char *at = strstr(low, "bot"); at; at = strstr(at + 3, "bot"))
		if (at - low < 2 || at[-2] != 'c' || at[-1] != 'u')
			return 1;
	return 0;
}

int visitors_is_bot(const char *user_agent)
{
	char low[UA_MAX + 1];
	size_t n = 0;

	if (!user_agent)
		return 0;
	for (; user_agent[n] && n < UA_MAX; n++) {
		char c = user_agent[n];
		low[n] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	low[n] = '\0';
	if (names_bot(low))
		return 1;
	for (size_t i = 0; i < sizeof(bot_marks) / sizeof(bot_marks[0]); i++)
		if (strstr(low, bot_marks[i]))
			return 1;
	return 0;
}

/* ---- days ---- */

static int32_t ymd_of_civil(const struct civil *c)
{
	return c->year * 10000 + c->month * 100 + c->day;
}

int32_t visitors_day(int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return ymd_of_civil(&c);
}

/* Days since 1970-01-01 of a YYYYMMDD, and back. */
static int64_t day_number(int32_t ymd)
{
	return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static int32_t day_of_number(int64_t n)
{
	struct civil c;
	time_to_civil(n * 86400, 0, &c);
	return ymd_of_civil(&c);
}

/* The periods the widget counts, as of a day. */
struct periods {
	int32_t today, monday, month1, jan1; /* YYYYMMDD: the week begins on Monday */
};

static void periods_of(int64_t now, struct periods *p)
{
	struct civil c;
	time_to_civil(now, VN_UTC_OFFSET, &c);
	p->today = ymd_of_civil(&c);
	p->monday = day_of_number(days_from_civil(c.year, c.month, c.day) - (c.wday + 6) % 7);
	p->month1 = c.year * 10000 + c.month * 100 + 1;
	p->jan1 = c.year * 10000 + 101;
}

/* ---- what is counted in memory ---- */

struct vis {
	unsigned char hash[HASH_BYTES];
	int32_t day;  /* YYYYMMDD; 0: a free slot */
	int32_t gaps; /* visits begun after the first request of this batch */
	int64_t first, last;
};

struct page {
	char *path; /* NULL: a free slot; "": a path not counted on its own */
	uint64_t h;
	int32_t day;
	int64_t views;
};

struct batch {
	struct vis *vis;
	size_t vis_cap, vis_n;
	struct page *pages;
	size_t pages_cap, pages_n;
	uint64_t untracked; /* views whose visitor found the table full: no visit counted */
};

static struct shard {
	pthread_mutex_t lock;
	struct batch b;
} shards[SHARDS] = { [0 ... SHARDS - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER } };

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->pages_cap; i++)
		free(b->pages[i].path);
	free(b->pages);
	free(b->vis);
	memset(b, 0, sizeof(*b));
}

static uint64_t hash_index(const unsigned char *hash)
{
	uint64_t v;
	memcpy(&v, hash, sizeof(v));
	return v;
}

/* The visitor's slot, a free one for a new visitor (day still 0), or NULL when the table is full. */
static struct vis *vis_slot(struct batch *b, const unsigned char *hash)
{
	size_t mask, i;
	if ((b->vis_n + 1) * 2 > b->vis_cap) {
		struct vis *old = b->vis;
		size_t old_cap = b->vis_cap;
		if (b->vis_n >= SHARD_VISITORS_MAX) {
			/* full: only a visitor already there */
			mask = b->vis_cap - 1;
			for (i = hash_index(hash) & mask; b->vis[i].day; i = (i + 1) & mask)
				if (!memcmp(b->vis[i].hash, hash, HASH_BYTES))
					return &b->vis[i];
			return NULL;
		}
		b->vis_cap = old_cap ? old_cap * 2 : 64;
		b->vis = xcalloc(b->vis_cap, sizeof(*b->vis));
		for (size_t k = 0; k < old_cap; k++) {
			if (!old[k].day)
				continue;
			for (i = hash_index(old[k].hash) & (b->vis_cap - 1); b->vis[i].day;
			     i = (i + 1) & (b->vis_cap - 1))
				;
			b->vis[i] = old[k];
		}
		free(old);
	}
	mask = b->vis_cap - 1;
	for (i = hash_index(hash) & mask; b->vis[i].day; i = (i + 1) & mask)
		if (!memcmp(b->vis[i].hash, hash, HASH_BYTES))
			return &b->vis[i];
	return &b->vis[i];
}

/*
 * The visitor's requests from `first` to `last` with `gaps` new visits between them, added to
 * what the batch holds: a run after the one held begins a visit of its own when it comes more
 * than VISIT_GAP after it (a run before it, likewise: a request from another thread a moment
 * earlier, or a batch that waited for a failed flush).
 */
static void vis_add(struct batch *b, const unsigned char *hash, int32_t day, int64_t first, int64_t last,
		    int32_t gaps)
{
	struct vis *v = vis_slot(b, hash);
	if (!v) {
		b->untracked++;
		return;
	}
	if (!v->day) {
		memcpy(v->hash, hash, HASH_BYTES);
		v->day = day;
		v->first = first;
		v->last = last;
		v->gaps = gaps;
		b->vis_n++;
		return;
	}
	if (first >= v->first) {
		v->gaps += gaps + (first - v->last > VISIT_GAP);
	} else {
		v->gaps += gaps + (v->first - last > VISIT_GAP);
		v->first = first;
	}
	if (last > v->last)
		v->last = last;
}

static uint64_t page_hash(int32_t day, const char *path)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uint32_t)day;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h ? h : 1;
}

static void page_add(struct batch *b, int32_t day, const char *path, uint64_t h, int64_t views)
{
	size_t mask, i;
	if (b->pages_n >= SHARD_PAGES_MAX && *path)
		path = ""; /* too many pages in one batch: the day still counts the views */
	if (!*path)
		h = page_hash(day, "");
	if ((b->pages_n + 1) * 2 > b->pages_cap) {
		struct page *old = b->pages;
		size_t old_cap = b->pages_cap;
		b->pages_cap = old_cap ? old_cap * 2 : 16;
		b->pages = xcalloc(b->pages_cap, sizeof(*b->pages));
		for (size_t k = 0; k < old_cap; k++) {
			if (!old[k].path)
				continue;
			for (i = old[k].h & (b->pages_cap - 1); b->pages[i].path;
			     i = (i + 1) & (b->pages_cap - 1))
				;
			b->pages[i] = old[k];
		}
		free(old);
	}
	mask = b->pages_cap - 1;
	for (i = h & mask; b->pages[i].path; i = (i + 1) & mask) {
		struct page *p = &b->pages[i];
		if (p->h == h && p->day == day && !strcmp(p->path, path)) {
			p->views += views;
			return;
		}
	}
	b->pages[i].path = xstrdup(path);
	b->pages[i].h = h;
	b->pages[i].day = day;
	b->pages[i].views = views;
	b->pages_n++;
}

/* Add what `from` holds to `to`. */
static void batch_merge(struct batch *to, const struct batch *from)
{
	for (size_t i = 0; i < from->vis_cap; i++) {
		const struct vis *v = &from->vis[i];
		if (v->day)
			vis_add(to, v->hash, v->day, v->first, v->last, v->gaps);
	}
	for (size_t i = 0; i < from->pages_cap; i++) {
		const struct page *p = &from->pages[i];
		if (p->path)
			page_add(to, p->day, p->path, p->h, p->views);
	}
	to->untracked += from->untracked;
}

/* ---- who is counted ---- */

static unsigned char hash_key[crypto_generichash_KEYBYTES];
static atomic_int key_ready;
static atomic_uint key_gen; /* which key: a new one each time it is loaded */

/*
 * The visitor: BLAKE2b keyed with the site's secret over the local day, the address (an IPv6
 * address by its /64 network: a device's temporary addresses change within it) and the
 * User-Agent. The day in the input makes a new visitor of everyone at midnight, so nobody can be
 * followed from one day to the next; the key makes the hash useless without the database.
 */
static void visitor_hash(int32_t day, const char *addr, const char *user_agent, unsigned char out[HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char a6[16];
	char d[9];
	size_t ua_len = 0;

	for (int i = 7, v = (int)day; i >= 0; i--, v /= 10)
		d[i] = (char)('0' + v % 10);
	d[8] = '\n';
	crypto_generichash_init(&st, hash_key, sizeof(hash_key), HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)d, sizeof(d));
	addr = addr ? addr : "";
	if (strchr(addr, ':') && inet_pton(AF_INET6, addr, a6) == 1) {
		static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a6, v4mapped, sizeof(v4mapped)))
			memset(a6 + 8, 0, 8);
		crypto_generichash_update(&st, (const unsigned char *)"6", 1);
		crypto_generichash_update(&st, a6, sizeof(a6));
	} else {
		crypto_generichash_update(&st, (const unsigned char *)"4", 1);
		crypto_generichash_update(&st, (const unsigned char *)addr, strlen(addr));
	}
	crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
	if (user_agent)
		while (user_agent[ua_len] && ua_len < UA_MAX)
			ua_len++;
	crypto_generichash_update(&st, (const unsigned char *)(user_agent ? user_agent : ""), ua_len);
	crypto_generichash_final(&st, out, HASH_BYTES);
}

/*
 * The last client this thread counted: a browser on a kept-alive connection (served by one
 * thread) asks for page after page, and its robot check and hash need not be done again.
 */
static _Thread_local struct {
	unsigned gen; /* key_gen it was hashed with; 0: nothing kept */
	int32_t day;
	int bot;
	size_t ua_len;
	char addr[48];
	char ua[UA_MAX];
	unsigned char hash[HASH_BYTES];
} last_client;

void visitors_hit(int64_t now, const char *addr, const char *user_agent, const char *path)
{
	struct shard *s;
	int32_t day;
	uint64_t ph;
	size_t plen, ua_len, addr_len;
	unsigned gen;

	if (!atomic_load_explicit(&key_ready, memory_order_acquire))
		return;
	gen = atomic_load(&key_gen);
	day = visitors_day(now);
	addr = addr ? addr : "";
	user_agent = user_agent ? user_agent : "";
	ua_len = strnlen(user_agent, UA_MAX); /* what the robot check and the hash read */
	addr_len = strlen(addr);
	if (last_client.gen != gen || last_client.day != day || last_client.ua_len != ua_len ||
	    memcmp(last_client.ua, user_agent, ua_len) || addr_len >= sizeof(last_client.addr) ||
	    memcmp(last_client.addr, addr, addr_len + 1)) {
		last_client.gen = 0;
		last_client.bot = visitors_is_bot(user_agent);
		if (!last_client.bot)
			visitor_hash(day, addr, user_agent, last_client.hash);
		if (addr_len < sizeof(last_client.addr)) {
			memcpy(last_client.addr, addr, addr_len + 1);
			memcpy(last_client.ua, user_agent, ua_len);
			last_client.ua_len = ua_len;
			last_client.day = day;
			last_client.gen = gen;
		}
	}
	if (last_client.bot)
		return;
	path = path ? path : "";
	plen = strlen(path);
	if (plen > PATH_MAX_BYTES || !utf8_valid(path, plen))
		path = "";
	ph = page_hash(day, path);
	s = &shards[last_client.hash[HASH_BYTES - 1] % SHARDS];
	pthread_mutex_lock(&s->lock);
	vis_add(&s->b, last_client.hash, day, now, now, 0);
	page_add(&s->b, day, path, ph, 1);
	pthread_mutex_unlock(&s->lock);
}

/*
 * The site's secret for the hashes: made once per database and kept in the settings, so every
 * server behind the same database counts a visitor alike. INSERT … DO NOTHING: of two servers
 * starting together, the first one's key is the one both read back.
 */
static int key_load(struct db *db)
{
	unsigned char fresh[crypto_generichash_KEYBYTES];
	char hex[2 * sizeof(fresh) + 1], now[40];
	struct db_stmt *st;
	size_t len = 0;
	int rc;

	if (sodium_init() < 0)
		return DB_ERROR;
	randombytes_buf(fresh, sizeof(fresh));
	sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
	sodium_memzero(fresh, sizeof(fresh));
	time_iso8601_utc(now, sizeof(now), time_now_us());
	rc = db_exec(
		db,
		"INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
		"sss", KEY_SETTING, hex, now);
	sodium_memzero(hex, sizeof(hex));
	if (rc)
		return rc;
	rc = db_query(db, &st, "SELECT value FROM settings WHERE key = ?", "s", KEY_SETTING);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_ERROR;
	if (sodium_hex2bin(hash_key, sizeof(hash_key), db_col_text(st, 0), strlen(db_col_text(st, 0)), NULL,
			   &len, NULL) ||
	    len != sizeof(hash_key))
		rc = DB_ERROR;
	else
		rc = 0;
	db_release_statements(db);
	if (!rc) {
		atomic_fetch_add(&key_gen, 1);
		atomic_store_explicit(&key_ready, 1, memory_order_release);
	}
	return rc;
}

/* ---- the figures ---- */

static pthread_mutex_t figures_lock = PTHREAD_MUTEX_INITIALIZER;
static struct visitor_figures figures;
static struct periods figures_periods; /* as of which day they were read; today 0: never */

static int finish(struct db_stmt *st, int rc)
{
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : 0;
}

/*
 * The widget's figures as of `now`, from one read of the days since the earlier of this year's
 * first day and this week's Monday, plus the sum of the days before: each figure is a sum over a
 * subset of the same rows, so total >= year >= month >= today and week >= today always hold.
 */
static int figures_read(struct db *db, int64_t now, struct visitor_figures *f, struct periods *p)
{
	struct db_stmt *st;
	int32_t start;
	int rc;

	memset(f, 0, sizeof(*f));
	periods_of(now, p);
	start = p->monday < p->jan1 ? p->monday : p->jan1;
	rc = db_query(db, &st, "SELECT COALESCE(SUM(visits), 0) FROM visitor_days WHERE day < ?", "i",
		      (int64_t)start);
	if (rc == DB_ROW)
		f->total = db_col_int(st, 0);
	if ((rc = finish(st, rc)))
		return rc;
	rc = db_query(db, &st, "SELECT day, visits, views FROM visitor_days WHERE day >= ? ORDER BY day", "i",
		      (int64_t)start);
	for (; rc == DB_ROW; rc = db_step(st)) {
		int32_t day = (int32_t)db_col_int(st, 0);
		int64_t visits = db_col_int(st, 1);
		f->total += visits;
		if (day > p->today)
			continue; /* dated after today: the clock went back */
		if (day >= p->jan1)
			f->year += visits;
		if (day >= p->month1)
			f->month += visits;
		if (day >= p->monday)
			f->week += visits;
		if (day == p->today) {
			f->today = visits;
			f->views_today = db_col_int(st, 2);
		}
	}
	if (rc < 0)
		return rc;
	rc = db_query(db, &st, "SELECT COUNT(*) FROM visitor_seen WHERE last_seen > ?", "i",
		      now - ONLINE_WINDOW);
	if (rc == DB_ROW)
		f->online = db_col_int(st, 0);
	return finish(st, rc);
}

void visitors_widget(int64_t now, struct visitor_figures *out)
{
	struct periods was, is;
	pthread_mutex_lock(&figures_lock);
	*out = figures;
	was = figures_periods;
	pthread_mutex_unlock(&figures_lock);
	if (!was.today) {
		memset(out, 0, sizeof(*out));
		return;
	}
	/* read before midnight, shown after it (until the next flush): the new periods begin at 0 */
	periods_of(now, &is);
	if (is.today > was.today) {
		out->today = out->views_today = 0;
		if (is.monday != was.monday)
			out->week = 0;
		if (is.month1 != was.month1)
			out->month = 0;
		if (is.jan1 != was.jan1)
			out->year = 0;
	}
}

/* ---- writing ---- */

struct day_sum {
	int32_t day;
	int64_t visits, views;
};

static struct day_sum *day_sum(struct day_sum **v, size_t *n, size_t *cap, int32_t day)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].day == day)
			return &(*v)[i];
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		*v = xrealloc(*v, st_mult(*cap, sizeof(**v)));
	}
	(*v)[*n].day = day;
	(*v)[*n].visits = (*v)[*n].views = 0;
	return &(*v)[(*n)++];
}

/* Forget the visitors silent for longer than a visit lasts (with a minute's margin). */
static int prune(struct db *db, int64_t now)
{
	return db_exec(db, "DELETE FROM visitor_seen WHERE last_seen < ?", "i", now - VISIT_GAP - 60);
}

/*
 * One transaction: each visitor's requests against its row in visitor_seen (on any server
 * behind the database: a visitor's requests spread over several servers make one visit),
 * then the days' and the pages' counts, then the clean-up. *visits and *views: what was added.
 */
static int batch_write(struct db *db, const struct batch *b, int64_t now, int64_t *visits, int64_t *views)
{
	static const char *const page_sql[] = {
		"INSERT INTO visitor_pages (day, path, views) VALUES (?, ?, ?) "
		"ON CONFLICT (day, path) DO UPDATE SET views = visitor_pages.views + excluded.views",
		"INSERT INTO visitor_pages_month (month, path, views) VALUES (?, ?, ?) "
		"ON CONFLICT (month, path) DO UPDATE SET views = visitor_pages_month.views + excluded.views",
		"INSERT INTO visitor_pages_year (year, path, views) VALUES (?, ?, ?) "
		"ON CONFLICT (year, path) DO UPDATE SET views = visitor_pages_year.views + excluded.views",
	};
	static const char *const page_types[] = { "isi", "isi", "isi" };
	struct day_sum *days = NULL;
	size_t ndays = 0, cap = 0;
	int rc;

	*visits = *views = 0;
	rc = db_begin(db);
	for (size_t i = 0; i < b->vis_cap && !rc; i++) {
		const struct vis *v = &b->vis[i];
		char hex[2 * HASH_BYTES + 1];
		struct db_stmt *st;
		int64_t added = 0;
		if (!v->day)
			continue;
		sodium_bin2hex(hex, sizeof(hex), v->hash, HASH_BYTES);
		/*
		 * `added`: the visits these requests begin: their own gaps, and one more when they
		 * come more than VISIT_GAP after the last request stored, or when none is stored.
		 */
		rc = db_query(db, &st,
			      "INSERT INTO visitor_seen (hash, last_seen, added) VALUES (?, ?, ?) "
			      "ON CONFLICT (hash) DO UPDATE SET "
			      "added = excluded.added - 1 + CASE WHEN ? - visitor_seen.last_seen > ? "
			      "THEN 1 ELSE 0 END, "
			      "last_seen = CASE WHEN excluded.last_seen > visitor_seen.last_seen "
			      "THEN excluded.last_seen ELSE visitor_seen.last_seen END "
			      "RETURNING added",
			      "siiii", hex, v->last, (int64_t)v->gaps + 1, v->first, (int64_t)VISIT_GAP);
		if (rc == DB_ROW)
			added = db_col_int(st, 0);
		else if (rc == DB_DONE)
			rc = DB_ERROR;
		if ((rc = finish(st, rc)))
			break;
		day_sum(&days, &ndays, &cap, v->day)->visits += added;
	}
	for (size_t i = 0; i < b->pages_cap && !rc; i++) {
		const struct page *p = &b->pages[i];
		if (!p->path)
			continue;
		day_sum(&days, &ndays, &cap, p->day)->views += p->views;
		if (*p->path)
			rc = db_exec_group(db, 3, page_sql, page_types, (int64_t)p->day, p->path, p->views,
					   (int64_t)(p->day / 100), p->path, p->views,
					   (int64_t)(p->day / 10000), p->path, p->views);
	}
	for (size_t i = 0; i < ndays && !rc; i++) {
		rc = db_exec(
			db,
			"INSERT INTO visitor_days (day, visits, views) VALUES (?, ?, ?) "
			"ON CONFLICT (day) DO UPDATE SET visits = visitor_days.visits + excluded.visits, "
			"views = visitor_days.views + excluded.views",
			"iii", (int64_t)days[i].day, days[i].visits, days[i].views);
		*visits += days[i].visits;
		*views += days[i].views;
	}
	if (!rc)
		rc = prune(db, now);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	free(days);
	return rc;
}

/* One flush at a time; it owns `carry`: what was taken from the shards and not yet written. */
static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;
static struct batch carry;
static int64_t last_write, last_prune;
static int64_t flushed_visits, flushed_views; /* since the start, for the log at the end */

int visitors_flush(struct db *db, int64_t now)
{
	struct visitor_figures f;
	struct periods p;
	int rc = 0;

	pthread_mutex_lock(&flush_lock);
	if (!atomic_load(&key_ready) && (rc = key_load(db)))
		goto out;
	for (size_t i = 0; i < SHARDS; i++) {
		struct batch taken;
		pthread_mutex_lock(&shards[i].lock);
		taken = shards[i].b;
		memset(&shards[i].b, 0, sizeof(shards[i].b));
		pthread_mutex_unlock(&shards[i].lock);
		if (!carry.vis_n && !carry.pages_n && !carry.untracked) {
			carry = taken; /* the usual case: nothing waits, no copy */
		} else {
			batch_merge(&carry, &taken);
			batch_free(&taken);
		}
	}
	if (carry.vis_n || carry.pages_n) {
		int64_t visits, views;
		rc = batch_write(db, &carry, now, &visits, &views);
		if (rc) {
			log_error("event=visitors msg=\"cannot write the counts: kept for the next try\" "
				  "visitors=%zu pages=%zu rc=%d",
				  carry.vis_n, carry.pages_n, rc);
			goto read;
		}
		flushed_visits += visits;
		flushed_views += views;
		last_write = last_prune = now;
	} else if (!last_prune ||
		   (now - last_write <= VISIT_GAP + 3 * PRUNE_EVERY && now - last_prune >= PRUNE_EVERY)) {
		/* idle: the hashes still go once their visit is over (and those a stopped server left) */
		if (!prune(db, now))
			last_prune = now;
	}
	if (carry.untracked)
		log_warn(
			"event=visitors msg=\"too many visitors at once: views counted without their visit\" "
			"views=%" PRIu64,
			carry.untracked);
	batch_free(&carry);
read:
	if (!figures_read(db, now, &f, &p)) {
		pthread_mutex_lock(&figures_lock);
		figures = f;
		figures_periods = p;
		pthread_mutex_unlock(&figures_lock);
	} else if (!rc) {
		rc = DB_ERROR;
	}
	db_release_statements(db);
out:
	pthread_mutex_unlock(&flush_lock);
	return rc;
}

/* ---- the flushing thread ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stop, ready, failed;
} flusher = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t now_seconds(void)
{
	return time_now_us() / 1000000;
}

static void *flusher_main(void *arg)
{
	struct db *db = db_thread();
	int rc = db ? visitors_flush(db, now_seconds()) : DB_UNAVAILABLE;

	(void)arg;
	pthread_mutex_lock(&flusher.lock);
	flusher.ready = 1;
	flusher.failed = rc != 0;
	pthread_cond_broadcast(&flusher.cond);
	while (!rc && !flusher.stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += FLUSH_EVERY_MS / 1000;
		until.tv_nsec += (long)(FLUSH_EVERY_MS % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!flusher.stop &&
		       pthread_cond_timedwait(&flusher.cond, &flusher.lock, &until) != ETIMEDOUT)
			;
		if (flusher.stop)
			break;
		pthread_mutex_unlock(&flusher.lock);
		db = db_thread();
		if (db)
			visitors_flush(db, now_seconds());
		pthread_mutex_lock(&flusher.lock);
	}
	pthread_mutex_unlock(&flusher.lock);
	if (rc)
		return NULL;
	/* stopping: the requests have ended; what they counted goes in now (a few tries if busy) */
	for (int attempt = 0; attempt < 3; attempt++) {
		db = db_thread();
		if (db && !visitors_flush(db, now_seconds()))
			break;
		if (attempt == 2)
			log_error("event=visitors msg=\"the last counts could not be written\"");
		else
			nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000000L }, NULL);
	}
	return NULL;
}

static void forget_all(void)
{
	for (size_t i = 0; i < SHARDS; i++) {
		pthread_mutex_lock(&shards[i].lock);
		batch_free(&shards[i].b);
		pthread_mutex_unlock(&shards[i].lock);
	}
	pthread_mutex_lock(&flush_lock);
	batch_free(&carry);
	atomic_store(&key_ready, 0);
	sodium_memzero(hash_key, sizeof(hash_key));
	last_write = last_prune = 0;
	flushed_visits = flushed_views = 0;
	pthread_mutex_unlock(&flush_lock);
	pthread_mutex_lock(&figures_lock);
	memset(&figures, 0, sizeof(figures));
	memset(&figures_periods, 0, sizeof(figures_periods));
	pthread_mutex_unlock(&figures_lock);
}

int visitors_start(void)
{
	pthread_condattr_t attr;
	int failed;

	pthread_mutex_lock(&flusher.lock);
	if (flusher.running) {
		pthread_mutex_unlock(&flusher.lock);
		BUG("visitors_start called twice");
	}
	flusher.stop = flusher.ready = flusher.failed = 0;
	pthread_mutex_unlock(&flusher.lock);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&flusher.cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&flusher.thread, NULL, flusher_main, NULL)) {
		log_error("event=visitors msg=\"cannot start the flushing thread\"");
		pthread_cond_destroy(&flusher.cond);
		return -1;
	}
	/* the key and the figures are there before the first page */
	pthread_mutex_lock(&flusher.lock);
	while (!flusher.ready)
		pthread_cond_wait(&flusher.cond, &flusher.lock);
	failed = flusher.failed;
	flusher.running = !failed;
	pthread_mutex_unlock(&flusher.lock);
	if (failed) {
		pthread_join(flusher.thread, NULL);
		pthread_cond_destroy(&flusher.cond);
		forget_all();
		log_error("event=visitors msg=\"cannot read or store the visitor hash key\"");
		return -1;
	}
	return 0;
}

void visitors_stop(void)
{
	pthread_mutex_lock(&flusher.lock);
	if (flusher.running) {
		flusher.stop = 1;
		pthread_cond_broadcast(&flusher.cond);
		pthread_mutex_unlock(&flusher.lock);
		pthread_join(flusher.thread, NULL);
		pthread_mutex_lock(&flusher.lock);
		flusher.running = 0;
		pthread_cond_destroy(&flusher.cond);
		log_info("event=visitors msg=\"counting stopped\" visits=%" PRId64 " views=%" PRId64,
			 flushed_visits, flushed_views);
	}
	pthread_mutex_unlock(&flusher.lock);
	forget_all();
}

/* ---- a period, for the analytics page ---- */

enum {
	SPAN_DAY,
	SPAN_MONTH,
	SPAN_YEAR,
	SPAN_KINDS
};

/* Contiguous ranges of keys (YYYYMMDD, YYYYMM, YYYY) of one roll-up: a period's head and tail. */
struct spans {
	int32_t lo[2], hi[2];
	size_t n;
};

static void span_add(struct spans *s, int32_t key, int32_t prev_key)
{
	if (s->n && s->hi[s->n - 1] == prev_key) {
		s->hi[s->n - 1] = key;
		return;
	}
	if (s->n == 2)
		BUG("a period cut in more than two runs of one kind");
	s->lo[s->n] = s->hi[s->n] = key;
	s->n++;
}

/*
 * The period from..to as whole years, months and days, the largest first where they fit: days
 * up to a month's start, months up to a year's start, years, then months and days again. A year
 * or month that goes past `to` still counts as whole when `to` is today or later: nothing is
 * dated after today.
 */
static void period_spans(int32_t from, int32_t to, int32_t today, struct spans s[SPAN_KINDS])
{
	int64_t cur = day_number(from), last = day_number(to);
	int open_end = to >= today;

	memset(s, 0, SPAN_KINDS * sizeof(*s));
	while (cur <= last) {
		struct civil c;
		int64_t year_end, month_end_n;
		time_to_civil(cur * 86400, 0, &c);
		year_end = days_from_civil(c.year + 1, 1, 1) - 1;
		month_end_n = (c.month == 12 ? days_from_civil(c.year + 1, 1, 1)
					     : days_from_civil(c.year, c.month + 1, 1)) -
			      1;
		if (c.month == 1 && c.day == 1 && (year_end <= last || open_end)) {
			span_add(&s[SPAN_YEAR], c.year, c.year - 1);
			cur = year_end + 1;
		} else if (c.day == 1 && (month_end_n <= last || open_end)) {
			int32_t m = c.year * 100 + c.month;
			span_add(&s[SPAN_MONTH], m, c.month == 1 ? (c.year - 1) * 100 + 12 : m - 1);
			cur = month_end_n + 1;
		} else {
			span_add(&s[SPAN_DAY], day_of_number(cur), day_of_number(cur - 1));
			cur++;
		}
	}
}

int visitors_period_load(struct db *db, struct arena *a, int32_t from, int32_t to, int32_t today, size_t top,
			 struct visitor_period *out)
{
	int64_t first = day_number(from), last = day_number(to);
	struct spans s[SPAN_KINDS];
	int64_t r[10];
	struct db_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (last < first)
		return DB_ERROR;
	out->ndays = (size_t)(last - first + 1);
	out->days = arena_calloc(a, out->ndays, sizeof(*out->days));
	for (size_t i = 0; i < out->ndays; i++)
		out->days[i].day = day_of_number(first + (int64_t)i);
	rc = db_query(db, &st,
		      "SELECT day, visits, views FROM visitor_days WHERE day BETWEEN ? AND ? ORDER BY day",
		      "ii", (int64_t)from, (int64_t)to);
	for (; rc == DB_ROW; rc = db_step(st)) {
		int64_t k = day_number((int32_t)db_col_int(st, 0)) - first;
		if (k < 0 || k >= (int64_t)out->ndays)
			continue;
		out->days[k].visits = db_col_int(st, 1);
		out->days[k].views = db_col_int(st, 2);
		out->visits += out->days[k].visits;
		out->views += out->days[k].views;
	}
	if (rc < 0)
		return rc;
	if (!top)
		return 0;

	/*
	 * The top pages: a year of 10 million views reads one row a path from visitor_pages_year,
	 * plus the months and days of the ends that cut a year or a month. An unused range is 1..0.
	 */
	period_spans(from, to, today, s);
	for (int k = 0; k < 10; k++)
		r[k] = k % 2 ? 0 : 1;
	for (size_t i = 0; i < s[SPAN_DAY].n; i++)
		r[2 * i] = s[SPAN_DAY].lo[i], r[2 * i + 1] = s[SPAN_DAY].hi[i];
	for (size_t i = 0; i < s[SPAN_MONTH].n; i++)
		r[4 + 2 * i] = s[SPAN_MONTH].lo[i], r[4 + 2 * i + 1] = s[SPAN_MONTH].hi[i];
	if (s[SPAN_YEAR].n > 1)
		BUG("whole years in two runs");
	if (s[SPAN_YEAR].n)
		r[8] = s[SPAN_YEAR].lo[0], r[9] = s[SPAN_YEAR].hi[0];
	out->pages = arena_calloc(a, top, sizeof(*out->pages));
	rc = db_query(db, &st,
		      "SELECT path, SUM(views) AS v FROM ("
		      "SELECT path, views FROM visitor_pages WHERE day BETWEEN ? AND ? "
		      "UNION ALL SELECT path, views FROM visitor_pages WHERE day BETWEEN ? AND ? "
		      "UNION ALL SELECT path, views FROM visitor_pages_month WHERE month BETWEEN ? AND ? "
		      "UNION ALL SELECT path, views FROM visitor_pages_month WHERE month BETWEEN ? AND ? "
		      "UNION ALL SELECT path, views FROM visitor_pages_year WHERE year BETWEEN ? AND ?"
		      ") p GROUP BY path ORDER BY v DESC, path LIMIT ?",
		      "iiiiiiiiiii", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
		      (int64_t)top);
	for (; rc == DB_ROW && out->npages < top; rc = db_step(st)) {
		out->pages[out->npages].path = arena_strdup(a, db_col_text(st, 0));
		out->pages[out->npages].views = db_col_int(st, 1);
		out->npages++;
	}
	return finish(st, rc);
}
