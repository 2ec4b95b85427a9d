/*
 * dataset: the seeded database of the database workloads (http-api), made
 * once per run by the workload's own native binary (`--init PATH --items
 * N`) in a work directory of ours, and the directory each instance gets:
 * a copy of the seed, made before its launch (outside every timed window)
 * and removed at its stop.  Never prints.
 */
#ifndef EB_DATASET_H
#define EB_DATASET_H

#include <stddef.h>

#include "catalog/workload.h"

/*
 * The seed of w's data set: made on first use (EB_WL_SEED_ITEMS items) by
 * <artifact_dir>/<binary>, its path into seed.  0, or a negative errno with
 * one line in err.
 */
int eb_dataset_seed(const char *artifact_dir, const struct eb_workload *w, char *seed, size_t cap, char *err,
		    size_t errcap);

/* A fresh directory holding a copy of seed as EB_WL_DB_FILE, for the instance called name; path into dir. */
int eb_dataset_instance(const char *seed, const char *name, char *dir, size_t cap, char *err, size_t errcap);

/* Facts about where instances keep their databases (the filesystem type) for the results. */
const char *eb_dataset_filesystem(void);

/* Every directory of ours (this run's, and those of crashed runs). */
void eb_dataset_cleanup(void);

#endif
