/*
 * workload: the table.  Adding a workload is a row here and a folder in
 * workloads/.
 */
#include "workload.h"

#include <string.h>

const struct eb_workload eb_workloads[] = {
	{ "http-hello", EB_WL_SERVER, "http-hello",
	  "HTTP/1.1 server: GET / -> hello, GET /state -> counter" },
	{ "cpu-hash", EB_WL_BATCH, "cpu-hash",
	  "SHA-256 chained over its own digest (default 2,000,000 times)" },
	{ "hello", EB_WL_BATCH, "hello",
	  "prints one line and exits: the fixed cost of starting a program" },
};
const unsigned eb_workload_count = sizeof(eb_workloads) / sizeof(eb_workloads[0]);

const struct eb_workload *eb_workload_find(const char *name)
{
	for (unsigned i = 0; i < eb_workload_count; i++)
		if (!strcmp(eb_workloads[i].name, name))
			return &eb_workloads[i];
	return NULL;
}
