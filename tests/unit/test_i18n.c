/* test_i18n.c: language choice, the .mo reader and the embedded catalogues (core/i18n.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "core/banned.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define MO_MAGIC 0x950412deu

/*
 * Ids whose Vietnamese is the same as the English: each must still be in
 * po/vi.po, with itself as the translation.
 */
static const char *const same_in_vietnamese[] = {
	"Email",
};

static void test_pick_cookie(void **state)
{
	/* a valid cookie wins over the browser */
	assert_int_equal(i18n_pick("en", "vi"), LANG_EN);
	assert_int_equal(i18n_pick("vi", "en-US,en;q=0.9"), LANG_VI);
	assert_int_equal(i18n_pick("en", NULL), LANG_EN);
	assert_int_equal(i18n_pick("EN", "vi"), LANG_EN);
	assert_int_equal(i18n_pick("en-GB", "vi"), LANG_EN);
	/* an invalid one is ignored */
	assert_int_equal(i18n_pick("xx", "en"), LANG_EN);
	assert_int_equal(i18n_pick("", "en"), LANG_EN);
	assert_int_equal(i18n_pick("english", "en"), LANG_EN);
	assert_int_equal(i18n_pick("fr", NULL), LANG_VI);
	assert_int_equal(i18n_pick("<script>", "vi"), LANG_VI);
}

static void test_pick_accept_language(void **state)
{
	assert_int_equal(i18n_pick(NULL, "en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(i18n_pick(NULL, "vi"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7"), LANG_VI);
	/* nothing supported: Vietnamese */
	assert_int_equal(i18n_pick(NULL, "fr"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "*"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, ""), LANG_VI);
	assert_int_equal(i18n_pick(NULL, NULL), LANG_VI);
	/* a supported language further down the list */
	assert_int_equal(i18n_pick(NULL, "fr, en;q=0.5"), LANG_EN);
	assert_int_equal(i18n_pick(NULL, "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"), LANG_EN);
	/* q=0 means "not acceptable" */
	assert_int_equal(i18n_pick(NULL, "en;q=0"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "en;q=0.000"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "en;q=0, vi;q=0"), LANG_VI);
	/* the highest q wins, the first one on a tie */
	assert_int_equal(i18n_pick(NULL, "vi;q=0.5, en;q=0.8"), LANG_EN);
	assert_int_equal(i18n_pick(NULL, "en;q=0.5, vi"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "en, vi"), LANG_EN);
	assert_int_equal(i18n_pick(NULL, "vi, en"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "fr;q=0.9, en-GB;q=0.3"), LANG_EN);
	/* spaces and other parameters */
	assert_int_equal(i18n_pick(NULL, " en ; q=0.7 , vi;q=0.6"), LANG_EN);
	assert_int_equal(i18n_pick(NULL, "en;level=1;q=0.5, vi;q=0.4"), LANG_EN);
	/* a tag too long to be a language is skipped, not cut short */
	assert_int_equal(i18n_pick(NULL, "en-x-very-long-private-tag, vi;q=0.5"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "x-very-long-language-tag-here, en"), LANG_EN);
	/* malformed headers do not crash and fall back */
	assert_int_equal(i18n_pick(NULL, ",,,;;;q=,"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, ";q=1"), LANG_VI);
	assert_int_equal(i18n_pick(NULL, "en;q="), LANG_VI);
}

static void test_codes(void **state)
{
	assert_int_equal(i18n_from_code("vi"), LANG_VI);
	assert_int_equal(i18n_from_code("en"), LANG_EN);
	assert_int_equal(i18n_from_code("EN"), LANG_EN);
	assert_int_equal(i18n_from_code("Vi"), LANG_VI);
	assert_int_equal(i18n_from_code("en-US"), LANG_EN);
	assert_int_equal(i18n_from_code("en_GB"), LANG_EN);
	assert_int_equal(i18n_from_code("vi-VN"), LANG_VI);
	assert_int_equal(i18n_from_code("fr"), -1);
	assert_int_equal(i18n_from_code(""), -1);
	assert_int_equal(i18n_from_code("e"), -1);
	assert_int_equal(i18n_from_code("env"), -1);
	assert_int_equal(i18n_from_code("english"), -1);
	assert_int_equal(i18n_from_code("vie"), -1);

	assert_string_equal(i18n_code(LANG_VI), "vi");
	assert_string_equal(i18n_code(LANG_EN), "en");
	assert_string_equal(i18n_code(-1), "vi");
	assert_string_equal(i18n_code(LANG_COUNT), "vi");
	for (int l = 0; l < LANG_COUNT; l++)
		assert_int_equal(i18n_from_code(i18n_code(l)), l);
}

/* One (msgid, msgstr) pair; a plural msgid has a NUL inside, so lengths are given. */
struct mo_entry {
	const char *id;
	size_t id_len;
	const char *str;
	size_t str_len;
};

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A little-endian .mo image of `n` entries sorted by msgid, without a hash table; caller frees. */
static unsigned char *make_mo(const struct mo_entry *e, uint32_t n, unsigned *len)
{
	uint32_t oo = 28, to = 28 + 8 * n, so = 28 + 16 * n, off;
	size_t total = so;
	unsigned char *d;

	for (uint32_t i = 0; i < n; i++)
		total += e[i].id_len + 1 + e[i].str_len + 1;
	d = calloc(1, total);
	assert_non_null(d);
	put32(d, MO_MAGIC);
	put32(d + 4, 0);
	put32(d + 8, n);
	put32(d + 12, oo);
	put32(d + 16, to);
	put32(d + 20, 0);
	put32(d + 24, so);
	off = so;
	for (uint32_t i = 0; i < n; i++) {
		put32(d + oo + 8 * i, (uint32_t)e[i].id_len);
		put32(d + oo + 8 * i + 4, off);
		memcpy(d + off, e[i].id, e[i].id_len);
		off += (uint32_t)e[i].id_len + 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		put32(d + to + 8 * i, (uint32_t)e[i].str_len);
		put32(d + to + 8 * i + 4, off);
		memcpy(d + off, e[i].str, e[i].str_len);
		off += (uint32_t)e[i].str_len + 1;
	}
	*len = (unsigned)total;
	return d;
}

static const char header_str[] = "Content-Type: text/plain; charset=UTF-8\n";
static const char home_str[] = "Trang chủ";
static const char file_id[] = "file\0files";
static const char file_str[] = "tệp";
static const char zebra_str[] = "ngựa vằn";

static const struct mo_entry small_mo[] = {
	{ "", 0, header_str, sizeof(header_str) - 1 },
	{ "Home", 4, home_str, sizeof(home_str) - 1 },
	{ "Untranslated", 12, "", 0 },
	{ file_id, sizeof(file_id) - 1, file_str, sizeof(file_str) - 1 },
	{ "zebra", 5, zebra_str, sizeof(zebra_str) - 1 },
};

static void test_mo_lookup(void **state)
{
	unsigned len;
	unsigned char *mo = make_mo(small_mo, 5, &len);

	assert_int_equal(mo_check(mo, len), 0);
	assert_string_equal(mo_lookup(mo, len, "Home"), "Trang chủ");
	assert_string_equal(mo_lookup(mo, len, "zebra"), "ngựa vằn");
	/* a plural entry is found by its singular */
	assert_string_equal(mo_lookup(mo, len, "file"), "tệp");
	/* missing, empty translation, the header and near misses give NULL */
	assert_null(mo_lookup(mo, len, "Untranslated"));
	assert_null(mo_lookup(mo, len, "home"));
	assert_null(mo_lookup(mo, len, "Hom"));
	assert_null(mo_lookup(mo, len, "Homes"));
	assert_null(mo_lookup(mo, len, "aaa"));
	assert_null(mo_lookup(mo, len, "zzz"));
	assert_null(mo_lookup(mo, len, ""));
	assert_null(mo_lookup(NULL, 0, "Home"));
	free(mo);

	/* an empty catalogue */
	mo = make_mo(small_mo, 0, &len);
	assert_int_equal(mo_check(mo, len), 0);
	assert_null(mo_lookup(mo, len, "Home"));
	free(mo);
}

/* mo_check on a heap copy of exactly `len` bytes, so ASan sees any read past the end. */
static int check_copy(const unsigned char *data, unsigned len)
{
	unsigned char *copy = malloc(len ? len : 1);
	int rc;
	assert_non_null(copy);
	if (len)
		memcpy(copy, data, len);
	rc = mo_check(copy, len);
	free(copy);
	return rc;
}

static void test_mo_check_truncated(void **state)
{
	const struct embed_file *f = embed_find("po/vi.mo");
	unsigned len;
	unsigned char *mo = make_mo(small_mo, 5, &len);

	/* every prefix of a catalogue is refused */
	for (unsigned n = 0; n < len; n++)
		if (check_copy(mo, n) == 0)
			fail_msg("a catalogue cut to %u of %u bytes was accepted", n, len);
	assert_int_equal(check_copy(mo, len), 0);
	free(mo);

	assert_non_null(f);
	for (unsigned n = 0; n < f->len; n++)
		if (check_copy(f->data, n) == 0)
			fail_msg("po/vi.mo cut to %u of %u bytes was accepted", n, f->len);
	assert_int_equal(check_copy(f->data, f->len), 0);
}

static void test_mo_check_garbage(void **state)
{
	static const unsigned char zeros[64];
	unsigned char junk[256];
	unsigned len;
	unsigned char *mo = make_mo(small_mo, 5, &len);
	unsigned char *bad = malloc(len);
	uint32_t x = 12345;

	assert_non_null(bad);
	assert_int_equal(check_copy(zeros, sizeof(zeros)), -1);
	assert_int_equal(check_copy((const unsigned char *)"hello", 5), -1);
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (unsigned char)(x >> 16);
	}
	assert_int_equal(check_copy(junk, sizeof(junk)), -1);
	/* the right magic on junk */
	put32(junk, MO_MAGIC);
	assert_int_equal(check_copy(junk, sizeof(junk)), -1);

#define CORRUPT(off, val)                                              \
	do {                                                           \
		memcpy(bad, mo, len);                                  \
		put32(bad + (off), (val));                             \
		if (check_copy(bad, len) == 0)                         \
			fail_msg("accepted with %s = %s", #off, #val); \
	} while (0)

	/* big-endian magic (a catalogue this reader cannot read) */
	CORRUPT(0, 0xde120495u);
	/* counts and table offsets out of range */
	CORRUPT(8, 0xffffffffu);
	CORRUPT(8, len);
	CORRUPT(8, 6);
	CORRUPT(12, len);
	CORRUPT(12, 0xfffffff0u);
	CORRUPT(12, len - 8);
	CORRUPT(16, len);
	CORRUPT(16, 0xfffffff8u);
	/* one string's length or offset out of range, or its NUL missing */
	CORRUPT(28 + 8 * 1, 0xffffffffu);
	CORRUPT(28 + 8 * 1, len);
	CORRUPT(28 + 8 * 1, 5);
	CORRUPT(28 + 8 * 1 + 4, len);
	CORRUPT(28 + 8 * 1 + 4, 0xfffffffeu);
	CORRUPT(28 + 40 + 8 * 4, 1000);
	CORRUPT(28 + 40 + 8 * 4 + 4, len - 1);
	CORRUPT(28 + 40 + 8 * 4 + 4, len);
#undef CORRUPT

	/* the last byte is the last string's NUL */
	memcpy(bad, mo, len);
	bad[len - 1] = 'x';
	assert_int_equal(check_copy(bad, len), -1);

	/* random damage to the header and tables: refused, or still safe to read */
	for (int round = 0; round < 3000; round++) {
		unsigned where;
		memcpy(bad, mo, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			x = x * 1103515245u + 12345u;
			where = (x >> 8) % (28 + 80);
			x = x * 1103515245u + 12345u;
			bad[where] = (unsigned char)(x >> 16);
		}
		if (check_copy(bad, len) == 0) {
			unsigned char *copy = malloc(len);
			assert_non_null(copy);
			memcpy(copy, bad, len);
			mo_lookup(copy, len, "Home");
			mo_lookup(copy, len, "file");
			mo_lookup(copy, len, "zzz");
			free(copy);
		}
	}
	free(bad);
	free(mo);
}

static int setup_catalogues(void **state)
{
	return i18n_init();
}

static void test_catalogues_embedded(void **state)
{
	const struct embed_file *vi = embed_find("po/vi.mo");
	const struct embed_file *en = embed_find("po/en.mo");

	assert_non_null(vi);
	assert_non_null(en);
	assert_int_equal(mo_check(vi->data, vi->len), 0);
	assert_int_equal(mo_check(en->data, en->len), 0);
	assert_int_equal(i18n_init(), 0);
	/* loading twice is harmless */
	assert_int_equal(i18n_init(), 0);
}

static void test_gettext(void **state)
{
	static const char unknown[] = "No such message id in any catalogue";

	assert_string_equal(i18n_gettext_lang(LANG_VI, "Skip to content"), "Truy cập nội dung luôn");
	assert_string_equal(i18n_gettext_lang(LANG_VI, "Home"), "Trang chủ");
	/* English is the id itself */
	assert_string_equal(i18n_gettext_lang(LANG_EN, "Skip to content"), "Skip to content");
	assert_string_equal(i18n_gettext_lang(LANG_EN, "Home"), "Home");
	/* an unknown id comes back as is, the same pointer */
	assert_ptr_equal(i18n_gettext_lang(LANG_VI, unknown), unknown);
	assert_ptr_equal(i18n_gettext_lang(LANG_EN, unknown), unknown);
	/* the empty id is not the catalogue header */
	assert_string_equal(i18n_gettext_lang(LANG_VI, ""), "");
	/* a language out of range is Vietnamese */
	assert_string_equal(i18n_gettext_lang(99, "Home"), "Trang chủ");
	assert_string_equal(i18n_gettext_lang(-1, "Home"), "Trang chủ");

	/* the current language */
	i18n_set_lang(LANG_EN);
	assert_int_equal(i18n_lang(), LANG_EN);
	assert_string_equal(_("Home"), "Home");
	i18n_set_lang(LANG_VI);
	assert_int_equal(i18n_lang(), LANG_VI);
	assert_string_equal(_("Home"), "Trang chủ");
	i18n_set_lang(7);
	assert_int_equal(i18n_lang(), LANG_VI);

	/* plural fallback: no catalogue entry, English rule on the ids */
	assert_string_equal(i18n_ngettext("file", "files", 1), "file");
	assert_string_equal(i18n_ngettext("file", "files", 2), "files");
	i18n_set_lang(LANG_EN);
	assert_string_equal(i18n_ngettext("file", "files", 1), "file");
	assert_string_equal(i18n_ngettext("file", "files", 0), "files");
	i18n_set_lang(LANG_VI);
}

struct lang_thread {
	pthread_barrier_t *barrier;
	int initial;
	int after;
	const char *text;
};

static void *lang_thread_run(void *arg)
{
	struct lang_thread *t = arg;
	t->initial = i18n_lang();
	i18n_set_lang(LANG_EN);
	pthread_barrier_wait(t->barrier);
	/* the other thread checks its language and sets it again */
	pthread_barrier_wait(t->barrier);
	t->after = i18n_lang();
	t->text = _("Skip to content");
	return NULL;
}

static void test_lang_per_thread(void **state)
{
	pthread_barrier_t barrier;
	pthread_t th;
	struct lang_thread t = { &barrier, -1, -1, NULL };

	i18n_set_lang(LANG_VI);
	assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
	assert_int_equal(pthread_create(&th, NULL, lang_thread_run, &t), 0);
	pthread_barrier_wait(&barrier);
	/* the other thread chose English; this one is still Vietnamese */
	{
		int mine = i18n_lang();
		const char *text = _("Skip to content");
		i18n_set_lang(LANG_VI);
		pthread_barrier_wait(&barrier);
		pthread_join(th, NULL);
		pthread_barrier_destroy(&barrier);
		assert_int_equal(mine, LANG_VI);
		assert_string_equal(text, "Truy cập nội dung luôn");
	}
	/* a new thread starts in Vietnamese and keeps its own choice */
	assert_int_equal(t.initial, LANG_VI);
	assert_int_equal(t.after, LANG_EN);
	assert_string_equal(t.text, "Skip to content");
}

static int is_same_in_vietnamese(const char *id)
{
	for (size_t i = 0; i < sizeof(same_in_vietnamese) / sizeof(same_in_vietnamese[0]); i++)
		if (!strcmp(id, same_in_vietnamese[i]))
			return 1;
	return 0;
}

/* Every message id in the sources and templates has a Vietnamese translation. */
static void test_vietnamese_complete(void **state)
{
	const struct embed_file *vi = embed_find("po/vi.mo");
	FILE *p;
	char line[4096];
	char missing[2048];
	size_t used = 0;
	int ids = 0, bad = 0, status;

	assert_non_null(vi);
	missing[0] = '\0';
	p = popen("python3 '" SOURCE_ROOT "/scripts/po-extract.py' '" SOURCE_ROOT "'", "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		size_t n = strlen(line);
		const char *tr;
		int ok;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (!n)
			continue;
		ids++;
		tr = mo_lookup(vi->data, vi->len, line);
		if (is_same_in_vietnamese(line))
			ok = tr && !strcmp(tr, line);
		else
			ok = tr && *tr && i18n_gettext_lang(LANG_VI, line) != line && strcmp(tr, line);
		if (!ok) {
			bad++;
			if (used < sizeof(missing) - 1)
				used += (size_t)snprintf(missing + used, sizeof(missing) - used,
							 "\n#   \"%s\"", line);
		}
	}
	status = pclose(p);
	assert_int_equal(status, 0);
	/* the extractor did find the messages */
	assert_true(ids >= 10);
	if (bad)
		fail_msg("%d of %d message ids have no Vietnamese translation in po/vi.po:%s", bad, ids,
			 missing);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_pick_cookie),
		cmocka_unit_test(test_pick_accept_language),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_mo_lookup),
		cmocka_unit_test(test_mo_check_truncated),
		cmocka_unit_test(test_mo_check_garbage),
	};
	const struct CMUnitTest catalogues[] = {
		cmocka_unit_test(test_catalogues_embedded),
		cmocka_unit_test(test_gettext),
		cmocka_unit_test(test_lang_per_thread),
		cmocka_unit_test(test_vietnamese_complete),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("i18n rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("i18n catalogues", catalogues, setup_catalogues, NULL);
	return failed ? 1 : 0;
}
