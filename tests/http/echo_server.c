/*
 * echo_server.c: the HTTP layer with test-only routes that echo what they
 * parsed (forms, multipart uploads), so the request parsing of src/http is
 * tested through a real socket. Same command line as `motcua serve`.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/i18n.h"
#include "http/http.h"

static int echo(struct request *req)
{
	json_t *v = json_object(), *q = json_object(), *f = json_object(), *files = json_array();
	for (struct kv *kv = req->query.head; kv; kv = kv->next)
		json_object_set_new(q, kv->key, json_string(kv->val));
	for (struct kv *kv = req->form.head; kv; kv = kv->next)
		json_object_set_new(f, kv->key, json_stringn(kv->val, kv->val_len));
	for (struct upload *u = req->files; u; u = u->next)
		json_array_append_new(files, json_pack("{s:s,s:s,s:s,s:I}", "field", u->field, "filename",
						       u->filename, "type", u->content_type, "size",
						       (json_int_t)u->size));
	json_object_set_new(v, "path", json_string(req->path));
	json_object_set_new(v, "client_ip", json_string(req->client_ip));
	json_object_set_new(v, "tls", json_boolean(req->is_tls));
	json_object_set_new(v, "query", q);
	json_object_set_new(v, "form", f);
	json_object_set_new(v, "files", files);
	if (req->json)
		json_object_set(v, "json", req->json);
	resp_json(req, 200, v);
	return 0;
}

static int slow(struct request *req)
{
	usleep(500000);
	resp_text(req, 200, "text/plain; charset=utf-8", "slow done\n");
	return 0;
}

static int health(struct request *req)
{
	resp_text(req, 200, "text/plain; charset=utf-8", "ok\n");
	return 0;
}

static const struct route routes[] = {
	{ HTTP_GET, "/healthz", health, 0 },
	{ HTTP_GET | HTTP_POST, "/echo", echo, ROUTE_JSON },
	{ HTTP_POST, "/upload", echo, ROUTE_UPLOAD },
	{ HTTP_GET, "/slow", slow, 0 },
};

int main(int argc, char **argv)
{
	struct server_config sc;
	struct server *srv;
	char host[64] = "127.0.0.1", spool[512] = "/tmp";
	char *err = NULL;
	sigset_t sigs;
	int sig;

	memset(&sc, 0, sizeof(sc));
	http_limits_default(&sc.limits);
	sc.limits.max_body = 4096;
	sc.limits.max_upload = 256 * 1024;
	sc.limits.max_file = 128 * 1024;
	sc.limits.max_field = 1024;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--listen")) {
			char *colon = strrchr(argv[i + 1], ':');
			snprintf(host, sizeof(host), "%.*s", (int)(colon - argv[i + 1]), argv[i + 1]);
			sc.port = (unsigned)strtoul(colon + 1, NULL, 10);
		} else if (!strcmp(argv[i], "--trusted-proxy")) {
			sc.trusted_proxy = argv[i + 1];
		} else if (!strcmp(argv[i], "--data")) {
			mkdir(argv[i + 1], 0700);
			snprintf(spool, sizeof(spool), "%s", argv[i + 1]);
		}
	}
	i18n_init();
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sc.listen_host = host;
	sc.threads = 2;
	sc.spool_dir = spool;
	sc.routes = routes;
	sc.nroutes = sizeof(routes) / sizeof(routes[0]);
	srv = server_start(&sc, &err);
	if (!srv) {
		fprintf(stderr, "echo_server: %s\n", err);
		free(err);
		return 1;
	}
	sigwait(&sigs, &sig);
	server_stop(srv, 5000);
	return 0;
}
