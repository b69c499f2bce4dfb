/*
 * qr: see qr.h. Module (x, y) is dark when bit 0 of its byte is set; the
 * quiet zone of four modules around the symbol is added here.
 */
#include "util/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <qrencode.h>
#include <uv.h>

enum { QUIET = 2 };

/* Why libqrencode made no symbol: the text is too long for any version
 * (ERANGE) or not encodable; out of memory aborts, as xalloc does. */
static int encode_error(void)
{
	if (errno == ENOMEM)
		abort();
	return errno == ERANGE ? UV_E2BIG : UV_EINVAL;
}

static int dark(const QRcode *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

int qr_terminal(buf_t *out, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (!q)
		return encode_error();
	/* Light background drawn explicitly so dark terminals show it right:
	 * each character cell is two modules, upper and lower. */
	for (int y = -QUIET; y < q->width + QUIET; y += 2) {
		buf_puts(out, "\033[30;47m");
		for (int x = -QUIET; x < q->width + QUIET; x++) {
			int up = dark(q, x, y), down = dark(q, x, y + 1);
			buf_puts(out, up && down ? "\u2588"
			              : up       ? "\u2580"
			              : down     ? "\u2584"
			                         : " ");
		}
		buf_puts(out, "\033[0m\n");
	}
	QRcode_free(q);
	return 0;
}

int qr_svg(buf_t *out, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return encode_error();
	int size = q->width + 8;
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	           "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
	           "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	           size, size, size, size);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (dark(q, x, y))
				buf_printf(out, "M%d %dh1v1h-1z", x + 4, y + 4);
	buf_puts(out, "\"/></svg>\n");
	QRcode_free(q);
	return 0;
}
