/* pages_ops.c: operability: /healthz, /metrics (Prometheus text format), the API version. */
#include <stdio.h>
#include "core/i18n.h"
#include "core/timefmt.h"
#include "store/db.h"
#include "web/app.h"
#include "config.h"
#include "core/banned.h"

/* 200 when the database answers a query on motcua's schema, 503 otherwise. */
int page_healthz(struct request *req)
{
	struct db *db = db_thread();
	struct db_stmt *st = NULL;
	int ok = db && db_query(db, &st, "SELECT COUNT(*) FROM schema_version", NULL) == DB_ROW;
	resp_header(req, "Cache-Control", "no-store");
	resp_json(req, ok ? 200 : 503,
		  json_pack("{s:s,s:s,s:s}", "status", ok ? "ok" : "unavailable", "database",
			    ok ? "ok" : "unreachable", "version", MOTCUA_VERSION));
	return 0;
}

int page_metrics(struct request *req)
{
	struct http_stats s;
	struct buf *b = &req->out;
	const char *classes[] = { "", "1xx", "2xx", "3xx", "4xx", "5xx" };

	http_stats_get(req->srv, &s);
	buf_reset(b);
	buf_adds(b, "# HELP motcua_http_requests_total HTTP requests answered, by status class.\n"
		    "# TYPE motcua_http_requests_total counter\n");
	for (int i = 1; i <= 5; i++)
		buf_addf(b, "motcua_http_requests_total{class=\"%s\"} %llu\n", classes[i],
			 (unsigned long long)s.by_class[i]);
	buf_adds(b, "# HELP motcua_http_request_duration_seconds Time from request line to response queued.\n"
		    "# TYPE motcua_http_request_duration_seconds histogram\n");
	for (int i = 0; i < 12; i++) {
		buf_addf(b, "motcua_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			 http_latency_bounds[i], (unsigned long long)s.latency_le[i]);
	}
	buf_addf(b, "motcua_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
		 (unsigned long long)s.latency_count);
	buf_addf(b, "motcua_http_request_duration_seconds_sum %.6f\n", s.latency_sum);
	buf_addf(b, "motcua_http_request_duration_seconds_count %llu\n", (unsigned long long)s.latency_count);
	buf_addf(b,
		 "# HELP motcua_http_requests_in_flight Requests being handled now.\n"
		 "# TYPE motcua_http_requests_in_flight gauge\n"
		 "motcua_http_requests_in_flight %llu\n",
		 (unsigned long long)s.in_flight);
	buf_addf(b,
		 "# HELP motcua_db_errors_total Database errors seen.\n"
		 "# TYPE motcua_db_errors_total counter\n"
		 "motcua_db_errors_total %llu\n",
		 (unsigned long long)db_error_count());
	buf_addf(b,
		 "# HELP motcua_uptime_seconds Seconds since the server started.\n"
		 "# TYPE motcua_uptime_seconds gauge\n"
		 "motcua_uptime_seconds %lld\n",
		 (long long)((time_now_us() - the_app->started_us) / 1000000));
	buf_addf(b,
		 "# HELP motcua_build_info The running version.\n"
		 "# TYPE motcua_build_info gauge\n"
		 "motcua_build_info{version=\"%s\"} 1\n",
		 MOTCUA_VERSION);
	req->status = 200;
	req->content_type_out = "text/plain; version=0.0.4; charset=utf-8";
	resp_header(req, "Cache-Control", "no-store");
	return 0;
}

int api_version(struct request *req)
{
	resp_json(req, 200, json_pack("{s:s,s:s}", "name", "motcua", "version", MOTCUA_VERSION));
	return 0;
}
