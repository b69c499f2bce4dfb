/*
 * report/pdf_tags: what a tagged PDF needs and cairo 1.16 cannot write,
 * added with qpdf after cairo has finished the file (issue 16): the
 * document's language (/Lang), the alternative text of every figure in the
 * structure tree (/Alt, in the order pdf.c drew them), the title shown
 * instead of the file name (/DisplayDocTitle) and XMP metadata with the
 * title, the language and the PDF/UA identifier; and each page's content
 * stream again, with what it draws outside the structure tree marked as an
 * artefact (pdf_artifact.c).
 *
 * cairo writes the structure tree (headings, paragraphs, lists, tables,
 * figures: cairo_tag_begin in pdf.c) and the marked content; this only adds
 * keys to objects that are there, as an incremental update at the end of
 * the file (see report__pdf_finish).
 */
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/buf.h"
#include "util/xalloc.h"

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

/* Gives the first n_alts Figures under node their alternative texts, in
 * document order, and notes their object numbers in ids; *next counts
 * the figures seen. It stops at the last figure it needs, so that only the
 * start of the structure tree is read: every figure (a chart, a slide's
 * image) comes before the appendix, whose elements can number hundreds of
 * thousands. Depth is bounded: cairo's tree is as deep as pdf.c nests. */
static void alt_texts(qpdf_data q, qpdf_oh node, char *const *alts, size_t n_alts, int *ids,
                      size_t *next, int depth)
{
	if (depth > 64 || *next >= n_alts)
		return;
	if (qpdf_oh_is_array(q, node)) {
		int n = qpdf_oh_get_array_n_items(q, node);
		for (int i = 0; i < n && *next < n_alts; i++)
			alt_texts(q, qpdf_oh_get_array_item(q, node, i), alts, n_alts, ids, next,
			          depth + 1);
		return;
	}
	if (!qpdf_oh_is_dictionary(q, node))
		return;
	if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, node, "/S"), "/Figure")) {
		qpdf_oh_replace_key(q, node, "/Alt", qpdf_oh_new_unicode_string(q, alts[*next]));
		ids[(*next)++] = qpdf_oh_get_object_id(q, node);
		return;
	}
	alt_texts(q, qpdf_oh_get_key(q, node, "/K"), alts, n_alts, ids, next, depth + 1);
}

/* The offset of the last cross-reference section of the file f, from its
 * "startxref" line near the end; -1 when there is none. */
static long long last_xref(FILE *f)
{
	char tail[1025];
	if (fseek(f, 0, SEEK_END) != 0)
		return -1;
	long end = ftell(f), from = end > 1024 ? end - 1024 : 0;
	if (fseek(f, from, SEEK_SET) != 0)
		return -1;
	size_t n = fread(tail, 1, (size_t)(end - from), f);
	tail[n] = '\0';
	char *at = NULL;
	for (char *s = tail; (s = memmem(s, n - (size_t)(s - tail), "startxref", 9)); s += 9)
		at = s;
	return at ? strtoll(at + 9, NULL, 10) : -1;
}

typedef struct obj_at {
	int id;
	long long offset;
} obj_at_t;

static int by_id(const void *a, const void *b)
{
	return ((const obj_at_t *)a)->id - ((const obj_at_t *)b)->id;
}

/*
 * The pages whose content marks its artefacts: the first ARTIFACT_PAGES,
 * that is the cover, the contents, the overview, the website and the
 * slides of any report, and the start of the appendix of a large one.
 * qpdf keeps every page it has read until the end, about 4.5 KB each (a
 * report of a million answers has some 15,000 pages, which would add 70 MB
 * to it); the appendix beyond stays unmarked (docs/accessibility.md).
 */
enum { ARTIFACT_PAGES = 3000 };

/*
 * Writes to f (at *at, moved on) a new version of the content stream of
 * each of those pages with its unmarked content as artefacts, and notes
 * each in *objs (n of cap, grown). One page at a time: its stream is read,
 * marked, compressed and written before the next. cairo's page tree is
 * one /Pages node with every page in its /Kids; it is walked by hand,
 * because qpdf's list of all pages reads every page. A page
 * report__pdf_artifacts leaves alone keeps its stream. Returns 0 or -1
 * when writing failed.
 */
static int mark_artifacts(qpdf_data q, FILE *f, long long *at, obj_at_t **objs, size_t *n,
                          size_t *cap)
{
	qpdf_oh tree = qpdf_oh_get_key(q, qpdf_get_root(q), "/Pages");
	qpdf_oh kids = qpdf_oh_get_key(q, tree, "/Kids");
	int pages = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
	if (pages > ARTIFACT_PAGES)
		pages = ARTIFACT_PAGES;
	int rc = 0;
	for (int i = 0; i < pages && rc == 0; i++) {
		qpdf_oh page = qpdf_oh_get_array_item(q, kids, i);
		if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, page, "/Type"), "/Page")) {
			qpdf_oh_release(q, page);
			break; /* not cairo's flat tree: leave the rest */
		}
		qpdf_oh contents = qpdf_oh_get_key(q, page, "/Contents");
		unsigned char *data = NULL;
		size_t len = 0;
		QPDF_BOOL filtered = QPDF_FALSE;
		int id = qpdf_oh_get_object_id(q, contents);
		if (id > 0 && qpdf_oh_is_stream(q, contents) &&
		    !(qpdf_oh_get_stream_data(q, contents, qpdf_dl_generalized, &filtered, &data,
		                              &len) &
		      QPDF_ERRORS) &&
		    filtered) {
			size_t mlen;
			char *marked = report__pdf_artifacts((const char *)data, len, &mlen);
			uLongf zlen = compressBound(mlen);
			unsigned char *z = marked ? xmalloc(zlen) : NULL;
			if (z && compress2(z, &zlen, (const Bytef *)marked, mlen, 6) == Z_OK) {
				if (*n == *cap) {
					*cap *= 2;
					*objs = xrealloc(*objs, *cap * sizeof **objs);
				}
				(*objs)[(*n)++] = (obj_at_t){id, *at};
				int w = fprintf(f,
				                "%d 0 obj\n<< /Length %lu /Filter /FlateDecode >>\n"
				                "stream\n",
				                id, (unsigned long)zlen);
				if (w < 0 || fwrite(z, 1, zlen, f) != zlen ||
				    fputs("\nendstream\nendobj\n", f) < 0)
					rc = -1;
				else
					*at += w + (long long)zlen + 18;
			}
			free(z);
			free(marked);
		}
		free(data);
		qpdf_oh_release(q, contents);
		qpdf_oh_release(q, page);
	}
	return rc;
}

/*
 * The additions go in as an incremental update (PDF 1.7, 7.5.6): the new
 * versions of the catalog and of the figures, a new metadata stream, a
 * cross-reference section for them and a trailer that points back to
 * cairo's. Rewriting the whole file with qpdf would hold every object of
 * it in memory: more than a gigabyte for a million answers. qpdf here only
 * reads, lazily: the trailer, the catalog and the start of the tree.
 */
int report__pdf_finish(const char *path, const char *lang, const char *title, char *const *alts,
                       size_t n_alts, char *err, size_t errlen)
{
	qpdf_data q = qpdf_init();
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	buf_t add = BUF_INIT, x = BUF_INIT;
	obj_at_t *objs = xcalloc(n_alts + 2, sizeof *objs);
	int *ids = xcalloc(n_alts + 1, sizeof *ids);
	FILE *f = NULL;
	int rc = 0;
	if (qpdf_read(q, path, NULL) & QPDF_ERRORS)
		goto fail;
	qpdf_oh trailer = qpdf_get_trailer(q);
	qpdf_oh root = qpdf_get_root(q);
	int size = (int)qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, trailer, "/Size"));
	int root_id = qpdf_oh_get_object_id(q, root);
	if (size <= 0 || root_id <= 0)
		goto fail;
	int meta_id = size;

	const char *tag = lang && strcmp(lang, "nl") == 0 ? "nl-NL" : "en-GB";
	qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, tag));
	qpdf_oh prefs = qpdf_oh_new_dictionary(q);
	qpdf_oh_replace_key(q, prefs, "/DisplayDocTitle", qpdf_oh_new_bool(q, QPDF_TRUE));
	qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
	qpdf_oh mark = qpdf_oh_new_dictionary(q);
	qpdf_oh_replace_key(q, mark, "/Marked", qpdf_oh_new_bool(q, QPDF_TRUE));
	qpdf_oh_replace_key(q, root, "/MarkInfo", mark);
	qpdf_oh_remove_key(q, root, "/Metadata"); /* ours follows */

	size_t seen = 0;
	qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
	if (qpdf_oh_is_dictionary(q, tree))
		alt_texts(q, qpdf_oh_get_key(q, tree, "/K"), alts, n_alts, ids, &seen, 0);

	f = fopen(path, "r+b");
	long long prev = f ? last_xref(f) : -1;
	if (prev < 0 || fseek(f, 0, SEEK_END) != 0)
		goto fail;
	long long base = ftell(f);

	/* the catalog, with the metadata stream that gets the next number */
	size_t n = 0;
	const char *cat = qpdf_oh_unparse_resolved(q, root);
	size_t cl = strlen(cat);
	if (cl < 4 || strcmp(cat + cl - 2, ">>") != 0)
		goto fail;
	buf_puts(&add, "\n");
	objs[n++] = (obj_at_t){root_id, base + (long long)add.len};
	buf_printf(&add, "%d 0 obj\n%.*s /Metadata %d 0 R >>\nendobj\n", root_id, (int)(cl - 2),
	           cat, meta_id);
	for (size_t i = 0; i < seen; i++) {
		objs[n++] = (obj_at_t){ids[i], base + (long long)add.len};
		buf_printf(&add, "%d 0 obj\n%s\nendobj\n", ids[i],
		           qpdf_oh_unparse_resolved(q, qpdf_get_object_by_id(q, ids[i], 0)));
	}

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
	objs[n++] = (obj_at_t){meta_id, base + (long long)add.len};
	buf_printf(&add,
	           "%d 0 obj\n<< /Type /Metadata /Subtype /XML /Length %zu >>\nstream\n%s\n"
	           "endstream\nendobj\n",
	           meta_id, x.len, x.data);

	if (fwrite(add.data, 1, add.len, f) != add.len)
		goto write_fail;
	long long at = base + (long long)add.len;
	buf_clear(&add);
	size_t cap = n_alts + 2;
	if (mark_artifacts(q, f, &at, &objs, &n, &cap) < 0)
		goto write_fail;

	/* one subsection per object: their numbers need not follow each other */
	qsort(objs, n, sizeof *objs, by_id);
	long long xref = at;
	buf_puts(&add, "xref\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&add, "%d 1\n%010lld 00000 n \n", objs[i].id, objs[i].offset);
	qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
	qpdf_oh id = qpdf_oh_get_key(q, trailer, "/ID");
	buf_printf(&add, "trailer\n<< /Size %d /Root %d 0 R", meta_id + 1, root_id);
	if (qpdf_oh_is_dictionary(q, info))
		buf_printf(&add, " /Info %s", qpdf_oh_unparse(q, info));
	if (qpdf_oh_is_array(q, id))
		buf_printf(&add, " /ID %s", qpdf_oh_unparse(q, id));
	buf_printf(&add, " /Prev %lld >>\nstartxref\n%lld\n%%%%EOF\n", prev, xref);

	if (fwrite(add.data, 1, add.len, f) != add.len || fclose(f) != 0) {
		f = NULL;
		goto write_fail;
	}
	f = NULL;
	goto done;
write_fail:
	snprintf(err, errlen, "cannot write %s: %m", path);
	rc = REPORT_EWRITE;
	goto done;
fail:
	snprintf(err, errlen, "cannot finish the tagged PDF %s: %s", path,
	         qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q))
	                           : "its structure is not what cairo writes");
	rc = REPORT_EWRITE;
done:
	if (f)
		fclose(f);
	qpdf_cleanup(&q);
	buf_free(&add);
	buf_free(&x);
	free(objs);
	free(ids);
	return rc;
}
