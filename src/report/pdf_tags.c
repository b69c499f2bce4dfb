/*
 * report/pdf_tags: what a tagged PDF needs and cairo 1.16 cannot write,
 * added with qpdf after cairo has finished the file (issue 16): the
 * document's language (/Lang), the alternative text of every figure in the
 * structure tree (/Alt, in the order pdf.c drew them), the title shown
 * instead of the file name (/DisplayDocTitle) and XMP metadata with the
 * title, the language and the PDF/UA identifier.
 *
 * cairo writes the structure tree (headings, paragraphs, lists, tables,
 * figures: cairo_tag_begin in pdf.c) and the marked content; this only adds
 * keys to objects that are there. qpdf reads the file lazily, so the result
 * goes to a temporary file beside it that then replaces it.
 */
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>

#include "report/internal.h"
#include "util/buf.h"

/* The XML text of s, escaped. */
static void put_xml(buf_t *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s); break;
		}
	}
}

/* Gives every Figure under node its alternative text, in document order;
 * *next counts the figures seen. Depth is bounded: cairo's tree is as deep
 * as pdf.c nests its tags. */
static void alt_texts(qpdf_data q, qpdf_oh node, char *const *alts, size_t n_alts, size_t *next,
                      int depth)
{
	if (depth > 64)
		return;
	if (qpdf_oh_is_array(q, node)) {
		int n = qpdf_oh_get_array_n_items(q, node);
		for (int i = 0; i < n; i++)
			alt_texts(q, qpdf_oh_get_array_item(q, node, i), alts, n_alts, next,
			          depth + 1);
		return;
	}
	if (!qpdf_oh_is_dictionary(q, node))
		return;
	if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, node, "/S"), "/Figure")) {
		if (*next < n_alts && alts[*next])
			qpdf_oh_replace_key(q, node, "/Alt",
			                    qpdf_oh_new_unicode_string(q, alts[*next]));
		(*next)++;
	}
	alt_texts(q, qpdf_oh_get_key(q, node, "/K"), alts, n_alts, next, depth + 1);
}

int report__pdf_finish(const char *path, const char *lang, const char *title, char *const *alts,
                       size_t n_alts, char *err, size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tags", path) >= (int)sizeof tmp) {
		snprintf(err, errlen, "the path %s is too long", path);
		return REPORT_EWRITE;
	}
	qpdf_data q = qpdf_init();
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	int rc = 0;
	if (qpdf_read(q, path, NULL) & QPDF_ERRORS)
		goto fail;
	qpdf_oh root = qpdf_get_root(q);
	const char *tag = lang && strcmp(lang, "nl") == 0 ? "nl-NL" : "en-GB";
	qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, tag));
	qpdf_oh prefs = qpdf_oh_new_dictionary(q);
	qpdf_oh_replace_key(q, prefs, "/DisplayDocTitle", qpdf_oh_new_bool(q, QPDF_TRUE));
	qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
	qpdf_oh mark = qpdf_oh_new_dictionary(q);
	qpdf_oh_replace_key(q, mark, "/Marked", qpdf_oh_new_bool(q, QPDF_TRUE));
	qpdf_oh_replace_key(q, root, "/MarkInfo", mark);

	size_t seen = 0;
	qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
	if (qpdf_oh_is_dictionary(q, tree))
		alt_texts(q, qpdf_oh_get_key(q, tree, "/K"), alts, n_alts, &seen, 0);

	buf_t x = BUF_INIT;
	buf_puts(&x, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	             "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	             "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	             "<rdf:Description rdf:about=\"\" "
	             "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	             "xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
	             "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	put_xml(&x, title);
	buf_printf(&x,
	           "</rdf:li></rdf:Alt></dc:title>\n"
	           "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n"
	           "<pdfuaid:part>1</pdfuaid:part>\n"
	           "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
	           "<?xpacket end=\"w\"?>\n",
	           tag);
	qpdf_oh meta = qpdf_make_indirect_object(q, qpdf_oh_new_stream(q));
	qpdf_oh_replace_stream_data(q, meta, (const unsigned char *)x.data, x.len,
	                            qpdf_oh_new_null(q), qpdf_oh_new_null(q));
	qpdf_oh dict = qpdf_oh_get_dict(q, meta);
	qpdf_oh_replace_key(q, dict, "/Type", qpdf_oh_new_name(q, "/Metadata"));
	qpdf_oh_replace_key(q, dict, "/Subtype", qpdf_oh_new_name(q, "/XML"));
	qpdf_oh_replace_key(q, root, "/Metadata", meta);
	buf_free(&x);

	if (qpdf_init_write(q, tmp) & QPDF_ERRORS)
		goto fail;
	if (qpdf_write(q) & QPDF_ERRORS)
		goto fail;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		rc = REPORT_EWRITE;
	}
	qpdf_cleanup(&q);
	if (rc)
		remove(tmp);
	return rc;
fail:
	snprintf(err, errlen, "cannot finish the tagged PDF %s: %s", path,
	         qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q))
	                           : "qpdf failed");
	qpdf_cleanup(&q);
	remove(tmp);
	return REPORT_EWRITE;
}
