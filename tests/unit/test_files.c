/* test_files.c: files kept by their content's SHA-256 under DATA/files (features/files.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "features/files.h"
#include "core/banned.h"

/* SHA-256 of "abc" (FIPS 180-2, appendix B.1) and of nothing. */
#define SHA_ABC	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static char dir[256];  /* a fresh temporary folder per test */
static char data[300]; /* the data folder inside it (made by files_store) */

static int rm_rf(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/motcua-files-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(data, sizeof(data), "%s/data", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rm_rf(dir) ? -1 : 0;
}

/* The whole content of a file into out (at most n-1 bytes, NUL-terminated); its size, or -1. */
static long slurp(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "rb");
	size_t got;
	if (!f)
		return -1;
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	fclose(f);
	return (long)got;
}

/* Entries in a folder, "." and ".." left out; -1 when it cannot be read. */
static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_store(void **state)
{
	char src[400], sha[65], path[512], got[64], sub[400];
	struct stat st;
	(void)state;
	snprintf(src, sizeof(src), "%s/upload", dir);
	write_file(src, "abc", 3);
	assert_int_equal(files_store(data, src, sha), 0);
	assert_string_equal(sha, SHA_ABC);
	assert_int_equal(files_path(data, sha, path, sizeof(path)), 0);
	snprintf(sub, sizeof(sub), "%s/files/ba/" SHA_ABC, data);
	assert_string_equal(path, sub);
	assert_int_equal(slurp(path, got, sizeof(got)), 3);
	assert_string_equal(got, "abc");
	/* the folders are private to the server */
	snprintf(sub, sizeof(sub), "%s/files", data);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(sub, sizeof(sub), "%s/files/ba", data);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* the upload itself is left where it was: the HTTP layer removes its spool */
	assert_int_equal(access(src, F_OK), 0);
	/* no temporary file is left behind: files/ holds only the "ba" folder */
	snprintf(sub, sizeof(sub), "%s/files", data);
	assert_int_equal(entries(sub), 1);
}

static void test_same_content_once(void **state)
{
	char a[400], b[400], sha1[65], sha2[65], sub[400], path[512], got[64];
	struct stat st1, st2;
	(void)state;
	snprintf(a, sizeof(a), "%s/first.pdf", dir);
	snprintf(b, sizeof(b), "%s/second.pdf", dir);
	write_file(a, "abc", 3);
	write_file(b, "abc", 3);
	assert_int_equal(files_store(data, a, sha1), 0);
	assert_int_equal(files_path(data, sha1, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(files_store(data, b, sha2), 0);
	assert_string_equal(sha1, sha2);
	/* one file, the one kept first */
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	snprintf(sub, sizeof(sub), "%s/files/ba", data);
	assert_int_equal(entries(sub), 1);
	snprintf(sub, sizeof(sub), "%s/files", data);
	assert_int_equal(entries(sub), 1);
	/* the bytes variant of the same content names the same file */
	assert_int_equal(files_store_bytes(data, "abc", 3, sha2), 0);
	assert_string_equal(sha2, SHA_ABC);
	assert_int_equal(entries(sub), 1);
	assert_int_equal(slurp(path, got, sizeof(got)), 3);
	/* another content, another file */
	assert_int_equal(files_store_bytes(data, "abd", 3, sha2), 0);
	assert_string_not_equal(sha2, sha1);
	{
		char ba[400];
		snprintf(ba, sizeof(ba), "%s/files/ba", data);
		/* two files in all: both in ba/, or one in ba/ and one in another folder */
		assert_int_equal(entries(ba) + entries(sub) - 1, 2);
	}
}

static void test_bytes(void **state)
{
	char sha[65], path[512], got[300000];
	size_t big = 200000;
	unsigned char *p = malloc(big);
	(void)state;
	assert_non_null(p);
	/* an empty file is a file too */
	assert_int_equal(files_store_bytes(data, "", 0, sha), 0);
	assert_string_equal(sha, SHA_EMPTY);
	assert_int_equal(files_path(data, sha, path, sizeof(path)), 0);
	assert_int_equal(slurp(path, got, sizeof(got)), 0);
	/* binary content past one read chunk, NUL bytes included, both ways to the same digest */
	for (size_t i = 0; i < big; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	{
		char src[400], sha2[65];
		snprintf(src, sizeof(src), "%s/big.bin", dir);
		write_file(src, p, big);
		assert_int_equal(files_store_bytes(data, p, big, sha), 0);
		assert_int_equal(files_store(data, src, sha2), 0);
		assert_string_equal(sha, sha2);
	}
	assert_int_equal(files_path(data, sha, path, sizeof(path)), 0);
	assert_int_equal(slurp(path, got, sizeof(got)), (long)big);
	assert_memory_equal(got, p, big);
	free(p);
}

static void test_path_validation(void **state)
{
	char path[512], small[20];
	(void)state;
	assert_int_equal(files_path("/d", SHA_ABC, path, sizeof(path)), 0);
	assert_string_equal(path, "/d/files/ba/" SHA_ABC);
	/* upper case, short, long, a path, other letters, NULL: refused */
	assert_int_equal(files_path("/d", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
				    path, sizeof(path)),
			 -1);
	assert_int_equal(files_path("/d", "ba7816bf", path, sizeof(path)), -1);
	assert_int_equal(files_path("/d", SHA_ABC "0", path, sizeof(path)), -1);
	assert_int_equal(files_path("/d", "../../../../../../etc/passwd", path, sizeof(path)), -1);
	assert_int_equal(files_path("/d", "../7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
				    path, sizeof(path)),
			 -1);
	assert_int_equal(files_path("/d", "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
				    path, sizeof(path)),
			 -1);
	assert_int_equal(files_path("/d", "", path, sizeof(path)), -1);
	assert_int_equal(files_path("/d", NULL, path, sizeof(path)), -1);
	/* too small a buffer */
	assert_int_equal(files_path("/d", SHA_ABC, small, sizeof(small)), -1);
	assert_string_equal(small, "");
}

static void test_errors(void **state)
{
	char sha[65], src[400], blocker[400];
	(void)state;
	/* no such upload */
	snprintf(src, sizeof(src), "%s/missing", dir);
	errno = 0;
	assert_int_equal(files_store(data, src, sha), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(sha, "");
	/* the data folder cannot be made (a file stands in its way): -1 with errno, nothing left */
	snprintf(blocker, sizeof(blocker), "%s/blocker", dir);
	write_file(blocker, "x", 1);
	snprintf(src, sizeof(src), "%s/blocker/data", dir);
	errno = 0;
	assert_int_equal(files_store_bytes(src, "abc", 3, sha), -1);
	assert_int_not_equal(errno, 0);
	assert_string_equal(sha, "");
	/* files/ab exists as a file: the store fails and leaves no temporary file */
	{
		char files[400];
		snprintf(files, sizeof(files), "%s/files", data);
		assert_int_equal(mkdir(data, 0700), 0);
		assert_int_equal(mkdir(files, 0700), 0);
		snprintf(blocker, sizeof(blocker), "%s/files/ba", data);
		write_file(blocker, "x", 1);
		assert_int_equal(files_store_bytes(data, "abc", 3, sha), -1);
		assert_int_equal(errno, ENOTDIR);
		assert_int_equal(entries(files), 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_content_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
