/*
 * api_item: deterministic ~1 KB items (a name, a price, tags, nested
 * attributes).
 */
#include "api_item.h"

#include <stdio.h>

static const char *const words[] = { "alpine", "basalt", "cedar", "delta", "ember", "fjord", "granite", "harbor",
				     "iris", "juniper", "kelp", "lumen", "meadow", "nimbus", "onyx", "prairie" };
static const char *const colors[] = { "red", "green", "blue", "black", "white", "amber", "teal" };

int api_item_json(unsigned i, char *out, size_t cap)
{
	unsigned h = i * 2654435761u;
	const char *w1 = words[h % 16], *w2 = words[(h >> 4) % 16];
	int n = snprintf(out, cap,
			 "{\"name\": \"item %u %s-%s\", \"price\": %u.%02u, "
			 "\"tags\": [\"%s\", \"%s\", \"batch-%u\", \"edge\", \"tier-%u\", \"caf\\u00e9\"], "
			 "\"attributes\": {\"color\": \"%s\", \"size\": %u, \"fragile\": %s, \"weight_kg\": %u.%u, "
			 "\"origin\": \"warehouse %u, aisle %u\", \"sku\": \"SKU-%08u\", "
			 "\"description\": \"%s %s item number %u: a %s thing made for the %s, packed with care; "
			 "it ships within %u days from the %s site and carries the usual warranty. Lorem ipsum dolor sit amet, "
			 "consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. "
			 "Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
			 "consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat "
			 "nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia.\"}}",
			 i, w1, w2, h % 1000, (h >> 10) % 100, w1, w2, i / 100, h % 4, colors[h % 7], h % 5,
			 (h & 1) ? "true" : "false", (h >> 3) % 50, (h >> 7) % 10, (h >> 5) % 40, (h >> 9) % 90, i,
			 w1, w2, i, colors[(h >> 2) % 7], words[(h >> 8) % 16], 1 + h % 9, w2);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
