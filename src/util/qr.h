/*
 * qr: QR codes (libqrencode) drawn as terminal text or as SVG.
 */
#ifndef INSPRAAK_QR_H
#define INSPRAAK_QR_H

#include "util/buf.h"

/* Appends the QR code of text drawn with Unicode half blocks (two modules
 * per character row), dark on light, with a quiet zone. Returns 0, or
 * UV_E2BIG when text is too long for a QR code (UV_EINVAL: not encodable);
 * out appended nothing then. */
int qr_terminal(buf_t *out, const char *text);
/* Appends a standalone SVG image of the QR code of text. Returns as
 * qr_terminal. */
int qr_svg(buf_t *out, const char *text);

#endif
