/* settings.c: key/value site settings. */
#include <stdio.h>
#include <time.h>
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/settings.h"
#include "core/banned.h"

char *settings_get(struct db *db, const char *key)
{
	struct db_stmt *st;
	if (db_query(db, &st, "SELECT value FROM settings WHERE key = ?", "s", key) != DB_ROW)
		return NULL;
	return xstrdup(db_col_text(st, 0));
}

int settings_set(struct db *db, const char *key, const char *value)
{
	char now[40];
	time_iso8601_utc(now, sizeof(now), time_now_us());
	return db_exec(
		db,
		"INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
		"sss", key, value, now);
}
