#!/usr/bin/env bash
# fleet.sh INVENTORY [ansible-playbook options...]: the same pinned suite on every host of the
# inventory's group `edgebench`, results fetched here and compared (deploy/fleet.yml,
# deploy/README.md).  Installs ansible-core (PyPI, pinned) and builds edgebench here first:
# the controller writes each host's report and the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/fleet.sh INVENTORY [ansible-playbook options...]" >&2; exit 2; }
inv=$1
shift
[ -r "$inv" ] || { echo "fleet.sh: cannot read inventory $inv" >&2; exit 2; }
. scripts/versions.env
scripts/setup.sh fleet
make -s build/edgebench
export ANSIBLE_CONFIG=${ANSIBLE_CONFIG:-deploy/ansible.cfg}
exec "$EB_CACHE/ansible-core-$ANSIBLE_CORE_VERSION/bin/ansible-playbook" -i "$inv" deploy/fleet.yml "$@"
