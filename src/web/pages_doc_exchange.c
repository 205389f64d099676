/*
 * pages_doc_exchange.c: edXML export and import (placeholder: the handlers answer 501 until written).
 */
#include "core/i18n.h"
#include "web/app.h"
#include "core/banned.h"

int api_doc_out_edxml(struct request *req)
{
	resp_error(req, 501, "not_implemented", _("This page is not available yet."));
	return 0;
}

int api_doc_in_edxml(struct request *req)
{
	resp_error(req, 501, "not_implemented", _("This page is not available yet."));
	return 0;
}
