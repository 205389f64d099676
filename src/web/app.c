/* app.c: the route table, configuration defaults, and the serve loop. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/embed.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/xalloc.h"
#include "features/doc_text.h"
#include "features/dossiers.h"
#include "features/news.h"
#include "features/reminders.h"
#include "features/settings.h"
#include "features/visitors.h"
#include "store/db.h"
#include "store/migrate.h"
#include "web/app.h"
#include "config.h"
#include "core/banned.h"

struct app *the_app;

/*
 * Every route of the application, in one table (cgit cmd.c). Flags say what
 * the server checks before the handler runs.
 */
const struct route app_routes[] = {
	{ HTTP_GET, "/", page_home, ROUTE_PUBLIC },
	{ HTTP_GET, "/static/{path...}", page_static, 0 },
	{ HTTP_GET, "/favicon.ico", page_favicon, 0 },
	{ HTTP_GET, "/robots.txt", page_robots, 0 },
	{ HTTP_GET, "/ngon-ngu/{lang}", page_language, 0 },
	{ HTTP_GET, "/healthz", page_healthz, ROUTE_NOLOG },
	{ HTTP_GET, "/metrics", page_metrics, ROUTE_NOLOG },
	{ HTTP_GET, "/api/v1/version", api_version, 0 },
	{ HTTP_GET, "/dang-nhap", page_login_form, ROUTE_SESSION },
	{ HTTP_POST, "/dang-nhap", page_login_post, ROUTE_SESSION },
	{ HTTP_POST, "/dang-xuat", page_logout, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri", page_staff_home, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/session", api_session_create, ROUTE_JSON | ROUTE_SESSION },
	{ HTTP_GET, "/api/v1/session", api_session_get, ROUTE_LOGIN },
	{ HTTP_DELETE, "/api/v1/session", api_session_delete, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/dang-ky", page_register_form, ROUTE_SESSION },
	{ HTTP_POST, "/dang-ky", page_register_post, 0 },
	{ HTTP_GET, "/tai-khoan", page_citizen_home, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/citizens", api_citizens_create, ROUTE_JSON },
	/* one's own password (pages_users.c) */
	{ HTTP_GET, "/tai-khoan/mat-khau", page_password_form, ROUTE_LOGIN },
	{ HTTP_POST, "/tai-khoan/mat-khau", page_password_post, ROUTE_LOGIN | ROUTE_CSRF },
	/* units (pages_units.c): literal paths before {id} */
	{ HTTP_GET, "/quan-tri/don-vi", page_units, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/don-vi", page_unit_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/don-vi/them", page_unit_new, ROUTE_LOGIN },
	{ HTTP_GET, "/quan-tri/don-vi/{id}", page_unit_edit, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/don-vi/{id}", page_unit_update, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/don-vi/{id}/xoa", page_unit_delete, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/units", api_units_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/units", api_units_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/units/{id}", api_unit_get, ROUTE_LOGIN },
	{ HTTP_PATCH, "/api/v1/units/{id}", api_unit_update, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_DELETE, "/api/v1/units/{id}", api_unit_delete, ROUTE_LOGIN | ROUTE_CSRF },
	/* users and their roles (pages_users.c) */
	{ HTTP_GET, "/quan-tri/nguoi-dung", page_users, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/nguoi-dung", page_user_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/nguoi-dung/them", page_user_new, ROUTE_LOGIN },
	{ HTTP_GET, "/quan-tri/nguoi-dung/{id}", page_user_edit, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/nguoi-dung/{id}", page_user_update, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/nguoi-dung/{id}/mat-khau", page_user_reset_password,
	  ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/nguoi-dung/{id}/vai-tro", page_role_grant, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/vai-tro/{id}/thu-hoi", page_role_revoke, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/users", api_users_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/users", api_users_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/users/{id}", api_user_get, ROUTE_LOGIN },
	{ HTTP_PATCH, "/api/v1/users/{id}", api_user_update, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/roles", api_roles_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/roles", api_roles_grant, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_DELETE, "/api/v1/roles/{id}", api_role_revoke, ROUTE_LOGIN | ROUTE_CSRF },
	/* API tokens for integrations (pages_tokens.c) */
	{ HTTP_POST, "/quan-tri/nguoi-dung/{id}/ma-api", page_token_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/ma-api/{id}/thu-hoi", page_token_revoke, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/tokens", api_tokens_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/tokens", api_tokens_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_DELETE, "/api/v1/tokens/{id}", api_token_revoke, ROUTE_LOGIN | ROUTE_CSRF },
	/* delegations (pages_delegations.c) */
	{ HTTP_GET, "/quan-tri/uy-quyen", page_delegations, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/uy-quyen", page_delegation_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/uy-quyen/them", page_delegation_new, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/uy-quyen/{id}/thu-hoi", page_delegation_revoke, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/delegations", api_delegations_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/delegations", api_delegations_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/delegations/{id}", api_delegation_get, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/delegations/{id}/revoke", api_delegation_revoke,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	/* the procedure catalogue, public (pages_procedures.c): literal paths before {code} */
	{ HTTP_GET, "/thu-tuc", page_procedures, ROUTE_PUBLIC },
	{ HTTP_GET, "/thu-tuc/{code}", page_procedure, ROUTE_PUBLIC },
	{ HTTP_GET, "/thu-tuc/{code}/bieu-mau/{n}", page_procedure_form, 0 },
	{ HTTP_GET, "/api/v1/procedures", api_procedures_list, 0 },
	{ HTTP_POST, "/api/v1/procedures", api_procedures_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_POST, "/api/v1/procedures/import", api_procedures_import,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_RAW | ROUTE_UPLOAD },
	{ HTTP_GET, "/api/v1/procedures/export", api_procedures_export, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/procedures/{code}", api_procedure_get, ROUTE_SESSION },
	{ HTTP_PUT, "/api/v1/procedures/{code}", api_procedure_update,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/procedures/{code}/fee", api_procedure_fee, 0 },
	{ HTTP_POST, "/api/v1/procedures/{code}/publish", api_procedure_publish,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_POST, "/api/v1/procedures/{code}/unpublish", api_procedure_unpublish,
	  ROUTE_LOGIN | ROUTE_CSRF },
	/* the procedure catalogue, administration (pages_procedures_admin.c) */
	{ HTTP_GET, "/quan-tri/thu-tuc", page_proc_admin, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/thu-tuc", page_proc_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/quan-tri/thu-tuc/them", page_proc_new, ROUTE_LOGIN },
	{ HTTP_GET, "/quan-tri/thu-tuc/nhap", page_proc_import_form, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/thu-tuc/nhap", page_proc_import, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/quan-tri/thu-tuc/xuat", page_proc_export, ROUTE_LOGIN },
	{ HTTP_GET, "/quan-tri/linh-vuc", page_proc_fields, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/linh-vuc", page_proc_fields_post, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/thu-tuc/{code}", page_proc_edit, ROUTE_LOGIN },
	{ HTTP_GET, "/quan-tri/thu-tuc/{code}/phien-ban/{n}", page_proc_version, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/thu-tuc/{code}", page_proc_update, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_POST, "/quan-tri/thu-tuc/{code}/cong-bo", page_proc_publish, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/thu-tuc/{code}/ngung-cong-bo", page_proc_unpublish,
	  ROUTE_LOGIN | ROUTE_CSRF },
	/* the one-stop shop, staff (pages_dossiers.c): literal paths before {code} */
	{ HTTP_GET, "/mot-cua", page_dossiers, ROUTE_LOGIN },
	{ HTTP_GET, "/mot-cua/tiep-nhan", page_intake_form, ROUTE_LOGIN },
	{ HTTP_POST, "/mot-cua/tiep-nhan", page_intake_post, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/mot-cua/so-theo-doi", page_dossier_book, ROUTE_LOGIN },
	{ HTTP_GET, "/mot-cua/thong-ke", page_dossier_stats, ROUTE_LOGIN },
	{ HTTP_GET, "/mot-cua/ho-so/{code}", page_dossier, ROUTE_LOGIN },
	{ HTTP_POST, "/mot-cua/ho-so/{code}/xu-ly", page_dossier_act, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/mot-cua/ho-so/{code}/phieu/{n}", page_dossier_form, ROUTE_LOGIN },
	{ HTTP_GET, "/mot-cua/ho-so/{code}/tep/{n}", page_dossier_file, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/dossiers", api_dossiers_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/dossiers", api_dossiers_list, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/dossiers/{code}", api_dossier_get, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/dossiers/{code}/actions", api_dossier_act,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/stats/dossiers", api_dossier_stats, ROUTE_LOGIN },
	/* the one-stop shop, citizens and the public (pages_dossiers_public.c) */
	{ HTTP_GET, "/nop-ho-so/{code}", page_submit_form, ROUTE_SESSION },
	{ HTTP_POST, "/nop-ho-so/{code}", page_submit_post, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/tai-khoan/ho-so", page_my_dossiers, ROUTE_LOGIN },
	{ HTTP_GET, "/tai-khoan/ho-so/{code}", page_my_dossier, ROUTE_LOGIN },
	{ HTTP_POST, "/tai-khoan/ho-so/{code}/rut", page_my_dossier_withdraw, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/tai-khoan/ho-so/{code}/bo-sung", page_my_dossier_supply,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/tra-cuu", page_lookup, ROUTE_PUBLIC },
	{ HTTP_POST, "/api/v1/public/dossiers", api_public_dossiers_create,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/api/v1/public/dossiers", api_public_dossiers_list, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/public/lookup", api_public_lookup, 0 },
	{ HTTP_POST, "/tra-cuu/thanh-toan", page_lookup_pay, 0 },
	{ HTTP_POST, "/api/v1/public/payments", api_public_payment_start, ROUTE_JSON },
	{ HTTP_POST, "/api/v1/payments/callback", api_payment_callback, ROUTE_JSON | ROUTE_RAW },
	/* the working-time calendar (pages_calendar.c) */
	{ HTTP_GET, "/api/v1/calendar/due", api_calendar_due, 0 },
	{ HTTP_GET, "/api/v1/calendar", api_calendar_list, 0 },
	{ HTTP_PUT, "/api/v1/calendar/days/{date}", api_calendar_day_set,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_DELETE, "/api/v1/calendar/days/{date}", api_calendar_day_clear, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/lich-lam-viec", page_calendar, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/lich-lam-viec", page_calendar_post, ROUTE_LOGIN | ROUTE_CSRF },
	/* fees and electronic receipts (pages_receipts.c) */
	{ HTTP_GET, "/api/v1/receipt-books", api_receipt_books, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/receipt-books", api_receipt_books_create,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_POST, "/api/v1/receipts", api_receipts_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/receipts", api_receipts_list, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/receipts/{id}", api_receipt_get, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/receipts/{id}/cancel", api_receipt_cancel,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_POST, "/api/v1/receipts/{id}/replace", api_receipt_replace,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_GET, "/api/v1/public/receipts/{lookup}", api_public_receipt, 0 },
	{ HTTP_GET, "/bien-lai/{lookup}", page_receipt_public, 0 },
	{ HTTP_GET, "/bien-lai/{lookup}/pdf", page_receipt_pdf, 0 },
	{ HTTP_GET, "/bien-lai/{lookup}/xml", page_receipt_xml, 0 },
	/* what was collected, reconciled with the dossiers (pages_receipt_report.c) */
	{ HTTP_GET, "/thu-phi/bao-cao", page_receipt_report, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/stats/receipts", api_receipt_report, ROUTE_LOGIN },
	/* the collector's and the administrator's pages (pages_receipts_staff.c) */
	{ HTTP_GET, "/thu-phi", page_receipts, ROUTE_LOGIN },
	{ HTTP_GET, "/thu-phi/lap", page_receipt_new, ROUTE_LOGIN },
	{ HTTP_POST, "/thu-phi/lap", page_receipt_issue, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/thu-phi/bien-lai/{id}", page_receipt, ROUTE_LOGIN },
	{ HTTP_POST, "/thu-phi/bien-lai/{id}/huy", page_receipt_cancel, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/thu-phi/bien-lai/{id}/thay-the", page_receipt_replace_form, ROUTE_LOGIN },
	{ HTTP_POST, "/thu-phi/bien-lai/{id}/thay-the", page_receipt_replace, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/so-bien-lai", page_receipt_books, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/so-bien-lai", page_receipt_books_post, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/so-bien-lai/{id}", page_receipt_book_post, ROUTE_LOGIN | ROUTE_CSRF },
	/* the portal's visitor statistics (pages_visitors.c) */
	{ HTTP_GET, "/api/v1/public/visitors", api_public_visitors, 0 },
	{ HTTP_GET, "/quan-tri/truy-cap", page_visitor_stats, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/stats/visitors", api_visitor_stats, ROUTE_LOGIN },
	/* citizens' satisfaction (pages_satisfaction.c) */
	{ HTTP_GET, "/danh-gia/{code}", page_rating_form, 0 },
	{ HTTP_POST, "/danh-gia/{code}", page_rating_post, 0 },
	{ HTTP_GET, "/mot-cua/danh-gia", page_rating_kiosk, ROUTE_LOGIN },
	{ HTTP_GET, "/chi-so-hai-long", page_satisfaction_public, ROUTE_PUBLIC },
	{ HTTP_GET, "/api/v1/stats/satisfaction", api_satisfaction_stats, 0 },
	{ HTTP_POST, "/api/v1/public/ratings", api_rating_post, ROUTE_JSON },
	/* the leaders' weekly work schedule (pages_schedule.c) */
	{ HTTP_GET, "/lich-cong-tac", page_schedule_public, ROUTE_PUBLIC },
	{ HTTP_GET, "/quan-tri/lich-cong-tac", page_schedule_admin, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/lich-cong-tac", page_schedule_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/lich-cong-tac/{id}", page_schedule_update, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/schedule", api_schedule, 0 },
	/* e-office (văn bản): the staff's home and statistics (pages_documents.c); literal paths before {id}
	 */
	{ HTTP_GET, "/van-ban", page_documents_home, ROUTE_LOGIN },
	{ HTTP_GET, "/van-ban/thong-ke", page_doc_stats, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/stats/documents", api_doc_stats, ROUTE_LOGIN },
	/* incoming documents (pages_doc_incoming.c); edXML import (pages_doc_exchange.c) */
	{ HTTP_GET, "/van-ban/den", page_doc_in_list, ROUTE_LOGIN },
	{ HTTP_GET, "/van-ban/den/them", page_doc_in_new, ROUTE_LOGIN },
	{ HTTP_GET, "/van-ban/den/so", page_doc_in_register, ROUTE_LOGIN },
	{ HTTP_POST, "/van-ban/den", page_doc_in_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/van-ban/den/{id}", page_doc_in_view, ROUTE_LOGIN },
	{ HTTP_POST, "/van-ban/den/{id}/xu-ly", page_doc_in_act, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/van-ban/den/{id}/tep", page_doc_in_file, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/incoming", api_doc_in_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/documents/incoming", api_doc_in_create,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON | ROUTE_UPLOAD },
	{ HTTP_POST, "/api/v1/documents/incoming/edxml", api_doc_in_edxml,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_RAW | ROUTE_UPLOAD },
	/* the exchange with the national hub's connector (pages_doc_exchange.c) */
	{ HTTP_POST, "/api/v1/documents/exchange/status", api_doc_ex_status,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_RAW },
	{ HTTP_GET, "/api/v1/documents/exchange/outbox", api_doc_ex_outbox, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/exchange/outbox/{id}", api_doc_ex_outbox_get, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/documents/exchange/outbox/{id}/sent", api_doc_ex_outbox_sent,
	  ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/documents/incoming/register", api_doc_in_register, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/incoming/{id}", api_doc_in_get, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/incoming/{id}/file", api_doc_in_file, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/documents/incoming/{id}/actions", api_doc_in_act,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	/* outgoing documents (pages_doc_outgoing.c); edXML export (pages_doc_exchange.c) */
	{ HTTP_GET, "/van-ban/di", page_doc_out_list, ROUTE_LOGIN },
	{ HTTP_GET, "/van-ban/di/them", page_doc_out_new, ROUTE_LOGIN },
	{ HTTP_GET, "/van-ban/di/so", page_doc_out_register, ROUTE_LOGIN },
	{ HTTP_POST, "/van-ban/di", page_doc_out_create, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/van-ban/di/{id}", page_doc_out_view, ROUTE_LOGIN },
	{ HTTP_POST, "/van-ban/di/{id}", page_doc_out_update, ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_POST, "/van-ban/di/{id}/xu-ly", page_doc_out_act, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/van-ban/di/{id}/tep", page_doc_out_file, ROUTE_LOGIN },
	/* signing by order (pages_doc_sign_orders.c) */
	{ HTTP_GET, "/van-ban/ky-thua-lenh", page_doc_sign_orders, ROUTE_LOGIN },
	{ HTTP_POST, "/van-ban/ky-thua-lenh", page_doc_sign_order_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/van-ban/ky-thua-lenh/{id}/thu-hoi", page_doc_sign_order_revoke,
	  ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/documents/sign-orders", api_doc_sign_orders, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/documents/sign-orders", api_doc_sign_order_create,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	{ HTTP_POST, "/api/v1/documents/sign-orders/{id}/revoke", api_doc_sign_order_revoke,
	  ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/api/v1/documents/outgoing", api_doc_out_list, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/documents/outgoing", api_doc_out_create,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON | ROUTE_UPLOAD },
	{ HTTP_GET, "/api/v1/documents/outgoing/register", api_doc_out_register, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/outgoing/{id}", api_doc_out_get, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/outgoing/{id}/file", api_doc_out_file, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/documents/outgoing/{id}/edxml", api_doc_out_edxml, ROUTE_LOGIN },
	{ HTTP_POST, "/api/v1/documents/outgoing/{id}/actions", api_doc_out_act,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_JSON },
	/* the news portal (pages_news.c, pages_news_admin.c): its routes go here */
	{ HTTP_GET, "/tin-tuc", page_news_index, ROUTE_PUBLIC },
	{ HTTP_GET, "/tin-tuc/atom.xml", page_news_atom, 0 },
	{ HTTP_GET, "/tin-tuc/{slug}", page_news_article, ROUTE_PUBLIC },
	{ HTTP_GET, "/tin-tuc/anh/{sha}", page_news_image, 0 },
	{ HTTP_GET, "/chuyen-muc/{slug}", page_news_category, ROUTE_PUBLIC },
	{ HTTP_GET, "/chuyen-muc/{slug}/atom.xml", page_news_category_atom, 0 },
	{ HTTP_GET, "/tim-kiem", page_news_search, ROUTE_PUBLIC },
	{ HTTP_GET, "/sitemap.xml", page_sitemap, 0 },
	{ HTTP_GET, "/api/v1/news", api_news_list, 0 },
	{ HTTP_GET, "/api/v1/news/{slug}", api_news_get, 0 },
	{ HTTP_GET, "/quan-tri/tin-bai", page_news_admin, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/tin-bai", page_news_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_GET, "/quan-tri/tin-bai/them", page_news_new, ROUTE_LOGIN },
	{ HTTP_GET, "/quan-tri/tin-bai/{id}", page_news_edit, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/tin-bai/{id}", page_news_update, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/tin-bai/{id}/trang-thai", page_news_act, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/tin-bai/{id}/anh", page_news_image_upload,
	  ROUTE_LOGIN | ROUTE_CSRF | ROUTE_UPLOAD },
	{ HTTP_GET, "/quan-tri/chuyen-muc", page_news_categories, ROUTE_LOGIN },
	{ HTTP_POST, "/quan-tri/chuyen-muc", page_news_category_create, ROUTE_LOGIN | ROUTE_CSRF },
	{ HTTP_POST, "/quan-tri/chuyen-muc/{id}", page_news_category_update, ROUTE_LOGIN | ROUTE_CSRF },
	/* may I? (access.c) */
	{ HTTP_GET, "/api/v1/permissions", api_permissions, ROUTE_LOGIN },
	/* the audit log (pages_audit.c) */
	{ HTTP_GET, "/quan-tri/nhat-ky", page_audit, ROUTE_LOGIN },
	{ HTTP_GET, "/api/v1/audit", api_audit_list, ROUTE_LOGIN },
};
const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);

void app_config_default(struct app_config *cfg)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "127.0.0.1:8080";
	cfg->db = "motcua.db";
	cfg->data = "data";
	cfg->threads = cores > 0 ? (unsigned)cores : 2;
	cfg->shutdown_grace_ms = 10000;
	http_limits_default(&cfg->limits);
}

static const char *translate(const char *msgid, void *ctx)
{
	return i18n_gettext_lang((int)(intptr_t)ctx, msgid);
}

static int add_template(struct tmpl_set *set, const char *file, const char *src, size_t len, char **err)
{
	char name[128];
	size_t n = strlen(file);
	if (n < 10 || strcmp(file + n - 9, ".mustache") || n - 9 >= sizeof(name))
		return 0;
	memcpy(name, file, n - 9);
	name[n - 9] = '\0';
	return tmpl_set_add(set, name, src, len, err);
}

static int load_from_disk(struct tmpl_set *set, const char *dir, char **err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;
	if (!d) {
		size_t n = strlen(dir) + 64;
		*err = xmalloc(n);
		snprintf(*err, n, "cannot open template folder '%s'", dir);
		return -1;
	}
	while (!rc && (e = readdir(d))) {
		char path[4096];
		FILE *f;
		struct buf b = BUF_INIT;
		char chunk[8192];
		size_t got;
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		f = fopen(path, "rb");
		if (!f)
			continue;
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&b, chunk, got);
		fclose(f);
		rc = add_template(set, e->d_name, b.ptr, b.len, err);
		buf_release(&b);
	}
	closedir(d);
	return rc;
}

struct tmpl_set *app_load_templates(const struct app_config *cfg, int lang, char **err)
{
	struct tmpl_set *set = tmpl_set_new(translate, (void *)(intptr_t)lang);
	int rc = 0;
	*err = NULL;
	if (cfg->dev) {
		rc = load_from_disk(set, cfg->templates_dir ? cfg->templates_dir : "templates", err);
	} else {
		for (unsigned i = 0; i < embed_count && !rc; i++) {
			const struct embed_file *f = &embed_files[i];
			if (strncmp(f->name, "templates/", 10))
				continue;
			rc = add_template(set, f->name + 10, (const char *)f->data, f->len, err);
		}
	}
	if (rc) {
		tmpl_set_free(set);
		return NULL;
	}
	return set;
}

static int parse_listen(const char *listen, char *host, size_t n, unsigned *port)
{
	const char *colon = strrchr(listen, ':');
	size_t hl;
	char *end;
	unsigned long p;
	if (!colon)
		return -1;
	hl = (size_t)(colon - listen);
	if (hl && listen[0] == '[' && listen[hl - 1] == ']') {
		listen++;
		hl -= 2;
	}
	if (!hl || hl >= n)
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

/*
 * The key for hashing client addresses in the audit log: made once per
 * database (random), kept in the settings, so every process hashes alike and
 * an address cannot be found again by hashing all of them without it.
 */
static int client_key(struct db *db, unsigned char key[32])
{
	char *hex = settings_get(db, "client_hash_key");
	size_t len = 0;
	int rc = 0;
	if (!hex) {
		char fresh[65];
		randombytes_buf(key, 32);
		sodium_bin2hex(fresh, sizeof(fresh), key, 32);
		rc = db_begin(db);
		if (!rc)
			rc = settings_set(db, "client_hash_key", fresh);
		if (!rc)
			rc = db_commit(db);
		if (rc)
			db_rollback(db);
		sodium_memzero(fresh, sizeof(fresh));
		/* read it back: another process starting at the same time may have stored its own first */
		hex = settings_get(db, "client_hash_key");
		if (!hex)
			return -1;
	}
	if (sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &len, NULL) || len != 32)
		rc = -1;
	sodium_memzero(hex, strlen(hex));
	free(hex);
	return rc ? -1 : 0;
}

static char *setting_or(struct db *db, const char *configured, const char *key)
{
	if (configured)
		return xstrdup(configured);
	return settings_get(db, key);
}

static void site_free(struct site_info *s)
{
	free(s->name);
	free(s->address);
	free(s->phone);
	free(s->email);
}

static void on_begin(struct request *req)
{
	req->lang = i18n_pick(req_cookie(req, "lang"), req_header(req, "Accept-Language"));
}

/* After each handler: end read snapshots left open by statements stopped on a row. */
static void on_handled(struct request *req)
{
	struct db *db = db_thread_current();
	/* a public page shown: counted in memory (features/visitors.h) */
	if (req->route && (req->route->flags & ROUTE_PUBLIC) && req->status == 200 && req->method == HTTP_GET)
		visitors_hit(req_now(req), req->client_ip, req_header(req, "User-Agent"), req->path);
	if (!db)
		return;
	db_release_statements(db);
	/* a handler that returned inside a transaction (an error path) must not leave it to the next request
	 */
	if (db_in_transaction(db)) {
		log_error("event=db msg=\"request ended inside a transaction: rolled back\" id=%s", req->id);
		db_rollback(db);
	}
}

static int ensure_dir(const char *path)
{
	if (mkdir(path, 0750) && errno != EEXIST)
		return -1;
	return 0;
}

int app_serve(const struct app_config *cfg)
{
	struct app app;
	struct server_config sc;
	struct db *db = NULL;
	static char site[320]; /* kept by dossier_set_site_url */
	char host[64], spool[4096], shown_db[512];
	char *err = NULL;
	int applied = 0, rc = 1, left;
	sigset_t sigs;
	int sig = 0;

	memset(&app, 0, sizeof(app));
	app.cfg = *cfg;
	app.started_us = time_now_us();
	if (parse_listen(cfg->listen, host, sizeof(host), &sc.port)) {
		log_error("event=config msg=\"bad --listen, expected HOST:PORT\" value=%s", cfg->listen);
		return 2;
	}
	if (ensure_dir(cfg->data)) {
		log_error("event=config msg=\"cannot create the data folder\" path=%s errno=%d", cfg->data,
			  errno);
		return 1;
	}
	snprintf(spool, sizeof(spool), "%s/tmp", cfg->data);
	if (ensure_dir(spool)) {
		log_error("event=config msg=\"cannot create the upload spool folder\" path=%s", spool);
		return 1;
	}
	if (i18n_init()) {
		log_error("event=i18n msg=\"a translation catalogue is malformed\"");
		return 1;
	}
	db = db_open(cfg->db, &err);
	if (!db) {
		log_error("event=db msg=\"%s\"", err);
		free(err);
		return 3;
	}
	if (migrate_run(db, &applied, &err)) {
		char q[512];
		log_error("event=migrate msg=%s", log_quote(q, sizeof(q), err));
		fprintf(stderr, "motcua: %s; the server will not start\n", err);
		free(err);
		db_close(db);
		return 3;
	}
	if (applied)
		log_info("event=migrate applied=%d version=%d", applied, migrate_version(db));
	app.site.name = setting_or(db, cfg->site.name, "site_name");
	if (!app.site.name)
		app.site.name = xstrdup("motcua");
	app.site.address = setting_or(db, cfg->site.address, "contact_address");
	app.site.phone = setting_or(db, cfg->site.phone, "contact_phone");
	app.site.email = setting_or(db, cfg->site.email, "contact_email");
	if (client_key(db, app.client_key)) {
		log_error("event=db msg=\"cannot read or store the client hash key\"");
		db_close(db);
		site_free(&app.site);
		return 3;
	}
	db_close(db);
	db = NULL;
	render_init(&app);

	for (int l = 0; l < LANG_COUNT; l++) {
		app.tmpl[l] = app_load_templates(cfg, l, &err);
		if (!app.tmpl[l]) {
			log_error("event=templates msg=\"%s\"", err ? err : "cannot load");
			free(err);
			goto out;
		}
	}
	db_thread_config(cfg->db);
	the_app = &app;

	/*
	 * Block the signals before any thread starts: threads inherit the mask,
	 * so only the main thread (in sigwait) takes them, even a second one
	 * during shutdown.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_async_start();
	/* the links in citizens' email: the configured address, else the one listened on when it names a host
	 */
	if (cfg->public_url)
		dossier_set_site_url(cfg->public_url);
	else if (strncmp(cfg->listen, "0.0.0.0:", 8) && strncmp(cfg->listen, "[::]:", 5) &&
		 snprintf(site, sizeof(site), "http://%s", cfg->listen) < (int)sizeof(site))
		dossier_set_site_url(site);
	/* email to citizens: its thread, with its own connection, after the signal mask (it inherits it) */
	if (mail_start(cfg->db, &cfg->mail))
		goto out;
	/* the documents' text for search (PDF text, OCR of scans): its thread, its own connection */
	if (doc_text_start(cfg->db, cfg->data)) {
		mail_stop();
		goto out;
	}
	/* reminders of the documents' deadlines, by email: its thread, its own connection */
	if (reminders_start(cfg->db, cfg->data)) {
		doc_text_stop();
		mail_stop();
		goto out;
	}

	memset(&sc, 0, sizeof(sc));
	parse_listen(cfg->listen, host, sizeof(host), &sc.port);
	sc.listen_host = host;
	sc.threads = cfg->threads;
	sc.spool_dir = spool;
	sc.trusted_proxy = cfg->trusted_proxy;
	sc.limits = cfg->limits;
	sc.routes = app_routes;
	sc.nroutes = app_nroutes;
	sc.error_page = page_error;
	sc.on_begin = on_begin;
	sc.before = app_before;
	sc.handled = on_handled;
	if (visitors_start()) {
		log_error("event=visitors msg=\"cannot start counting visitors\"");
		goto out;
	}
	app.srv = server_start(&sc, &err);
	if (!app.srv) {
		log_error("event=listen msg=\"%s\"", err);
		fprintf(stderr, "motcua: %s\n", err);
		free(err);
		goto out;
	}
	log_info("event=listen url=http://%s%s%s:%u/ threads=%u db=%s version=%s",
		 strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", server_port(app.srv),
		 cfg->threads, db_url_redact(cfg->db, shown_db, sizeof(shown_db)), MOTCUA_VERSION);

	while (sigwait(&sigs, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
		;
	log_info("event=shutdown signal=%s msg=\"stopping: finishing requests in flight\"",
		 sig == SIGINT ? "INT" : "TERM");
	left = server_stop(app.srv, cfg->shutdown_grace_ms);
	if (left)
		log_warn("event=shutdown msg=\"requests still running after the grace period\" count=%d",
			 left);
	rc = 0;
out:
	/* the mail and text threads end (the message or file in hand finishes) before the database closes */
	reminders_stop();
	doc_text_stop();
	mail_stop();
	visitors_stop();
	{
		/* the articles' views counted in memory (features/news.h) */
		struct db *vdb = db_thread();
		if (vdb && news_views_flush(vdb))
			log_error("event=news msg=\"the last article views could not be written\"");
	}
	db_thread_close_all();
	for (int l = 0; l < LANG_COUNT; l++)
		if (app.tmpl[l])
			tmpl_set_free(app.tmpl[l]);
	render_release(&app);
	site_free(&app.site);
	the_app = NULL;
	if (!rc)
		log_info("event=stopped msg=\"database closed cleanly\"");
	log_async_stop();
	return rc;
}
