/* settings.h: the site's settings kept in the database (name of the unit, contact details). */
#ifndef FEATURES_SETTINGS_H
#define FEATURES_SETTINGS_H

#include "store/db.h"

/* The value of `key` (caller frees), or NULL when unset or on error. */
char *settings_get(struct db *db, const char *key);
/* Insert or replace `key`. Returns 0 or a negative enum db_rc. */
int settings_set(struct db *db, const char *key, const char *value);

#endif
