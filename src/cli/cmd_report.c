/*
 * cmd_report: `edgebench report DIR`, report.md and charts from results.json.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "report/report.h"

int eb_cmd_report(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: edgebench report RESULTS_DIR\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "edgebench report: expected one results directory\n");
		return 2;
	}
	char err[1400];
	if (eb_report_write(argv[1], err, sizeof(err)) < 0) {
		fprintf(stderr, "edgebench report: %s\n", err);
		return 1;
	}
	printf("%s/report.md\n", argv[1]);
	return 0;
}
