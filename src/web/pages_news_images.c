/*
 * pages_news_images.c: the articles' images (placeholder: the handlers answer 501 until written).
 */
#include "core/i18n.h"
#include "web/app.h"
#include "core/banned.h"

int page_news_image(struct request *req)
{
	resp_error(req, 501, "not_implemented", _("This page is not available yet."));
	return 0;
}

int page_news_image_upload(struct request *req)
{
	resp_error(req, 501, "not_implemented", _("This page is not available yet."));
	return 0;
}
