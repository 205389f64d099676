/* password.c: the password rules of issue 4: length, UTF-8, user name, common passwords. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "rules/password.h"
#include "core/banned.h"

#define LIST_NAME "data/common-passwords.txt"
/* A user name shorter than this is not looked for inside the password. */
#define USERNAME_MIN_BYTES 3

static pthread_once_t list_once = PTHREAD_ONCE_INIT;
static char *list_text;	  /* the embedded file, copied, lowercased, one NUL per line */
static const char **list; /* sorted, for bsearch */
static unsigned list_count;

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Split the copy into lines in place; with `out` NULL, only count them. */
static unsigned split_lines(char *text, size_t len, const char **out)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < len) {
		size_t start = i, end;
		while (i < len && text[i] != '\n')
			i++;
		end = i;
		if (i < len)
			i++; /* past the '\n' */
		while (end > start &&
		       (text[end - 1] == '\r' || text[end - 1] == ' ' || text[end - 1] == '\t'))
			end--;
		if (end == start || text[start] == '#')
			continue;
		if (out) {
			text[end] = '\0';
			out[n] = text + start;
		}
		n++;
	}
	return n;
}

static void list_load(void)
{
	const struct embed_file *f = embed_find(LIST_NAME);
	unsigned n;

	if (!f)
		BUG(LIST_NAME " is not embedded");
	list_text = xmalloc(st_add(f->len, 1));
	memcpy(list_text, f->data, f->len);
	list_text[f->len] = '\0';
	for (unsigned i = 0; i < f->len; i++)
		list_text[i] = (char)fold((unsigned char)list_text[i]);
	n = split_lines(list_text, f->len, NULL);
	list = xmalloc(st_mult(n ? n : 1, sizeof(*list)));
	list_count = split_lines(list_text, f->len, list);
	qsort(list, list_count, sizeof(*list), cmp_str_ptr);
}

static void list_init(void)
{
	pthread_once(&list_once, list_load);
}

unsigned password_list_count(void)
{
	list_init();
	return list_count;
}

/* Whether the already folded `word` is on the list. */
static int listed_folded(const char *word)
{
	return *word && bsearch(word, list, list_count, sizeof(*list), cmp_key) != NULL;
}

int password_is_listed(const char *word)
{
	char buf[PASSWORD_MAX_BYTES + 1];
	size_t len = strlen(word);

	list_init();
	if (len > PASSWORD_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)fold((unsigned char)word[i]);
	buf[len] = '\0';
	return listed_folded(buf);
}

/* Whether needle[0..nlen) occurs in hay[0..hlen), ignoring ASCII case. */
static int contains_folded(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || nlen > hlen)
		return 0;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;
		while (k < nlen && fold((unsigned char)hay[i + k]) == fold((unsigned char)needle[k]))
			k++;
		if (k == nlen)
			return 1;
	}
	return 0;
}

static int contains_username(const char *password, size_t len, const char *username)
{
	size_t ulen;
	const char *at;

	if (!username)
		return 0;
	ulen = strlen(username);
	if (ulen >= USERNAME_MIN_BYTES && contains_folded(password, len, username, ulen))
		return 1;
	/* an e-mail address as the user name: its local part too */
	at = memchr(username, '@', ulen);
	if (at && (size_t)(at - username) >= USERNAME_MIN_BYTES &&
	    contains_folded(password, len, username, (size_t)(at - username)))
		return 1;
	return 0;
}

/*
 * NEEDSWORK: "Mậtkhẩu2024" passes although "matkhau" is listed; folding the
 * Vietnamese letters to their base letters (ậ → a, đ → d) would catch it.
 *
 * Whether the password, folded, is listed: as a whole, without its trailing
 * ASCII symbols ("12345678!"), or without its trailing ASCII digits and
 * symbols ("Password2024!").
 */
static int is_common(const char *password, size_t len)
{
	char buf[PASSWORD_MAX_BYTES + 1];
	size_t n = len;

	for (size_t i = 0; i < len; i++)
		buf[i] = (char)fold((unsigned char)password[i]);
	buf[len] = '\0';
	list_init();
	if (listed_folded(buf))
		return 1;
	while (n > 0 && (unsigned char)buf[n - 1] < 0x80 && !is_ascii_alnum((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	if (n < len && listed_folded(buf))
		return 1;
	len = n;
	while (n > 0 && (unsigned char)buf[n - 1] < 0x80 && !(buf[n - 1] >= 'a' && buf[n - 1] <= 'z'))
		n--;
	buf[n] = '\0';
	return n < len && listed_folded(buf);
}

int password_check(const char *password, const char *username, const char **reason_msgid)
{
	const char *reason = NULL;
	size_t len = strlen(password);
	long chars;

	if (len > PASSWORD_MAX_BYTES) {
		reason = N_("The password is too long (at most 128 bytes).");
		goto out;
	}
	chars = utf8_count(password, len);
	if (chars < 0) {
		reason = N_("The password is not valid UTF-8.");
		goto out;
	}
	if (chars < PASSWORD_MIN_CHARS) {
		reason = N_("The password must have at least 8 characters.");
		goto out;
	}
	if (contains_username(password, len, username)) {
		reason = N_("The password must not contain the user name.");
		goto out;
	}
	if (is_common(password, len)) {
		reason = N_("This password is too common: choose another.");
		goto out;
	}
out:
	if (reason_msgid)
		*reason_msgid = reason;
	return reason ? -1 : 0;
}
