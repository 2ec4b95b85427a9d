/*
 * dataset: seed once, copy per instance; see dataset.h.
 */
#include "measure/dataset.h"
#include "sys/fsutil.h"
#include "sys/proc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define TAG "data"

static char root[128];

int eb_dataset_seed(const char *artifact_dir, const struct eb_workload *w, char *seed, size_t cap, char *err,
		    size_t errcap)
{
	if (!root[0]) {
		int rc = eb_workdir(TAG, root, sizeof(root), err, errcap);
		if (rc < 0)
			return rc;
	}
	snprintf(seed, cap, "%s/seed-%s.db", root, w->name);
	if (access(seed, R_OK) == 0)
		return 0;
	char bin[1024], items[16], tmp[300], out[256], msg[512] = "";
	snprintf(bin, sizeof(bin), "%s/%s", artifact_dir, w->binary);
	if (access(bin, X_OK) != 0) {
		snprintf(err, errcap, "%s is not built (%.200s): it needs %s", w->name, bin, w->build_needs ? w->build_needs : "make build");
		return -ENOENT;
	}
	snprintf(items, sizeof(items), "%u", EB_WL_SEED_ITEMS);
	snprintf(tmp, sizeof(tmp), "%s.tmp", seed);
	unlink(tmp);
	char *argv[] = { bin, "--init", tmp, "--items", items, NULL };
	int rc = eb_run_tool(argv, out, sizeof(out), msg, sizeof(msg), 120000000000ull);
	if (rc != 0 || rename(tmp, seed) < 0) {
		snprintf(err, errcap, "seeding %s's database with %s --init failed: %s", w->name, bin, msg[0] ? msg : out);
		unlink(tmp);
		return rc < 0 ? rc : -EIO;
	}
	return 0;
}

int eb_dataset_instance(const char *seed, const char *name, char *dir, size_t cap, char *err, size_t errcap)
{
	char db[512];
	snprintf(dir, cap, "%s/%s", root, name);
	snprintf(db, sizeof(db), "%s/" EB_WL_DB_FILE, dir);
	int rc;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, errcap, "cannot create %s: %s", dir, strerror(errno));
		dir[0] = 0;
		return rc;
	}
	if ((rc = eb_copy_file(seed, db, 0644)) < 0) {
		snprintf(err, errcap, "cannot copy the seeded database to %s: %s", db, strerror(-rc));
		eb_rm_tree(dir);
		dir[0] = 0;
		return rc;
	}
	return 0;
}

const char *eb_dataset_filesystem(void)
{
	struct statfs s;
	if (!root[0] || statfs(root, &s) < 0)
		return "unknown";
	switch ((unsigned long)s.f_type) {
	case 0xEF53: return "ext4 (or ext2/3)";
	case 0x01021994: return "tmpfs";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0x794c7630: return "overlayfs";
	default: return "other";
	}
}

void eb_dataset_cleanup(void)
{
	eb_workdir_cleanup(TAG);
	root[0] = 0;
}
