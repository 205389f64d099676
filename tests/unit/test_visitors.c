/*
 * test_visitors.c: the visitor statistics (features/visitors.h) with a clock of the test's own:
 * the widget's figures across a day, a week (Sunday → Monday), a month end and a year end
 * (2026-12-31 23:50 → 2027-01-01 00:01) in Vietnam time, always in order (total >= year >=
 * month >= today, week >= today); the 30-minute visit; robots left out; no address stored and
 * no hash kept once the visit is over; a failed write kept for the next one; the analytics
 * period read from the daily and monthly roll-ups equal to the days' own sums; many threads
 * counting at once; a stop that writes what was counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "features/visitors.h"
#include "store/db.h"
#include "fixture.h"
#include "core/banned.h"

#define FIREFOX "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
#define SAFARI                                                                                             \
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " \
	"Version/17.5 Mobile/15E148 Safari/604.1"
#define ZALO                                                                                             \
	"Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 " \
	"Mobile Safari/537.36 Zalo android/12110801 ZaloTheme/light ZaloLanguage/vi"

struct fixture {
	struct testdb_fx tdb;
	struct db *db;
	struct arena arena;
};

/* Hà Nội local time → seconds. */
static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct civil c = { .year = y, .month = mo, .day = d, .hour = h, .min = mi };
	return time_from_civil(&c, VN_UTC_OFFSET);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	*state = fx;
	arena_init(&fx->arena);
	fx->db = testdb_open_migrated("visitors", &fx->tdb);
	if (!fx->db)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (!fx)
		return 0;
	visitors_stop(); /* forgets what is in memory: the next test starts afresh */
	arena_release(&fx->arena);
	testdb_close(&fx->tdb, fx->db);
	free(fx);
	return 0;
}

static int64_t sql_int(struct fixture *fx, const char *sql)
{
	struct db_stmt *st;
	int64_t v = -1;
	int rc = db_query(fx->db, &st, sql, "");
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	else
		fail_msg("%s: %d %s", sql, rc, db_errmsg(fx->db));
	db_release_statements(fx->db);
	return v;
}

/* The figures must agree whatever the day: never "this month: 0" beside "this week: 317". */
static void assert_ordered(const struct visitor_figures *f)
{
	if (!(f->total >= f->year && f->year >= f->month && f->month >= f->today && f->week >= f->today &&
	      f->today >= 0))
		fail_msg("figures out of order: today %lld week %lld month %lld year %lld total %lld",
			 (long long)f->today, (long long)f->week, (long long)f->month, (long long)f->year,
			 (long long)f->total);
}

/* Flush at `now` and read the widget then. */
static struct visitor_figures flush_at(struct fixture *fx, int64_t now)
{
	struct visitor_figures f;
	int rc = visitors_flush(fx->db, now);
	if (rc)
		fail_msg("visitors_flush: %d %s", rc, db_errmsg(fx->db));
	visitors_widget(now, &f);
	assert_ordered(&f);
	return f;
}

static void expect(const struct visitor_figures *f, long long online, long long today, long long week,
		   long long month, long long year, long long total, long long views_today, int line)
{
	if (f->online != online || f->today != today || f->week != week || f->month != month ||
	    f->year != year || f->total != total || f->views_today != views_today)
		fail_msg(
			"line %d: online %lld today %lld week %lld month %lld year %lld total %lld views %lld; "
			"wanted %lld %lld %lld %lld %lld %lld %lld",
			line, (long long)f->online, (long long)f->today, (long long)f->week,
			(long long)f->month, (long long)f->year, (long long)f->total,
			(long long)f->views_today, online, today, week, month, year, total, views_today);
}
#define EXPECT(f, on, td, wk, mo, yr, tot, vw) expect(&(f), on, td, wk, mo, yr, tot, vw, __LINE__)

static void robots(void **state)
{
	static const char *const bots[] = {
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
		"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
		"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 "
		"Safari/537.36",
		"Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
		"CCBot/2.0 (https://commoncrawl.org/faq/)",
		"TelegramBot (like TwitterBot)",
		/* a Cubot phone's browser taken over by a robot is still one */
		"Mozilla/5.0 (Linux; Android 10; CUBOT X30) Chrome/120.0 Mobile Safari/537.36 Cubot-Googlebot",
	};
	static const char *const people[] = {
		FIREFOX,
		SAFARI,
		ZALO,
		"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Chrome/120.0 Mobile Safari/537.36",
		/* plain HTTP clients count (docs/visitors.md): and `make bench` measures the counting */
		"curl/8.5.0",
		"wrk",
		"",
		NULL,
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bots) / sizeof(bots[0]); i++)
		if (!visitors_is_bot(bots[i]))
			fail_msg("not taken for a robot: %s", bots[i]);
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++)
		if (visitors_is_bot(people[i]))
			fail_msg("taken for a robot: %s", people[i] ? people[i] : "(none)");
}

/*
 * The clock crosses a year end (a Thursday into a Friday, the week going on), a Sunday into a
 * Monday, a month end on a Sunday, and a month end inside a week; after each flush the figures
 * are exactly what the visits say and in order.
 */
static void boundaries(void **state)
{
	struct fixture *fx = *state;
	struct visitor_figures f;

	flush_at(fx, at(2026, 12, 31, 23, 0)); /* the key: hits count from now on */
	/* Thursday 31/12/2026: A twice, B once */
	visitors_hit(at(2026, 12, 31, 23, 50), "203.0.113.5", FIREFOX, "/");
	visitors_hit(at(2026, 12, 31, 23, 51), "198.51.100.7", SAFARI, "/");
	visitors_hit(at(2026, 12, 31, 23, 52), "203.0.113.5", FIREFOX, "/thu-tuc");
	f = flush_at(fx, at(2026, 12, 31, 23, 53));
	EXPECT(f, 2, 2, 2, 2, 2, 2, 3);
	/* A again 7 minutes later: the same visit */
	visitors_hit(at(2026, 12, 31, 23, 59), "203.0.113.5", FIREFOX, "/tra-cuu");
	f = flush_at(fx, at(2026, 12, 31, 23, 59) + 30);
	EXPECT(f, 1, 2, 2, 2, 2, 2, 4); /* online: B left at 23:51, more than 5 minutes ago */

	/* Friday 01/01/2027 00:01: A again, 2 minutes later but on a new day: a new visit */
	visitors_hit(at(2027, 1, 1, 0, 1), "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 1, 1, 0, 1) + 30);
	/* online: A's hash of yesterday (23:59) and of today; B left at 23:51 */
	EXPECT(f, 2, 1, 3, 1, 1, 3, 1);
	/* shown the next day before any flush: the new day begins at 0, the week goes on */
	visitors_widget(at(2027, 1, 2, 0, 0), &f);
	assert_ordered(&f);
	EXPECT(f, 2, 0, 3, 1, 1, 3, 0);

	/* Sunday 03/01 23:58 → Monday 04/01 00:02: a new week */
	visitors_hit(at(2027, 1, 3, 23, 58), "192.0.2.1", ZALO, "/");
	f = flush_at(fx, at(2027, 1, 3, 23, 59));
	EXPECT(f, 1, 1, 4, 2, 2, 4, 1);
	visitors_hit(at(2027, 1, 4, 0, 2), "192.0.2.1", ZALO, "/thu-tuc");
	f = flush_at(fx, at(2027, 1, 4, 0, 2) + 20);
	EXPECT(f, 2, 1, 1, 3, 3, 5, 1);
	/* the next Monday's widget before any flush: week and today at 0, month and year go on */
	visitors_widget(at(2027, 1, 11, 9, 0), &f);
	assert_ordered(&f);
	EXPECT(f, 2, 0, 0, 3, 3, 5, 0);

	/* Sunday 31/01 → Monday 01/02: a new month and a new week together */
	visitors_hit(at(2027, 1, 31, 12, 0), "198.51.100.7", SAFARI, "/");
	f = flush_at(fx, at(2027, 1, 31, 12, 1));
	EXPECT(f, 1, 1, 1, 4, 4, 6, 1);
	visitors_hit(at(2027, 2, 1, 9, 0), "198.51.100.7", SAFARI, "/");
	visitors_hit(at(2027, 2, 1, 9, 0), "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 2, 1, 9, 1));
	EXPECT(f, 2, 2, 2, 2, 6, 8, 2);

	/*
	 * Monday 29/03 to Thursday 01/04, one visit a day, written in one flush: the week holds
	 * March's three days, April only its first; the week is larger than the month, rightly.
	 */
	for (int d = 29; d <= 31; d++)
		visitors_hit(at(2027, 3, d, 10, 0), "203.0.113.5", FIREFOX, "/");
	visitors_hit(at(2027, 4, 1, 10, 0), "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 4, 1, 10, 1));
	EXPECT(f, 1, 1, 4, 1, 10, 12, 1);
	assert_int_equal(sql_int(fx, "SELECT SUM(visits) FROM visitor_days"), 12);
	assert_int_equal(sql_int(fx, "SELECT SUM(views) FROM visitor_days"), 14);

	/* a new year on a Saturday, read first by the widget, then by a flush: all at 0 but the total */
	visitors_widget(at(2028, 1, 1, 8, 0), &f);
	assert_ordered(&f);
	EXPECT(f, 1, 0, 0, 0, 0, 12, 0);
	f = flush_at(fx, at(2028, 1, 1, 8, 0));
	EXPECT(f, 0, 0, 0, 0, 0, 12, 0);
}

/* A visit ends after 30 minutes without a request, whether the requests came in one flush or several. */
static void visit_gap(void **state)
{
	struct fixture *fx = *state;
	struct visitor_figures f;

	flush_at(fx, at(2027, 6, 1, 7, 0));
	visitors_hit(at(2027, 6, 1, 8, 0), "203.0.113.5", FIREFOX, "/");
	visitors_hit(at(2027, 6, 1, 8, 29), "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 6, 1, 8, 30));
	EXPECT(f, 1, 1, 1, 1, 1, 1, 2);
	/* 29 minutes after the last request: the same visit, though written apart */
	visitors_hit(at(2027, 6, 1, 8, 58), "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 6, 1, 8, 58));
	EXPECT(f, 1, 1, 1, 1, 1, 1, 3);
	/* 31 minutes after it: a new one */
	visitors_hit(at(2027, 6, 1, 9, 29) + 30, "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 6, 1, 9, 30));
	EXPECT(f, 1, 2, 2, 2, 2, 2, 4);
	/* in one batch: 10:00, 10:31 (a new visit), 10:45 (the same) */
	visitors_hit(at(2027, 6, 1, 10, 0), "198.51.100.7", SAFARI, "/");
	visitors_hit(at(2027, 6, 1, 10, 31), "198.51.100.7", SAFARI, "/");
	visitors_hit(at(2027, 6, 1, 10, 45), "198.51.100.7", SAFARI, "/");
	f = flush_at(fx, at(2027, 6, 1, 10, 46));
	EXPECT(f, 1, 4, 4, 4, 4, 4, 7);
	/* who is a visitor: another browser at the same address, an IPv6 device in its /64 or not */
	visitors_hit(at(2027, 6, 1, 11, 0), "198.51.100.7", FIREFOX, "/");
	visitors_hit(at(2027, 6, 1, 11, 0), "2001:db8:1:2::10", ZALO, "/");
	visitors_hit(at(2027, 6, 1, 11, 1), "2001:db8:1:2:a8b:1:2:3", ZALO, "/");
	visitors_hit(at(2027, 6, 1, 11, 1), "2001:db8:1:3::10", ZALO, "/");
	/* robots are not counted at all */
	visitors_hit(at(2027, 6, 1, 11, 1), "66.249.66.1", "Mozilla/5.0 (compatible; Googlebot/2.1)", "/");
	f = flush_at(fx, at(2027, 6, 1, 11, 2));
	EXPECT(f, 3, 7, 7, 7, 7, 7, 11);
}

/* No address in the database; a visitor's hash goes once the visit is over. */
static void nothing_kept(void **state)
{
	struct fixture *fx = *state;
	struct visitor_figures f;
	struct db_stmt *st;
	int rc, rows = 0;

	flush_at(fx, at(2027, 6, 1, 7, 0));
	visitors_hit(at(2027, 6, 1, 8, 0), "203.0.113.5", FIREFOX, "/");
	visitors_hit(at(2027, 6, 1, 8, 0), "2001:db8:1:2::10", SAFARI, "/");
	flush_at(fx, at(2027, 6, 1, 8, 1));
	rc = db_query(fx->db, &st, "SELECT hash FROM visitor_seen ORDER BY hash", "");
	for (; rc == DB_ROW; rc = db_step(st)) {
		const char *h = db_col_text(st, 0);
		rows++;
		assert_int_equal(strlen(h), 32);
		assert_int_equal(strspn(h, "0123456789abcdef"), 32);
	}
	assert_int_equal(rc, DB_DONE);
	assert_int_equal(rows, 2);
	/* the key is the site's, kept with the settings */
	assert_int_equal(sql_int(fx, "SELECT COUNT(*) FROM settings WHERE key = 'visitor_hash_key'"), 1);
	/* nobody asks for 32 minutes: the flush of an idle server forgets them */
	f = flush_at(fx, at(2027, 6, 1, 8, 33));
	EXPECT(f, 0, 2, 2, 2, 2, 2, 2);
	assert_int_equal(sql_int(fx, "SELECT COUNT(*) FROM visitor_seen"), 0);
}

/* A write that fails changes nothing and loses nothing: the next flush writes it once. */
static void failed_write_kept(void **state)
{
	struct fixture *fx = *state;
	struct visitor_figures f;

	flush_at(fx, at(2027, 6, 1, 7, 0));
	visitors_hit(at(2027, 6, 1, 8, 0), "203.0.113.5", FIREFOX, "/");
	visitors_hit(at(2027, 6, 1, 8, 1), "198.51.100.7", SAFARI, "/thu-tuc");
	assert_int_equal(db_exec(fx->db, "ALTER TABLE visitor_days RENAME TO visitor_days_away", ""), 0);
	assert_true(visitors_flush(fx->db, at(2027, 6, 1, 8, 2)) < 0);
	assert_int_equal(db_exec(fx->db, "ALTER TABLE visitor_days_away RENAME TO visitor_days", ""), 0);
	assert_int_equal(sql_int(fx, "SELECT COUNT(*) FROM visitor_seen"), 0);
	assert_int_equal(sql_int(fx, "SELECT COUNT(*) FROM visitor_pages"), 0);
	visitors_hit(at(2027, 6, 1, 8, 3), "203.0.113.5", FIREFOX, "/");
	f = flush_at(fx, at(2027, 6, 1, 8, 4));
	EXPECT(f, 2, 2, 2, 2, 2, 2, 3);
	assert_int_equal(sql_int(fx, "SELECT views FROM visitor_pages WHERE path = '/'"), 2);
}

/* The naive answer: every day's row of the period, grouped. */
static void naive_top(struct fixture *fx, int32_t from, int32_t to, struct visitor_page *out, size_t *n,
		      size_t top)
{
	struct db_stmt *st;
	int rc = db_query(fx->db, &st,
			  "SELECT path, SUM(views) AS v FROM visitor_pages WHERE day BETWEEN ? AND ? "
			  "GROUP BY path ORDER BY v DESC, path",
			  "ii", (int64_t)from, (int64_t)to);
	*n = 0;
	for (; rc == DB_ROW; rc = db_step(st)) {
		if (*n < top) {
			out[*n].path = arena_strdup(&fx->arena, db_col_text(st, 0));
			out[*n].views = db_col_int(st, 1);
			(*n)++;
		}
	}
	assert_int_equal(rc, DB_DONE);
}

static void period_agrees(struct fixture *fx, int32_t from, int32_t to, int32_t today)
{
	struct visitor_period p;
	struct visitor_page want[8];
	size_t nwant;
	int64_t visits = 0, views = 0;
	struct db_stmt *st;
	int rc;

	assert_int_equal(visitors_period_load(fx->db, &fx->arena, from, to, today, 8, &p), 0);
	assert_int_equal(p.ndays, (size_t)(days_from_civil(to / 10000, to / 100 % 100, to % 100) -
					   days_from_civil(from / 10000, from / 100 % 100, from % 100) + 1));
	assert_int_equal(p.days[0].day, from);
	assert_int_equal(p.days[p.ndays - 1].day, to);
	for (size_t i = 0; i < p.ndays; i++) {
		visits += p.days[i].visits;
		views += p.days[i].views;
	}
	assert_int_equal(visits, p.visits);
	assert_int_equal(views, p.views);
	rc = db_query(fx->db, &st,
		      "SELECT COALESCE(SUM(visits), 0), COALESCE(SUM(views), 0) FROM visitor_days "
		      "WHERE day BETWEEN ? AND ?",
		      "ii", (int64_t)from, (int64_t)to);
	assert_int_equal(rc, DB_ROW);
	assert_int_equal(db_col_int(st, 0), p.visits);
	assert_int_equal(db_col_int(st, 1), p.views);
	db_release_statements(fx->db);
	naive_top(fx, from, to, want, &nwant, 8);
	if (nwant != p.npages)
		fail_msg("%d-%d: %zu top pages, wanted %zu", (int)from, (int)to, p.npages, nwant);
	for (size_t i = 0; i < nwant; i++)
		if (strcmp(want[i].path, p.pages[i].path) || want[i].views != p.pages[i].views)
			fail_msg("%d-%d: top page %zu is %s (%lld), wanted %s (%lld)", (int)from, (int)to, i,
				 p.pages[i].path, (long long)p.pages[i].views, want[i].path,
				 (long long)want[i].views);
}

/* The top pages of from..to are the same after `sql` removed rows they must not be read from. */
static void same_top_without(struct fixture *fx, int32_t from, int32_t to, const char *sql)
{
	struct visitor_period before, after;
	assert_int_equal(visitors_period_load(fx->db, &fx->arena, from, to, 20270310, 8, &before), 0);
	assert_true(before.npages > 0);
	assert_int_equal(db_exec(fx->db, sql, ""), 0);
	assert_true(db_changes(fx->db) > 0);
	assert_int_equal(visitors_period_load(fx->db, &fx->arena, from, to, 20270310, 8, &after), 0);
	assert_int_equal(after.npages, before.npages);
	for (size_t i = 0; i < before.npages; i++) {
		assert_string_equal(after.pages[i].path, before.pages[i].path);
		assert_int_equal(after.pages[i].views, before.pages[i].views);
	}
}

/* The analytics period read from the roll-ups equals the days' own sums, whatever months it cuts. */
static void period(void **state)
{
	struct fixture *fx = *state;
	int64_t first = days_from_civil(2027, 1, 25);

	flush_at(fx, at(2026, 12, 1, 12, 0));
	/* the last ten days of 2026 */
	for (int d = 22; d <= 31; d++) {
		char path[32];
		snprintf(path, sizeof(path), "/tin-tuc/bai-%d", d % 3);
		visitors_hit(at(2026, 12, d, 10, 0), "198.51.100.7", SAFARI, path);
		visitors_hit(at(2026, 12, d, 10, 1), "198.51.100.7", SAFARI, "/tra-cuu");
		flush_at(fx, at(2026, 12, d, 20, 0));
	}
	/* 45 days from Monday 25/01/2027, a few pages each with their own rhythm */
	for (int k = 0; k < 45; k++) {
		struct civil c;
		time_to_civil((first + k) * 86400, 0, &c);
		for (int v = 0; v <= k % 4; v++) {
			char path[32], ua[32];
			snprintf(path, sizeof(path), "/tin-tuc/bai-%d", (k * 7 + v) % 11);
			snprintf(ua, sizeof(ua), "reader-%d", v);
			visitors_hit(at(c.year, c.month, c.day, 9 + v, 0), "203.0.113.5", ua, path);
			visitors_hit(at(c.year, c.month, c.day, 9 + v, 5), "203.0.113.5", ua, "/");
		}
		flush_at(fx, at(c.year, c.month, c.day, 20, 0));
	}
	/* 25/01 … 10/03: January's days, February whole, March whole (nothing after today) */
	period_agrees(fx, 20270125, 20270310, 20270310);
	period_agrees(fx, 20270125, 20270305, 20270310); /* March cut: its days */
	period_agrees(fx, 20270201, 20270228, 20270310); /* one whole month */
	period_agrees(fx, 20270203, 20270205, 20270310); /* days of one month */
	period_agrees(fx, 20270201, 20270315, 20270310); /* March reaches today: read whole */
	period_agrees(fx, 20270101, 20271231, 20270310); /* a year, zero days around */
	period_agrees(fx, 20261215, 20270131, 20270310); /* across a year end */
	period_agrees(fx, 20270120, 20270124, 20270310); /* nothing: zeros */
	period_agrees(fx, 20270101, 20270310, 20270310); /* 2027 read whole: nothing after today */
	period_agrees(fx, 20270101, 20270305, 20270310); /* January, February, 1-5 March */
	period_agrees(fx, 20260101, 20271231, 20270310); /* two years whole */
	period_agrees(fx, 20251130, 20270228, 20270310); /* days, a month, a year, two months */
	period_agrees(fx, 20261130, 20261230, 20270310); /* a day, then days of December */
	period_agrees(fx, 20261201, 20270227, 20270310); /* a month, then January and days */

	/* whole months and years are read from their roll-ups, not from the days */
	same_top_without(fx, 20270201, 20270228,
			 "DELETE FROM visitor_pages WHERE day BETWEEN 20270201 AND 20270228");
	same_top_without(fx, 20260101, 20261231,
			 "DELETE FROM visitor_pages_month WHERE month BETWEEN 202601 AND 202612");
	same_top_without(fx, 20260101, 20261231,
			 "DELETE FROM visitor_pages WHERE day BETWEEN 20260101 AND 20261231");
}

struct hammer {
	int id;
	int64_t now;
};

static void *hammer_main(void *arg)
{
	const struct hammer *h = arg;
	for (int i = 0; i < 5000; i++) {
		char ua[32];
		snprintf(ua, sizeof(ua), "ua-%d-%d", h->id, i % 50);
		visitors_hit(h->now, "203.0.113.5", ua, i % 2 ? "/" : "/thu-tuc");
	}
	return NULL;
}

/* Four threads counting at once lose nothing. */
static void threads(void **state)
{
	struct fixture *fx = *state;
	struct visitor_figures f;
	pthread_t t[4];
	struct hammer h[4];

	flush_at(fx, at(2027, 6, 1, 7, 0));
	for (int i = 0; i < 4; i++) {
		h[i].id = i;
		h[i].now = at(2027, 6, 1, 8, 0);
		assert_int_equal(pthread_create(&t[i], NULL, hammer_main, &h[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	f = flush_at(fx, at(2027, 6, 1, 8, 1));
	EXPECT(f, 200, 200, 200, 200, 200, 200, 20000);
	assert_int_equal(sql_int(fx, "SELECT views FROM visitor_pages WHERE path = '/'"), 10000);
	assert_int_equal(sql_int(fx, "SELECT views FROM visitor_pages_month WHERE path = '/thu-tuc'"), 10000);
}

/* The thread: started, it has the key before the first page; stopped, it has written everything. */
static void start_stop(void **state)
{
	struct fixture *fx = *state;
	int64_t now = time_now_us() / 1000000;
	struct visitor_figures f;
	struct db_stmt *st;

	db_thread_config(fx->tdb.path);
	assert_int_equal(visitors_start(), 0);
	visitors_hit(now, "203.0.113.5", FIREFOX, "/");
	visitors_hit(now, "203.0.113.5", FIREFOX, "/thu-tuc");
	visitors_hit(now, "198.51.100.7", SAFARI, "/");
	visitors_stop();
	db_thread_close_all();
	assert_int_equal(db_query(fx->db, &st, "SELECT visits, views FROM visitor_days WHERE day = ?", "i",
				  (int64_t)visitors_day(now)),
			 DB_ROW);
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_col_int(st, 1), 3);
	db_release_statements(fx->db);
	/* stopped: nothing in memory, the widget shows nothing until the next start */
	visitors_widget(now, &f);
	EXPECT(f, 0, 0, 0, 0, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(robots),
		cmocka_unit_test_setup_teardown(boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(visit_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_write_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(period, setup, teardown),
		cmocka_unit_test_setup_teardown(threads, setup, teardown),
		cmocka_unit_test_setup_teardown(start_stop, setup, teardown),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("visitors", tests, NULL, NULL);
}
