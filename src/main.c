/* main.c: the motcua command: subcommands, flags, environment. */
#include <errno.h>
#include <getopt.h>
#include <termios.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "features/accounts.h"
#include "features/authz.h"
#include "features/audit.h"
#include "features/doc_incoming.h"
#include "features/doc_outgoing.h"
#include "features/dossier_demo.h"
#include "features/org.h"
#include "features/news.h"
#include "features/procedures.h"
#include "features/receipt_xml.h"
#include "features/receipts.h"
#include "features/schedule.h"
#include "features/settings.h"
#include "features/tokens.h"
#include "core/i18n.h"
#include "rules/contact.h"
#include "rules/password.h"
#include "rules/permission.h"
#include "store/db.h"
#include "store/migrate.h"
#include "web/app.h"
#include "config.h"
#include "core/banned.h"

/*
 * Exit codes (also in `motcua help`):
 *   0 success, 1 runtime failure, 2 usage error, 3 database cannot be opened or migrated.
 */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_DB = 3
};

static const char common_help[] =
	"Options shared by every command (flags win over environment variables):\n"
	"  --db PATH|URL        an SQLite file, or a postgresql:// URL (MOTCUA_DB, default motcua.db)\n"
	"  --data DIR           uploaded files and keys (MOTCUA_DATA, default ./data)\n"
	"  --log-level LEVEL    error, warn, info or debug (MOTCUA_LOG_LEVEL, default info)\n"
	"  -h, --help           this help\n";

static const char serve_help[] =
	"usage: motcua serve [options]\n"
	"Start the web server; stop it with SIGTERM or Ctrl-C (requests in flight finish first).\n\n"
	"  --listen HOST:PORT   address to listen on (MOTCUA_LISTEN, default 127.0.0.1:8080)\n"
	"  --threads N          worker threads (MOTCUA_THREADS, default: one per core)\n"
	"  --dev                read templates from disk on every request (for editing them)\n"
	"  --templates DIR      where --dev reads them (default ./templates)\n"
	"  --trusted-proxy IP   honour X-Forwarded-For/-Proto only from this address (MOTCUA_TRUSTED_PROXY)\n"
	"  --conn-timeout S     close connections idle this many seconds (default 30)\n"
	"  --max-connections N  connections at once (default 4096)\n"
	"  --max-per-ip N       connections at once from one address, 0 = no limit (default 2048)\n"
	"  --conn-memory BYTES  memory per connection; bounds the request line and headers\n"
	"                       (431 past it; default 16384)\n"
	"  --max-body BYTES     largest form or JSON body (default 1048576)\n"
	"  --max-upload BYTES   largest multipart upload (default 67108864)\n"
	"  --site-name TEXT     the unit named in the page header (MOTCUA_SITE_NAME)\n"
	"  --contact-address TEXT, --contact-phone TEXT, --contact-email TEXT\n"
	"                       footer contact details (MOTCUA_CONTACT_ADDRESS, _PHONE, _EMAIL)\n"
	"  --smtp URL           the SMTP server for email to citizens: smtp://host:587 (STARTTLS\n"
	"                       when offered) or smtps://host:465 (MOTCUA_SMTP; login from\n"
	"                       MOTCUA_SMTP_USER and MOTCUA_SMTP_PASSWORD). Without it, messages\n"
	"                       wait in the outbox\n"
	"  --mail-from ADDR     the sender address of that email (MOTCUA_MAIL_FROM)\n"
	"  --public-url URL     the site's public address, https://host (MOTCUA_PUBLIC_URL): in\n"
	"                       printed links, QR codes and what a payment provider is told\n"
	"  --payment-gateway URL  the payment provider's page where citizens pay fees online\n"
	"                       (without it, fees are paid at the counter)\n"
	"  --payment-secret-file PATH  the secret shared with that provider (16 to 256 bytes):\n"
	"                       its callbacks are signed with it (HMAC-SHA256)\n";

static const char migrate_help[] = "usage: motcua migrate [--db PATH]\n"
				   "Apply the embedded SQL migrations that the database lacks.\n";
static const char demo_help[] =
	"usage: motcua demo [--db PATH]\n"
	"Create (or update) a database with the demo data of Quận Thanh Xuân: units, staff,\n"
	"the procedure catalogue and, in a database without any, about 200 dossiers of\n"
	"the past 60 days in every status (their scan in --data).\n";
static const char generate_help[] =
	"usage: motcua generate --dossiers N [--db PATH]\n"
	"Add N dossiers for benchmarks, made as the counter makes them (codes, deadlines, timelines,\n"
	"statistics), received over the past months at the demo district and its wards, 1,000 to a\n"
	"transaction; the demo's units and catalogue are created first when missing.\n";
static const char user_help[] =
	"usage: motcua user add USERNAME --name \"FULL NAME\" --unit AGENCY_CODE [--position TITLE] [--role ROLE]...\n"
	"                       [--password-stdin]\n"
	"       motcua user passwd USERNAME [--password-stdin]\n"
	"       motcua user disable USERNAME\n"
	"add: a staff account in the unit with that agency code (e.g. 000.00.15.H26); passwd: a new\n"
	"password; disable: the account can no longer log in. Each ends the account's sessions (but\n"
	"add) and is written to the audit log. A password is read from MOTCUA_PASSWORD, else from\n"
	"standard input (--password-stdin, or asked for on a terminal); it must have 8 characters or\n"
	"more and not be a common one.\n"
	"Roles: admin, leader, specialist, onestop_clerk, records_clerk, editor, collector; each is\n"
	"granted at the account's unit (admin also reaching the units below; other grants are made\n"
	"on the user's page under /quan-tri/nguoi-dung).\n";
static const char token_help[] =
	"usage: motcua token create USERNAME [--scope ACTION]...\n"
	"       motcua token revoke ID\n"
	"create: an API token for an integration acting as that account, printed once (only its hash\n"
	"is kept); send it as \"Authorization: Bearer TOKEN\". With --scope (an action of the\n"
	"permission table, e.g. user.read, audit.read) it may do only the actions named, and only\n"
	"where the account may. revoke: it stops working at once.\n";
static const char backup_help[] =
	"usage: motcua backup [--db PATH] DEST\n"
	"Write a consistent copy of the database to DEST, even while the server runs.\n";
static const char receipts_help[] =
	"usage: motcua receipts keygen --unit AGENCY_CODE [--data DIR]\n"
	"Make a key pair and a self-signed X.509 certificate (RSA 2048, SHA-256, ten years) for the\n"
	"collecting unit's e-receipts, in DIR/receipt-keys/AGENCY_CODE.key.pem and .crt.pem, for a demo\n"
	"or a trial. In production put the key and the certificate issued by a licensed CA there, in\n"
	"the same PEM form. An existing key is never overwritten.\n";
static const char audit_help[] =
	"usage: motcua audit verify [--db PATH]\n"
	"Check the audit log's hash chain: exit 0 when intact, 1 naming the first bad entry.\n";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: motcua COMMAND [options]\n\n"
		"Commands:\n"
		"  serve     run the web server\n"
		"  migrate   apply database migrations\n"
		"  demo      create a demo database (Quận Thanh Xuân, Hà Nội)\n"
		"  generate  add generated dossiers for benchmarks (--dossiers N)\n"
		"  backup    copy the database consistently while it is in use\n"
		"  user      add, change or disable a staff account\n"
		"  token     create or revoke an API token\n"
		"  audit     verify the audit log's hash chain\n"
		"  receipts  make a collecting unit's e-receipt key and certificate (keygen)\n"
		"  version   print the version\n"
		"  help CMD  help for a command\n\n"
		"%s\n"
		"Exit codes: 0 success, 1 failure, 2 usage error, 3 database cannot be opened or migrated.\n",
		common_help);
}

static const char *cmd_help(const char *cmd)
{
	if (!strcmp(cmd, "serve"))
		return serve_help;
	if (!strcmp(cmd, "migrate"))
		return migrate_help;
	if (!strcmp(cmd, "demo"))
		return demo_help;
	if (!strcmp(cmd, "generate"))
		return generate_help;
	if (!strcmp(cmd, "backup"))
		return backup_help;
	if (!strcmp(cmd, "audit"))
		return audit_help;
	if (!strcmp(cmd, "receipts"))
		return receipts_help;
	if (!strcmp(cmd, "user"))
		return user_help;
	if (!strcmp(cmd, "token"))
		return token_help;
	if (!strcmp(cmd, "version"))
		return "usage: motcua version\nPrint the version.\n";
	if (!strcmp(cmd, "help"))
		return "usage: motcua help [COMMAND]\n";
	return NULL;
}

enum opt {
	OPT_DB = 256,
	OPT_DATA,
	OPT_LOG,
	OPT_LISTEN,
	OPT_THREADS,
	OPT_DEV,
	OPT_TEMPLATES,
	OPT_PROXY,
	OPT_TIMEOUT,
	OPT_MAXCONN,
	OPT_PERIP,
	OPT_CONNMEM,
	OPT_MAXBODY,
	OPT_MAXUPLOAD,
	OPT_SITE,
	OPT_ADDR,
	OPT_PHONE,
	OPT_EMAIL,
	OPT_DOSSIERS,
	OPT_NAME,
	OPT_UNIT,
	OPT_POSITION,
	OPT_ROLE,
	OPT_PWSTDIN,
	OPT_SCOPE,
	OPT_SMTP,
	OPT_MAILFROM,
	OPT_PAYGW,
	OPT_PUBLIC,
	OPT_PAYSECRET,
};

/* The payment provider's shared secret: a file of 16 to 256 bytes (a final newline dropped). 0 or -1. */
static int read_secret(const char *path, unsigned char *out, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		return -1;
	n = fread(out, 1, max, f);
	if (fgetc(f) != EOF)
		n = 0; /* longer than max */
	fclose(f);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		n--;
	*len = n;
	return n >= 16 ? 0 : -1;
}

static const struct option long_opts[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "data", required_argument, NULL, OPT_DATA },
	{ "log-level", required_argument, NULL, OPT_LOG },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "dev", no_argument, NULL, OPT_DEV },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "trusted-proxy", required_argument, NULL, OPT_PROXY },
	{ "conn-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-connections", required_argument, NULL, OPT_MAXCONN },
	{ "max-per-ip", required_argument, NULL, OPT_PERIP },
	{ "conn-memory", required_argument, NULL, OPT_CONNMEM },
	{ "max-body", required_argument, NULL, OPT_MAXBODY },
	{ "max-upload", required_argument, NULL, OPT_MAXUPLOAD },
	{ "site-name", required_argument, NULL, OPT_SITE },
	{ "contact-address", required_argument, NULL, OPT_ADDR },
	{ "contact-phone", required_argument, NULL, OPT_PHONE },
	{ "contact-email", required_argument, NULL, OPT_EMAIL },
	{ "dossiers", required_argument, NULL, OPT_DOSSIERS },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "position", required_argument, NULL, OPT_POSITION },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "smtp", required_argument, NULL, OPT_SMTP },
	{ "payment-gateway", required_argument, NULL, OPT_PAYGW },
	{ "public-url", required_argument, NULL, OPT_PUBLIC },
	{ "payment-secret-file", required_argument, NULL, OPT_PAYSECRET },
	{ "mail-from", required_argument, NULL, OPT_MAILFROM },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Flags of `motcua user add`. */
static struct {
	const char *name, *unit, *position;
	const char *roles[9];
	int nroles;
	int pw_stdin;
	char scopes[256];
} user_opts;

/* Flags of `motcua generate`. */
static int64_t generate_dossiers;

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int bad_value(const char *flag, const char *v)
{
	fprintf(stderr, "motcua: invalid value '%s' for %s\n", v ? v : "", flag);
	return EXIT_USAGE;
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

/* Parse the environment, then the flags, into cfg. Returns -1 to go on, or an exit code. */
static int parse_config(int argc, char **argv, const char *cmd, struct app_config *cfg, int *first_arg)
{
	unsigned long long v;
	const char *s;
	int c;

	app_config_default(cfg);
	cfg->listen = env_or("MOTCUA_LISTEN", cfg->listen);
	cfg->db = env_or("MOTCUA_DB", cfg->db);
	cfg->data = env_or("MOTCUA_DATA", cfg->data);
	cfg->trusted_proxy = env_or("MOTCUA_TRUSTED_PROXY", NULL);
	cfg->site.name = env_or("MOTCUA_SITE_NAME", NULL);
	cfg->public_url = env_or("MOTCUA_PUBLIC_URL", NULL);
	cfg->site.address = env_or("MOTCUA_CONTACT_ADDRESS", NULL);
	cfg->site.phone = env_or("MOTCUA_CONTACT_PHONE", NULL);
	cfg->site.email = env_or("MOTCUA_CONTACT_EMAIL", NULL);
	cfg->mail.smtp_url = env_or("MOTCUA_SMTP", NULL);
	cfg->mail.from = env_or("MOTCUA_MAIL_FROM", NULL);
	cfg->mail.user = env_or("MOTCUA_SMTP_USER", NULL);
	cfg->mail.password = env_or("MOTCUA_SMTP_PASSWORD", NULL);
	if ((s = env_or("MOTCUA_THREADS", NULL))) {
		if (parse_uint(s, 256, &v) || !v)
			return bad_value("MOTCUA_THREADS", s);
		cfg->threads = (unsigned)v;
	}
	if ((s = env_or("MOTCUA_LOG_LEVEL", NULL))) {
		if (log_level_parse(s) < 0)
			return bad_value("MOTCUA_LOG_LEVEL", s);
		log_level = (enum log_level)log_level_parse(s);
	}

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: cfg->db = optarg; break;
		case OPT_DATA: cfg->data = optarg; break;
		case OPT_LOG:
			if (log_level_parse(optarg) < 0)
				return bad_value("--log-level", optarg);
			log_level = (enum log_level)log_level_parse(optarg);
			break;
		case OPT_LISTEN: cfg->listen = optarg; break;
		case OPT_THREADS:
			if (parse_uint(optarg, 256, &v) || !v)
				return bad_value("--threads", optarg);
			cfg->threads = (unsigned)v;
			break;
		case OPT_DEV: cfg->dev = 1; break;
		case OPT_TEMPLATES: cfg->templates_dir = optarg; break;
		case OPT_PROXY: cfg->trusted_proxy = optarg; break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 3600, &v) || !v)
				return bad_value("--conn-timeout", optarg);
			cfg->limits.conn_timeout = (unsigned)v;
			break;
		case OPT_MAXCONN:
			if (parse_uint(optarg, 1000000, &v) || !v)
				return bad_value("--max-connections", optarg);
			cfg->limits.conn_limit = (unsigned)v;
			break;
		case OPT_PERIP:
			if (parse_uint(optarg, 1000000, &v))
				return bad_value("--max-per-ip", optarg);
			cfg->limits.per_ip_limit = (unsigned)v;
			break;
		case OPT_CONNMEM:
			if (parse_uint(optarg, 1ULL << 24, &v) || v < 4096)
				return bad_value("--conn-memory", optarg);
			cfg->limits.conn_memory = (size_t)v;
			break;
		case OPT_MAXBODY:
			if (parse_uint(optarg, 1ULL << 30, &v) || !v)
				return bad_value("--max-body", optarg);
			cfg->limits.max_body = (size_t)v;
			break;
		case OPT_MAXUPLOAD:
			if (parse_uint(optarg, 1ULL << 34, &v) || !v)
				return bad_value("--max-upload", optarg);
			cfg->limits.max_upload = (size_t)v;
			if (cfg->limits.max_file > v)
				cfg->limits.max_file = (size_t)v;
			break;
		case OPT_SITE: cfg->site.name = optarg; break;
		case OPT_ADDR: cfg->site.address = optarg; break;
		case OPT_PHONE: cfg->site.phone = optarg; break;
		case OPT_EMAIL: cfg->site.email = optarg; break;
		case OPT_SMTP: cfg->mail.smtp_url = optarg; break;
		case OPT_PAYGW: cfg->payment.gateway = optarg; break;
		case OPT_PUBLIC: cfg->public_url = optarg; break;
		case OPT_PAYSECRET:
			if (read_secret(optarg, cfg->payment.secret, sizeof(cfg->payment.secret),
					&cfg->payment.secret_len))
				return bad_value("--payment-secret-file", optarg);
			break;
		case OPT_MAILFROM: cfg->mail.from = optarg; break;
		case OPT_DOSSIERS:
			if (parse_uint(optarg, 100000000, &v) || !v)
				return bad_value("--dossiers (1 to 100000000)", optarg);
			generate_dossiers = (int64_t)v;
			break;
		case OPT_NAME: user_opts.name = optarg; break;
		case OPT_PWSTDIN: user_opts.pw_stdin = 1; break;
		case OPT_SCOPE: {
			/* an action of the permission table; the token may do only those (and only where
			 * its account may) */
			size_t have = strlen(user_opts.scopes);
			if (!permission_known(optarg) || strchr(optarg, ' '))
				return bad_value("--scope (an action such as user.read)", optarg);
			if (have + strlen(optarg) + 2 > sizeof(user_opts.scopes))
				return bad_value("--scope (too many)", optarg);
			snprintf(user_opts.scopes + have, sizeof(user_opts.scopes) - have, "%s%s",
				 have ? " " : "", optarg);
			break;
		}
		case OPT_UNIT: user_opts.unit = optarg; break;
		case OPT_POSITION: user_opts.position = optarg; break;
		case OPT_ROLE:
			if (user_opts.nroles >= 8 || !account_role_valid(optarg))
				return bad_value("--role", optarg);
			for (int i = 0; i < user_opts.nroles; i++)
				if (!strcmp(user_opts.roles[i], optarg))
					return bad_value("--role (given twice)", optarg);
			user_opts.roles[user_opts.nroles++] = optarg;
			break;
		case 'h':
			fputs(cmd_help(cmd), stdout);
			if (strcmp(cmd, "serve"))
				fputs(common_help, stdout);
			return EXIT_OK;
		default: fprintf(stderr, "motcua: see 'motcua help %s'\n", cmd); return EXIT_USAGE;
		}
	}
	*first_arg = optind;
	return -1;
}

/* Mail: an smtp:// or smtps:// URL and a sender address, or neither. -1 to go on, or an exit code. */
static int check_mail_config(const struct mail_config *mail)
{
	if (!mail->smtp_url)
		return -1;
	if (strncmp(mail->smtp_url, "smtp://", 7) && strncmp(mail->smtp_url, "smtps://", 8))
		return bad_value("--smtp (an smtp:// or smtps:// URL)", mail->smtp_url);
	if (!mail->from) {
		fprintf(stderr, "motcua: --smtp needs --mail-from (MOTCUA_MAIL_FROM), the sender address\n");
		return EXIT_USAGE;
	}
	if (contact_email_check(mail->from, NULL, NULL))
		return bad_value("--mail-from", mail->from);
	return -1;
}

static struct db *open_migrated(const char *path, int *rc)
{
	char *err = NULL;
	int applied = 0;
	struct db *db = db_open(path, &err);
	if (!db) {
		fprintf(stderr, "motcua: %s\n", err);
		free(err);
		*rc = EXIT_DB;
		return NULL;
	}
	if (migrate_run(db, &applied, &err)) {
		fprintf(stderr, "motcua: %s\n", err);
		free(err);
		db_close(db);
		*rc = EXIT_DB;
		return NULL;
	}
	if (applied)
		printf("applied %d migration(s); schema version %d\n", applied, migrate_version(db));
	*rc = EXIT_OK;
	return db;
}

static int cmd_migrate(const struct app_config *cfg)
{
	int rc;
	struct db *db = open_migrated(cfg->db, &rc);
	if (db) {
		char shown[512];
		printf("database %s is at schema version %d\n", db_url_redact(cfg->db, shown, sizeof(shown)),
		       migrate_version(db));
		db_close(db);
	}
	return rc;
}

/* The demo: the district of the seed report. Later features add their demo data here. */
/* The demo's staff: one per role, in the district and a ward. The password is printed. */
#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
static const struct {
	const char *username, *name, *position, *unit_code, *role;
} demo_staff[] = {
	{ "quantri", "Nguyễn Quản Trị", "Quản trị hệ thống quận", "000.00.15.H26", "admin" },
	{ "lanhdao", "Trần Văn Lãnh", "Phó Chủ tịch UBND quận", "000.00.15.H26", "leader" },
	{ "vanthu", "Lê Thị Văn", "Văn thư", "001.15.00.H26", "records_clerk" },
	{ "chuyenvien", "Phạm Văn Chuyên", "Chuyên viên Phòng Tư pháp", "002.15.00.H26", "specialist" },
	{ "truongphong", "Đinh Thị Phương", "Trưởng phòng Tư pháp", "002.15.00.H26", "leader" },
	{ "motcua", "Hoàng Thị Mai", "Công chức Bộ phận Một cửa", "100.15.00.H26", "onestop_clerk" },
	{ "thuphi", "Bùi Thị Thu", "Công chức thu phí, lệ phí", "100.15.00.H26", "collector" },
	{ "bientap", "Vũ Thị Thông", "Biên tập viên cổng thông tin", "005.15.00.H26", "editor" },
	{ "quantri.nhanchinh", "Ngô Văn Quang", "Quản trị hệ thống phường Nhân Chính", "000.01.15.H26",
	  "admin" },
	{ "chutich.nhanchinh", "Đặng Văn Chính", "Chủ tịch UBND phường Nhân Chính", "000.01.15.H26",
	  "leader" },
	{ "tuphap.nhanchinh", "Lý Thị Pháp", "Công chức Tư pháp - Hộ tịch", "000.01.15.H26", "specialist" },
	{ "motcua.nhanchinh", "Đỗ Văn Nhân", "Công chức Một cửa phường Nhân Chính", "100.01.15.H26",
	  "onestop_clerk" },
};

static int64_t demo_account(struct db *db, const char *username)
{
	int64_t id = 0;
	struct db_stmt *st;
	int rc = db_query(db, &st, "SELECT id FROM accounts WHERE username = ?", "s", username);
	if (rc == DB_ROW)
		id = db_col_int(st, 0);
	while (rc == DB_ROW)
		rc = db_step(st);
	return rc < 0 ? rc : id;
}

/*
 * The ward chairman delegates signing certifications to the ward's Tư pháp -
 * Hộ tịch official (TUQ.), for six months from the day the demo is made.
 */
static int demo_delegation(struct db *db)
{
	int64_t from = demo_account(db, "chutich.nhanchinh"), to = demo_account(db, "tuphap.nhanchinh");
	int64_t ward = org_unit_by_code(db, "000.01.15.H26"), now = time_now_us() / 1000000, id;
	struct delegation d = { 0 };
	struct db_stmt *st;
	char date[16];
	int rc;
	if (from <= 0 || to <= 0 || ward <= 0)
		return DB_ERROR;
	rc = db_query(db, &st, "SELECT 1 FROM delegations WHERE from_account = ?", "i", from);
	if (rc == DB_ROW) {
		while (rc == DB_ROW)
			rc = db_step(st);
		return rc < 0 ? rc : 0;
	}
	if (rc < 0)
		return rc;
	{
		struct civil c;
		time_to_civil(now, VN_UTC_OFFSET, &c);
		snprintf(date, sizeof(date), "%04d-%02d-%02d", c.year, c.month, c.day);
	}
	d.from_account = from;
	d.to_account = to;
	d.power = "certification.sign";
	d.unit_id = ward;
	d.valid_from = now - now % 60;
	d.valid_to = d.valid_from + (int64_t)182 * 24 * 3600;
	d.decision_no = "15/QĐ-UBND";
	d.decision_date = date;
	rc = delegation_add(db, &d, "Ủy quyền ký chứng thực bản sao từ bản chính (demo)", "cli", now, &id);
	return rc ? rc : audit_append(db, "cli", "delegation.create", "demo", "{}");
}

static int demo_people(struct db *db)
{
	int rc = org_demo(db);
	for (size_t i = 0; !rc && i < sizeof(demo_staff) / sizeof(demo_staff[0]); i++) {
		const char *roles[] = { demo_staff[i].role, NULL };
		int64_t unit, id;
		int64_t exists = demo_account(db, demo_staff[i].username);
		if (exists < 0)
			return (int)exists;
		if (exists)
			continue;
		unit = org_unit_by_code(db, demo_staff[i].unit_code);
		if (unit <= 0)
			return unit < 0 ? (int)unit : DB_ERROR;
		rc = account_create_staff(db, demo_staff[i].username, demo_staff[i].name,
					  demo_staff[i].position, unit, DEMO_PASSWORD, roles, &id);
		if (!rc)
			rc = audit_append(db, "cli", "account.create", "demo", "{}");
	}
	return rc ? rc : demo_delegation(db);
}

static int cmd_demo(const struct app_config *cfg)
{
	int rc;
	struct db *db;
	char keys[1024];
	/* the scan the online demo dossiers attach, and the demo documents' files, on disk before the
	   rows naming them commit */
	if (dossier_demo_files(cfg->data) || doc_outgoing_demo_files(cfg->data)) {
		fprintf(stderr, "motcua: cannot write the demo's files into '%s': %s\n", cfg->data,
			strerror(errno));
		return EXIT_FAIL;
	}
	snprintf(keys, sizeof(keys), "%s/receipt-keys", cfg->data);
	db = open_migrated(cfg->db, &rc);
	if (!db)
		return rc;
	if (db_begin(db) || settings_set(db, "site_name", "UBND quận Thanh Xuân") || demo_people(db) ||
	    procedure_demo(db, time_now_us() / 1000000) || dossier_demo(db, time_now_us() / 1000000) ||
	    receipt_demo(db, keys, time_now_us() / 1000000) || news_demo(db, time_now_us() / 1000000) ||
	    schedule_demo(db, time_now_us() / 1000000) || doc_incoming_demo(db, time_now_us() / 1000000) ||
	    doc_outgoing_demo(db, time_now_us() / 1000000) || db_commit(db)) {
		fprintf(stderr, "motcua: cannot write the demo data: %s\n", db_errmsg(db));
		db_rollback(db);
		db_close(db);
		return EXIT_DB;
	}
	db_close(db);
	{
		char shown[512];
		printf("demo database ready: %s (Quận Thanh Xuân, Hà Nội)\n",
		       db_url_redact(cfg->db, shown, sizeof(shown)));
	}
	printf("demo logins (password for all: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof(demo_staff) / sizeof(demo_staff[0]); i++)
		printf("  %-18s %s, %s\n", demo_staff[i].username, demo_staff[i].name,
		       demo_staff[i].position);
	return EXIT_OK;
}

/* motcua generate --dossiers N: the demo's units, staff and catalogue when missing, then N dossiers. */
static int cmd_generate(const struct app_config *cfg)
{
	int64_t now = time_now_us() / 1000000, started = time_mono_us();
	struct db *db;
	int rc;
	if (generate_dossiers <= 0) {
		fputs(generate_help, stderr);
		return EXIT_USAGE;
	}
	if (dossier_demo_files(cfg->data)) {
		fprintf(stderr, "motcua: cannot write the demo's files into '%s': %s\n", cfg->data,
			strerror(errno));
		return EXIT_FAIL;
	}
	db = open_migrated(cfg->db, &rc);
	if (!db)
		return rc;
	if (db_begin(db) || settings_set(db, "site_name", "UBND quận Thanh Xuân") || demo_people(db) ||
	    procedure_demo(db, now) || db_commit(db)) {
		fprintf(stderr, "motcua: cannot write the demo data: %s\n", db_errmsg(db));
		db_rollback(db);
		db_close(db);
		return EXIT_DB;
	}
	rc = dossier_generate(db, generate_dossiers, now, stdout);
	if (rc) {
		fprintf(stderr, "motcua: generating dossiers failed: %s\n", db_errmsg(db));
		db_close(db);
		return EXIT_DB;
	}
	db_close(db);
	printf("generated %lld dossiers in %.1f s\n", (long long)generate_dossiers,
	       (double)(time_mono_us() - started) / 1e6);
	return EXIT_OK;
}

/* Open a database that must exist already (said why when not): never migrates, never creates. */
static struct db *open_existing(const char *url)
{
	char *err = NULL;
	struct db *db;
	/* db_open would make an empty SQLite file of a wrong path */
	if (!db_url_is_pg(url) && access(url, R_OK)) {
		fprintf(stderr, "motcua: cannot read database '%s'\n", url);
		return NULL;
	}
	db = db_open(url, &err);
	if (!db) {
		fprintf(stderr, "motcua: %s\n", err);
		free(err);
	}
	return db;
}

static int cmd_backup(const struct app_config *cfg, const char *dest)
{
	char *err = NULL;
	struct db *db;
	if (!access(dest, F_OK)) {
		fprintf(stderr, "motcua: '%s' exists; give a new file name\n", dest);
		return EXIT_USAGE;
	}
	db = open_existing(cfg->db);
	if (!db)
		return EXIT_DB;
	if (db_backup(db, dest, &err)) {
		fprintf(stderr, "motcua: %s\n", err);
		free(err);
		db_close(db);
		unlink(dest);
		return EXIT_FAIL;
	}
	db_close(db);
	printf("backup written: %s\n", dest);
	return EXIT_OK;
}

/* The new account's password: MOTCUA_PASSWORD, or asked for without echo; NULL when none. */
static char *read_password(void)
{
	const char *env = getenv("MOTCUA_PASSWORD");
	char line[256];
	struct termios old, quiet;
	int tty = !user_opts.pw_stdin && isatty(0);
	size_t n;

	if (env && *env && !user_opts.pw_stdin)
		return xstrdup(env);
	if (tty) {
		fputs("Mật khẩu / password: ", stderr);
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &quiet);
	}
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	if (tty) {
		tcsetattr(0, TCSANOW, &old);
		fputs("\n", stderr);
	}
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	{
		char *pw = n ? xstrdup(line) : NULL;
		sodium_memzero(line, sizeof(line));
		return pw;
	}
}

/* The new password for `username`, read and checked against the policy; NULL (said why) when refused. */
static char *checked_password(const char *username)
{
	const char *reason = NULL;
	char *password = read_password();
	if (!password) {
		fprintf(stderr, "motcua: no password given (MOTCUA_PASSWORD or standard input)\n");
		return NULL;
	}
	if (password_check(password, username, &reason)) {
		fprintf(stderr, "motcua: %s\n", i18n_gettext_lang(LANG_VI, reason));
		sodium_memzero(password, strlen(password));
		free(password);
		return NULL;
	}
	return password;
}

/* `motcua user passwd|disable USERNAME`. */
static int cmd_user_change(const struct app_config *cfg, const char *what, const char *username)
{
	char *password = NULL, object[32];
	struct db *db = NULL;
	int64_t id = 0;
	int rc = EXIT_OK, drc;

	if (!strcmp(what, "passwd")) {
		password = checked_password(username);
		if (!password)
			return EXIT_USAGE;
	}
	db = open_migrated(cfg->db, &rc);
	if (!db)
		goto out;
	drc = db_begin(db);
	if (!drc)
		drc = password ? account_set_password(db, username, password, time_now_us() / 1000000, &id)
			       : account_disable(db, username, time_now_us() / 1000000, &id);
	if (!drc) {
		snprintf(object, sizeof(object), "account:%lld", (long long)id);
		drc = audit_append(db, "cli", password ? "account.password" : "account.disable", object,
				   "{}");
	}
	if (!drc)
		drc = db_commit(db);
	if (drc) {
		db_rollback(db);
		if (drc == 1)
			fprintf(stderr, "motcua: no user '%s'\n", username);
		else
			fprintf(stderr, "motcua: cannot change '%s': %s\n", username, db_errmsg(db));
		rc = drc == 1 ? EXIT_FAIL : EXIT_DB;
	} else {
		printf(password ? "password of '%s' changed; its sessions ended\n"
				: "'%s' disabled; its sessions ended\n",
		       username);
	}
	db_close(db);
out:
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	return rc;
}

static int cmd_user(const struct app_config *cfg, int argc, char **argv)
{
	const char *username;
	char *password = NULL, detail[200];
	struct db *db;
	int64_t unit, id = 0;
	int rc = EXIT_OK;

	if (argc == 2 && (!strcmp(argv[0], "passwd") || !strcmp(argv[0], "disable")))
		return cmd_user_change(cfg, argv[0], argv[1]);
	if (argc != 2 || strcmp(argv[0], "add") || !user_opts.name || !user_opts.unit) {
		fputs(user_help, stderr);
		return EXIT_USAGE;
	}
	username = argv[1];
	{
		static char clean[512];
		const char *why = NULL;
		if (contact_name_check(user_opts.name, clean, sizeof(clean), &why)) {
			fprintf(stderr, "motcua: --name: %s\n", i18n_gettext_lang(LANG_VI, why));
			return EXIT_USAGE;
		}
		user_opts.name = clean; /* spaces tidied */
		if (user_opts.position && (strlen(user_opts.position) > 120 ||
					   !utf8_valid(user_opts.position, strlen(user_opts.position)))) {
			fprintf(stderr, "motcua: --position must be valid UTF-8 of at most 120 bytes\n");
			return EXIT_USAGE;
		}
	}
	if (strlen(username) < 3 || strlen(username) > 64 ||
	    strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(username)) {
		fprintf(stderr, "motcua: a user name has 3 to 64 of a-z, 0-9, '.', '_', '-'\n");
		return EXIT_USAGE;
	}
	password = checked_password(username);
	if (!password)
		return EXIT_USAGE;
	db = open_migrated(cfg->db, &rc);
	if (!db)
		goto out;
	unit = org_unit_by_code(db, user_opts.unit);
	if (unit <= 0) {
		fprintf(stderr, "motcua: no unit with agency code '%s'\n", user_opts.unit);
		db_close(db);
		rc = unit < 0 ? EXIT_DB : EXIT_USAGE;
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"unit\":%lld}", (long long)unit);
	rc = db_begin(db);
	if (!rc)
		rc = account_create_staff(db, username, user_opts.name, user_opts.position, unit, password,
					  user_opts.roles, &id);
	if (!rc) {
		char object[32];
		snprintf(object, sizeof(object), "account:%lld", (long long)id);
		rc = audit_append(db, "cli", "account.create", object, detail);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		fprintf(stderr,
			rc == DB_CONSTRAINT ? "motcua: the user name '%s' is taken\n"
					    : "motcua: cannot create '%s'\n",
			username);
		db_rollback(db);
		rc = rc == DB_CONSTRAINT ? EXIT_FAIL : EXIT_DB;
	} else {
		printf("staff account '%s' created (id %lld)\n", username, (long long)id);
	}
	db_close(db);
out:
	if (password) {
		sodium_memzero(password, strlen(password));
		free(password);
	}
	return rc;
}

static int cmd_token(const struct app_config *cfg, int argc, char **argv)
{
	char token[TOKEN_LEN + 1], object[32];
	struct db *db;
	int64_t id = 0, account = 0;
	int rc = EXIT_OK, drc;
	int create = argc == 2 && !strcmp(argv[0], "create");
	int revoke = argc == 2 && !strcmp(argv[0], "revoke");

	if (!create && !revoke) {
		fputs(token_help, stderr);
		return EXIT_USAGE;
	}
	if (revoke) {
		char *end;
		id = strtoll(argv[1], &end, 10);
		if (*end || id <= 0) {
			fputs(token_help, stderr);
			return EXIT_USAGE;
		}
	}
	db = open_migrated(cfg->db, &rc);
	if (!db)
		return rc;
	drc = db_begin(db);
	if (!drc && create) {
		struct db_stmt *st;
		drc = db_query(db, &st, "SELECT id FROM accounts WHERE username = ? AND active = 1", "s",
			       argv[1]);
		if (drc == DB_ROW) {
			account = db_col_int(st, 0);
			while ((drc = db_step(st)) == DB_ROW)
				;
		} else if (drc == DB_DONE) {
			drc = 1;
		}
		if (!drc)
			drc = token_create(db, account, user_opts.scopes, time_now_us() / 1000000, token,
					   &id);
	} else if (!drc) {
		drc = token_revoke(db, id, time_now_us() / 1000000);
	}
	if (!drc) {
		snprintf(object, sizeof(object), "token:%lld", (long long)id);
		drc = audit_append(db, "cli", create ? "token.create" : "token.revoke", object, "{}");
	}
	if (!drc)
		drc = db_commit(db);
	if (drc) {
		db_rollback(db);
		if (drc == 1)
			fprintf(stderr,
				create ? "motcua: no active user '%s'\n" : "motcua: no live token %s\n",
				argv[1]);
		else
			fprintf(stderr, "motcua: %s\n", db_errmsg(db));
		rc = drc == 1 ? EXIT_FAIL : EXIT_DB;
	} else if (create) {
		printf("token %lld for '%s' (shown once, keep it safe):\n%s\n", (long long)id, argv[1],
		       token);
	} else {
		printf("token %lld revoked\n", (long long)id);
	}
	sodium_memzero(token, sizeof(token));
	db_close(db);
	return rc;
}

/* `motcua audit verify`: walk the chain (features/audit.h); read only, so no migrations. */
static int cmd_audit(const struct app_config *cfg, int argc, char **argv)
{
	int64_t rows = 0, bad = 0;
	char *why = NULL;
	struct db *db;
	int rc;

	if (argc != 1 || strcmp(argv[0], "verify")) {
		fputs(audit_help, stderr);
		return EXIT_USAGE;
	}
	db = open_existing(cfg->db);
	if (!db)
		return EXIT_DB;
	rc = audit_verify(db, &rows, &bad, &why);
	db_close(db);
	if (rc == AUDIT_BROKEN)
		printf("audit chain broken at entry %lld: %s\n", (long long)bad, why);
	else if (rc)
		fprintf(stderr, "motcua: cannot read the audit log: %s\n", why);
	else
		printf("audit chain intact: %lld entries\n", (long long)rows);
	free(why);
	return rc == AUDIT_BROKEN ? EXIT_FAIL : rc ? EXIT_DB : EXIT_OK;
}

/* motcua receipts keygen --unit CODE: the unit's demo key and certificate. */
static int cmd_receipts(const struct app_config *cfg, int argc, char **argv)
{
	char dir[1024], name[256] = "";
	struct db *db;
	struct db_stmt *st;
	int rc, found;

	if (argc != 1 || strcmp(argv[0], "keygen") || !user_opts.unit) {
		fputs(receipts_help, stderr);
		return EXIT_USAGE;
	}
	db = open_existing(cfg->db);
	if (!db)
		return EXIT_DB;
	rc = db_query(db, &st, "SELECT name FROM units WHERE agency_code = ?", "s", user_opts.unit);
	found = rc == DB_ROW;
	if (found)
		snprintf(name, sizeof(name), "%s", db_col_text(st, 0));
	db_release_statements(db);
	db_close(db);
	if (rc < 0) {
		fprintf(stderr, "motcua: cannot read the units\n");
		return EXIT_DB;
	}
	if (!found) {
		fprintf(stderr, "motcua: no unit has the agency code '%s'\n", user_opts.unit);
		return EXIT_FAIL;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/receipt-keys", cfg->data) >= sizeof(dir) ||
	    (mkdir(cfg->data, 0700) && errno != EEXIST)) {
		fprintf(stderr, "motcua: cannot use the data folder '%s'\n", cfg->data);
		return EXIT_FAIL;
	}
	rc = receipt_demo_key(dir, user_opts.unit, name);
	if (rc == 1) {
		fprintf(stderr, "motcua: %s/%s.key.pem exists already: it is kept\n", dir, user_opts.unit);
		return EXIT_FAIL;
	}
	if (rc) {
		fprintf(stderr, "motcua: cannot write the key and certificate into '%s'\n", dir);
		return EXIT_FAIL;
	}
	printf("key: %s/%s.key.pem\ncertificate: %s/%s.crt.pem (self-signed, CN=%s)\n", dir, user_opts.unit,
	       dir, user_opts.unit, name);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct app_config cfg;
	const char *cmd;
	int first = 1, rc;

	if (i18n_init()) {
		fprintf(stderr, "motcua: a built-in translation catalogue is damaged\n");
		return EXIT_FAIL;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "motcua: libsodium cannot start\n");
		return EXIT_FAIL;
	}
	if (receipt_xml_init()) {
		fprintf(stderr, "motcua: the XML signature library cannot start\n");
		return EXIT_FAIL;
	}
	atexit(receipt_xml_shutdown);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("motcua %s\n", MOTCUA_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "help")) {
		const char *h = argc > 2 ? cmd_help(argv[2]) : NULL;
		if (argc > 2 && !h) {
			fprintf(stderr, "motcua: unknown command '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		if (h) {
			fputs(h, stdout);
			fputs("\n", stdout);
			fputs(common_help, stdout);
		} else {
			usage(stdout);
		}
		return EXIT_OK;
	}
	if (!cmd_help(cmd)) {
		fprintf(stderr, "motcua: unknown command '%s'\n\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = parse_config(argc - 1, argv + 1, cmd, &cfg, &first);
	if (rc >= 0)
		return rc;
	first++; /* argv was shifted by one */
	if (!strcmp(cmd, "backup")) {
		if (argc - first != 1) {
			fputs(backup_help, stderr);
			return EXIT_USAGE;
		}
		return cmd_backup(&cfg, argv[first]);
	}
	if (!strcmp(cmd, "audit"))
		return cmd_audit(&cfg, argc - first, argv + first);
	if (!strcmp(cmd, "user"))
		return cmd_user(&cfg, argc - first, argv + first);
	if (!strcmp(cmd, "token"))
		return cmd_token(&cfg, argc - first, argv + first);
	if (!strcmp(cmd, "receipts"))
		return cmd_receipts(&cfg, argc - first, argv + first);
	if (argc - first != 0) {
		fprintf(stderr, "motcua: unexpected argument '%s'\n", argv[first]);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "serve")) {
		if ((rc = check_mail_config(&cfg.mail)) >= 0)
			return rc;
		if (cfg.public_url && strncmp(cfg.public_url, "https://", 8) &&
		    strncmp(cfg.public_url, "http://", 7))
			return bad_value("--public-url (an http:// or https:// address)", cfg.public_url);
		/* the provider is told where to call back: from the configured address, never a request's
		 * Host */
		if (cfg.payment.gateway && (!cfg.payment.secret_len || !cfg.public_url)) {
			fprintf(stderr,
				"motcua: --payment-gateway needs --payment-secret-file and --public-url\n");
			return EXIT_USAGE;
		}
		return app_serve(&cfg);
	}
	if (!strcmp(cmd, "migrate"))
		return cmd_migrate(&cfg);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(&cfg);
	if (!strcmp(cmd, "generate"))
		return cmd_generate(&cfg);
	return EXIT_USAGE;
}
