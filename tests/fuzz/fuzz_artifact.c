/*
 * Fuzz target: the artefact marker of the PDF report
 * (src/report/pdf_artifact.c). Its input is a content stream cairo wrote,
 * but it walks it token by token like any PDF content, so any bytes may
 * come: it must never read past them, and what it returns must keep the
 * input's bytes in order with only whole "/Artifact BMC\n" and "EMC\n"
 * lines added, the marked content balanced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

/* Whether the n bytes at s begin with the text t. */
static int starts(const char *s, size_t n, const char *t)
{
	size_t k = strlen(t);
	return n >= k && !memcmp(s, t, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	size_t n = 0;
	char *out = report__pdf_artifacts(in, size, &n);
	if (out) {
		/* taking out every insertion gives the input back */
		static const char open[] = "/Artifact BMC\n", close1[] = "EMC\n",
		                  close2[] = "\nEMC\n";
		size_t i = 0, j = 0;
		long opened = 0;
		/* The closing EMC after the last run: the marker adds it only
		 * when no marked content is open, so the input cannot end
		 * with the same line (an EMC there would close nothing). */
		size_t end = n;
		int tail = n >= strlen(close2) &&
		           !memcmp(out + n - strlen(close2), close2, strlen(close2));
		if (tail && !(size >= strlen(close2) &&
		              !memcmp(in + size - strlen(close2), close2, strlen(close2))))
			end -= strlen(close2);
		/* Before that, an insertion is never where the input has the
		 * same text: "/Artifact BMC" goes before an operation that draws,
		 * "EMC" before q, Q, cm or marked content. */
		while (j < end) {
			if (starts(out + j, end - j, open) && !starts(in + i, size - i, open)) {
				j += strlen(open), opened++;
				continue;
			}
			if (opened > 0 && starts(out + j, end - j, close1) &&
			    !starts(in + i, size - i, close1)) {
				j += strlen(close1), opened--;
				continue;
			}
			if (i >= size || in[i] != out[j])
				abort();
			i++, j++;
		}
		if (tail && end < n)
			opened--;
		if (i != size || opened != 0)
			abort();
		free(out);
	}
	free(in);
	return 0;
}
