#!/usr/bin/env bash
# dlcourse on The Littlest JupyterHub (one server, up to ~30 learners with 2 GB each).
# Run as root on the hub machine after installing TLJH, from a clone of the course:
#   sudo bash deploy/tljh/install.sh [FOLDER_WITH_DATASETS]
# FOLDER_WITH_DATASETS (mnist/ and fashion-mnist/) is imported instead of downloading them.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
user_pip=/opt/tljh/user/bin/pip
user_bin=/opt/tljh/user/bin

"$user_pip" install "$here" nbgitpuller
if [ -n "${1:-}" ]; then
    DLCOURSE_HOME=/opt/dlcourse "$user_bin/dlcourse" data import "$1"
else
    DLCOURSE_HOME=/opt/dlcourse "$user_bin/dlcourse" data fetch
fi
chmod -R a-w,a+rX /opt/dlcourse
"$user_bin/jupyter" server extension enable --sys-prefix dlcourse.classroom.sync

# Every learner's server: read-only datasets, JupyterLab, limits from benchmarks/lessons.py
# (largest kernel peak 1.25 GB, lesson 08, plus about 0.2 GB of JupyterLab: see deploy/z2jh/config.yaml).
cat > /opt/tljh/config/jupyterhub_config.d/dlcourse.py <<'PY'
c.Spawner.environment.update({
    "DLCOURSE_DATA": "/opt/dlcourse/datasets",
    "DLCOURSE_EXCHANGE": "/srv/dlcourse-exchange",
    "TF_CPP_MIN_LOG_LEVEL": "3",
})
PY
tljh-config set user_environment.default_app jupyterlab
tljh-config set limits.memory 2G
tljh-config set limits.cpu 1
tljh-config set services.cull.timeout 3600

# The exchange for `dlcourse submit`: anyone may add a file, nobody may list or read another's.
"$user_bin/dlcourse" collect --init /srv/dlcourse-exchange
tljh-config reload
echo "dlcourse is installed. Next: docs/hub.md, 'Hand out the course'."
