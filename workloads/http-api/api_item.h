/*
 * api_item: the items of http-api's data set, generated from their number,
 * so the seeded database, the harness's POST bodies and the tests agree
 * without shipping data.  No I/O, no allocation.
 */
#ifndef EB_API_ITEM_H
#define EB_API_ITEM_H

#include <stddef.h>

#define API_ITEM_ASCII_MAX 1400   /* the generated items' size bound */

/* Item number i as a JSON object of about 1 KB; returns its length, or -1 when cap is too small. */
int api_item_json(unsigned i, char *out, size_t cap);

#endif
