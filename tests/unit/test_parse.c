/* test_parse.c: percent-decoding, forms and cookies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "http/parse.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/banned.h"

static struct arena arena;

static int setup(void **state)
{
	arena_init(&arena);
	return 0;
}

static int teardown(void **state)
{
	arena_release(&arena);
	return 0;
}

/* Decode `in` (a C string) and expect `want`, or an error code when want is NULL. */
static void check_decode(const char *in, int plus, const char *want, int want_rc)
{
	char *out = NULL;
	size_t outlen = 0;
	int rc = url_decode(&arena, in, strlen(in), plus, &out, &outlen);

	if (rc != want_rc)
		fail_msg("url_decode(\"%s\") = %d, want %d", in, rc, want_rc);
	if (want) {
		assert_non_null(out);
		assert_int_equal(outlen, strlen(want));
		assert_memory_equal(out, want, outlen);
		assert_int_equal(out[outlen], '\0');
	}
}

static void test_decode_good(void **state)
{
	check_decode("", 0, "", PARSE_OK);
	check_decode("abc", 0, "abc", PARSE_OK);
	check_decode("a%20b", 0, "a b", PARSE_OK);
	check_decode("%25", 0, "%", PARSE_OK);
	check_decode("%2b%2B", 0, "++", PARSE_OK);
	check_decode("%09", 0, "\t", PARSE_OK);
	/* à, in upper and lower case hex */
	check_decode("%C3%A0", 0, "\xc3\xa0", PARSE_OK);
	check_decode("%c3%a0", 0, "\xc3\xa0", PARSE_OK);
	/* Nguyễn Văn A, as a browser sends it in a form */
	check_decode("Nguy%E1%BB%85n+V%C4%83n+A", 1, "Nguy\xe1\xbb\x85n V\xc4\x83n A", PARSE_OK);
	/* raw UTF-8 passes through */
	check_decode("Vi\xe1\xbb\x87t", 0, "Vi\xe1\xbb\x87t", PARSE_OK);
	/* U+10FFFF, the highest code point */
	check_decode("%F4%8F%BF%BF", 0, "\xf4\x8f\xbf\xbf", PARSE_OK);
}

static void test_decode_plus(void **state)
{
	check_decode("a+b", 1, "a b", PARSE_OK);
	check_decode("a+b", 0, "a+b", PARSE_OK);
	check_decode("+++", 1, "   ", PARSE_OK);
	check_decode("%2B", 1, "+", PARSE_OK);
}

static void test_decode_bad_escape(void **state)
{
	check_decode("%4", 0, NULL, PARSE_EBADESC);
	check_decode("%", 0, NULL, PARSE_EBADESC);
	check_decode("abc%", 0, NULL, PARSE_EBADESC);
	check_decode("abc%4", 0, NULL, PARSE_EBADESC);
	check_decode("%G0", 0, NULL, PARSE_EBADESC);
	check_decode("%0G", 0, NULL, PARSE_EBADESC);
	check_decode("%%41", 0, NULL, PARSE_EBADESC);
	check_decode("% 1", 0, NULL, PARSE_EBADESC);
	check_decode("%-1", 0, NULL, PARSE_EBADESC);
}

static void test_decode_control(void **state)
{
	char *out = NULL;
	size_t outlen = 7;

	check_decode("%00", 0, NULL, PARSE_ECTRL);
	check_decode("a%00b", 0, NULL, PARSE_ECTRL);
	check_decode("%0A", 0, NULL, PARSE_ECTRL);
	check_decode("%0d%0a", 0, NULL, PARSE_ECTRL);
	check_decode("%1F", 0, NULL, PARSE_ECTRL);
	check_decode("%7F", 0, NULL, PARSE_ECTRL);
	check_decode("%7f", 0, NULL, PARSE_ECTRL);
	check_decode("a\nb", 0, NULL, PARSE_ECTRL);
	check_decode("\x7f", 0, NULL, PARSE_ECTRL);
	/* a raw NUL inside the slice */
	assert_int_equal(url_decode(&arena, "a\0b", 3, 0, &out, &outlen), PARSE_ECTRL);
	assert_null(out);
	assert_int_equal(outlen, 7);
	/* DEL's neighbours are fine */
	check_decode("%7E%20", 0, "~ ", PARSE_OK);
}

static void test_decode_utf8(void **state)
{
	check_decode("%C3%28", 0, NULL, PARSE_EUTF8);
	check_decode("%C0%AF", 0, NULL, PARSE_EUTF8);
	check_decode("%E0%80%AF", 0, NULL, PARSE_EUTF8);
	check_decode("%C3", 0, NULL, PARSE_EUTF8);
	check_decode("%A0", 0, NULL, PARSE_EUTF8);
	check_decode("%ED%A0%80", 0, NULL, PARSE_EUTF8);
	check_decode("%F4%90%80%80", 0, NULL, PARSE_EUTF8);
	check_decode("%FF", 0, NULL, PARSE_EUTF8);
	check_decode("\xc3", 0, NULL, PARSE_EUTF8);
}

static void check_kv(const struct kv *kv, const char *key, const char *val)
{
	assert_non_null(kv);
	assert_string_equal(kv->key, key);
	assert_string_equal(kv->val, val);
	assert_int_equal(kv->val_len, strlen(val));
}

static void test_kvlist(void **state)
{
	struct kvlist l;

	kvlist_init(&l);
	assert_null(l.head);
	assert_int_equal(l.n, 0);
	assert_null(kvlist_get(&l, "a"));
	kvlist_add(&l, &arena, "a", "1", 1);
	kvlist_add(&l, &arena, "b", "2", 1);
	kvlist_add(&l, &arena, "a", "3", 1);
	assert_int_equal(l.n, 3);
	assert_string_equal(kvlist_get(&l, "a"), "1");
	assert_string_equal(kvlist_get(&l, "b"), "2");
	assert_null(kvlist_get(&l, "c"));
	check_kv(l.head, "a", "1");
	check_kv(l.head->next, "b", "2");
	check_kv(l.tail, "a", "3");
	assert_null(l.tail->next);
}

static int form(const char *s, size_t max_fields, size_t max_value, struct kvlist *l)
{
	kvlist_init(l);
	return form_parse(&arena, s, strlen(s), max_fields, max_value, l);
}

static void test_form_basic(void **state)
{
	struct kvlist l;
	const struct kv *kv;

	assert_int_equal(form("a=1&b=2", 10, 100, &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	check_kv(l.head, "a", "1");
	check_kv(l.head->next, "b", "2");

	assert_int_equal(form("ho_ten=Tr%E1%BA%A7n+Th%E1%BB%8B+B&dia+chi=H%C3%A0+N%E1%BB%99i", 10, 100, &l),
			 PARSE_OK);
	assert_string_equal(kvlist_get(&l, "ho_ten"), "Tr\xe1\xba\xa7n Th\xe1\xbb\x8b B");
	assert_string_equal(kvlist_get(&l, "dia chi"), "H\xc3\xa0 N\xe1\xbb\x99i");

	/* empty pieces are skipped, a piece without '=' has an empty value */
	assert_int_equal(form("&a=1&&b&&c=&", 10, 100, &l), PARSE_OK);
	assert_int_equal(l.n, 3);
	kv = l.head;
	check_kv(kv, "a", "1");
	check_kv(kv->next, "b", "");
	check_kv(kv->next->next, "c", "");

	assert_int_equal(form("", 10, 100, &l), PARSE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(form("&&&", 0, 100, &l), PARSE_OK);
	assert_int_equal(l.n, 0);

	/* only the first '=' splits */
	assert_int_equal(form("a=1=2&=x", 10, 100, &l), PARSE_OK);
	check_kv(l.head, "a", "1=2");
	check_kv(l.head->next, "", "x");

	/* repeated names are kept in order; get() returns the first */
	assert_int_equal(form("x=1&x=2", 10, 100, &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kvlist_get(&l, "x"), "1");

	/* escaped separators are data */
	assert_int_equal(form("q=a%26b%3Dc", 10, 100, &l), PARSE_OK);
	check_kv(l.head, "q", "a&b=c");
}

static void test_form_append(void **state)
{
	struct kvlist l;

	kvlist_init(&l);
	assert_int_equal(form_parse(&arena, "a=1", 3, 10, 10, &l), PARSE_OK);
	assert_int_equal(form_parse(&arena, "b=2", 3, 10, 10, &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kvlist_get(&l, "a"), "1");
	assert_string_equal(kvlist_get(&l, "b"), "2");
}

static void test_form_errors(void **state)
{
	struct kvlist l;

	assert_int_equal(form("a=%ZZ", 10, 100, &l), PARSE_EBADESC);
	assert_int_equal(form("a=1&b=%4", 10, 100, &l), PARSE_EBADESC);
	assert_int_equal(form("a%00=1", 10, 100, &l), PARSE_ECTRL);
	assert_int_equal(form("a%0A=1", 10, 100, &l), PARSE_ECTRL);
	assert_int_equal(form("a=%01", 10, 100, &l), PARSE_ECTRL);
	assert_int_equal(form("a=x%00y", 10, 100, &l), PARSE_ECTRL);
	assert_int_equal(form("a=%C3%28", 10, 100, &l), PARSE_EUTF8);
	assert_int_equal(form("a=%C0%AF", 10, 100, &l), PARSE_EUTF8);
}

/* A textarea's line breaks come as %0D%0A: kept in values. */
static void test_form_newlines(void **state)
{
	struct kvlist l;
	(void)state;
	assert_int_equal(form("note=d%C3%B2ng+1%0D%0Ad%C3%B2ng+2&b=%0A", 10, 100, &l), PARSE_OK);
	assert_string_equal(kvlist_get(&l, "note"), "dòng 1\r\ndòng 2");
	assert_string_equal(kvlist_get(&l, "b"), "\n");
}

static void test_form_limits(void **state)
{
	struct kvlist l;
	char name[300], big[1024];
	size_t i;

	/* field count: exactly max passes; empty pieces do not count */
	assert_int_equal(form("a=1&b=2&c=3", 3, 100, &l), PARSE_OK);
	assert_int_equal(form("a=1&&b=2&&c=3&&", 3, 100, &l), PARSE_OK);
	assert_int_equal(form("a=1&b=2&c=3&d", 3, 100, &l), PARSE_ETOOMANY);
	assert_int_equal(form("a", 0, 100, &l), PARSE_ETOOMANY);

	/* value length, counted decoded */
	assert_int_equal(form("a=12345", 10, 5, &l), PARSE_OK);
	assert_int_equal(form("a=123456", 10, 5, &l), PARSE_ETOOBIG);
	assert_int_equal(form("a=%41%41%41%41%41", 10, 5, &l), PARSE_OK);
	assert_int_equal(form("a=%41%41%41%41%41%41", 10, 5, &l), PARSE_ETOOBIG);
	assert_int_equal(form("a=", 10, 0, &l), PARSE_OK);
	assert_int_equal(form("a=b", 10, 0, &l), PARSE_ETOOBIG);

	/* name length: 256 passes, 257 does not */
	memset(name, 'n', 256);
	memcpy(name + 256, "=v", 3);
	assert_int_equal(form(name, 10, 100, &l), PARSE_OK);
	assert_int_equal(strlen(l.head->key), 256);
	memset(name, 'n', 257);
	memcpy(name + 257, "=v", 3);
	assert_int_equal(form(name, 10, 100, &l), PARSE_ETOOBIG);
	/* a long escaped name counts decoded: 256 x "%41" passes */
	for (i = 0; i < 256; i++)
		memcpy(big + 3 * i, "%41", 3);
	big[768] = '\0';
	assert_int_equal(form(big, 10, 100, &l), PARSE_OK);
	assert_int_equal(strlen(l.head->key), 256);
	memcpy(big + 768, "%41", 4);
	assert_int_equal(form(big, 10, 100, &l), PARSE_ETOOBIG);
}

static int cookies(const char *s, struct kvlist *l)
{
	kvlist_init(l);
	return cookie_parse(&arena, s, strlen(s), l);
}

static void test_cookie_basic(void **state)
{
	struct kvlist l;

	assert_int_equal(cookies("a=1; b=2", &l), PARSE_OK);
	assert_int_equal(l.n, 2);
	check_kv(l.head, "a", "1");
	check_kv(l.head->next, "b", "2");

	assert_int_equal(cookies("sid=\"abc123\"", &l), PARSE_OK);
	check_kv(l.head, "sid", "abc123");
	assert_int_equal(cookies("e=\"\"; f=", &l), PARSE_OK);
	check_kv(l.head, "e", "");
	check_kv(l.head->next, "f", "");

	/* loose spacing and separators */
	assert_int_equal(cookies("  a = 1 ;b=2;;  ; c=3;", &l), PARSE_OK);
	assert_int_equal(l.n, 3);
	check_kv(l.head, "a", "1");
	check_kv(l.head->next, "b", "2");
	check_kv(l.tail, "c", "3");

	/* not percent-decoded; '=' allowed in values (base64) */
	assert_int_equal(cookies("t=a%20b; u=YWJj==", &l), PARSE_OK);
	check_kv(l.head, "t", "a%20b");
	check_kv(l.head->next, "u", "YWJj==");

	/* duplicates in order: the first wins */
	assert_int_equal(cookies("sid=new; sid=old", &l), PARSE_OK);
	assert_string_equal(kvlist_get(&l, "sid"), "new");

	assert_int_equal(cookies("", &l), PARSE_OK);
	assert_int_equal(l.n, 0);
	assert_int_equal(cookies(" ; ;", &l), PARSE_OK);
	assert_int_equal(l.n, 0);
}

static void test_cookie_malformed(void **state)
{
	struct kvlist l;
	char big[5000];

	assert_int_equal(cookies("noeq; =v; b@d=1; ok=2; x=a b; q=\"x; c=a,b; "
				 "d=a\\b; e=\"q\"q\"; f=\x01; g=\xc3\xa0",
				 &l),
			 PARSE_OK);
	assert_int_equal(l.n, 1);
	check_kv(l.head, "ok", "2");
	/* a NUL is not a cookie-octet: that piece is skipped */
	kvlist_init(&l);
	assert_int_equal(cookie_parse(&arena, "a=1\0; b=2", 9, &l), PARSE_OK);
	assert_int_equal(l.n, 1);
	check_kv(l.head, "b", "2");

	/* a value of 4096 bytes is kept, 4097 skipped */
	memcpy(big, "v=", 2);
	memset(big + 2, 'x', 4096);
	big[4098] = '\0';
	assert_int_equal(cookies(big, &l), PARSE_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.head->val_len, 4096);
	memset(big + 2, 'x', 4097);
	big[4099] = '\0';
	assert_int_equal(cookies(big, &l), PARSE_OK);
	assert_int_equal(l.n, 0);
}

static void test_cookie_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct kvlist l;
	int i;

	for (i = 0; i < 64; i++)
		buf_addf(&b, "c%d=%d; ", i, i);
	buf_adds(&b, "bad piece; ");
	assert_false(buf_err(&b));
	assert_int_equal(cookies(b.ptr, &l), PARSE_OK);
	assert_int_equal(l.n, 64);
	assert_string_equal(kvlist_get(&l, "c63"), "63");
	buf_adds(&b, "c64=64");
	assert_int_equal(cookies(b.ptr, &l), PARSE_ETOOMANY);
	buf_release(&b);
}

static void test_strerror(void **state)
{
	int e;

	for (e = PARSE_ESYNTAX; e <= PARSE_OK; e++) {
		assert_non_null(parse_strerror(e));
		assert_string_not_equal(parse_strerror(e), parse_strerror(-100));
	}
	assert_string_equal(parse_strerror(PARSE_EUTF8), "input is not valid UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decode_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_plus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_bad_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kvlist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_newlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_form_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strerror, setup, teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
