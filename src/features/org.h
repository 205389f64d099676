/* org.h: the organisation tree: units of any depth (city → district → ward → department). */
#ifndef FEATURES_ORG_H
#define FEATURES_ORG_H

#include <stdint.h>
#include "store/db.h"

struct unit {
	int64_t id;
	int64_t parent_id; /* 0 for a root */
	const char *kind;  /* province, city, district, ward, commune, department, onestop */
	const char *agency_code;
	const char *name;
	const char *short_name;
	const char *tax_code;
	const char *address;
};

/* Insert a unit (inside the caller's transaction); *id gets its id. DB_CONSTRAINT for a taken code. */
int org_unit_create(struct db *db, const struct unit *u, int64_t *id);
/* The id of the unit with this agency code, 0 when none, negative on error. */
int64_t org_unit_by_code(struct db *db, const char *agency_code);

/*
 * The demo tree of the seed report: Thành phố Hà Nội → Quận Thanh Xuân → its
 * 11 wards, the district's departments and one-stop sections, inside the
 * caller's transaction. Agency codes follow the QCVN 102:2016 shape; the
 * numbers are the demo's own. Does nothing when the city exists.
 */
int org_demo(struct db *db);

#endif
