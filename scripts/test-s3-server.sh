#!/usr/bin/env bash
# The project's local S3 server for tests and benchmarks: a single-node Ceph RADOS Gateway
# (Debian's radosgw) on an in-memory object store, listening on 127.0.0.1 only. It is a production
# S3 implementation (SigV4, versioning, ListObjectVersions, If-None-Match: * answered with 412,
# UploadPartCopy, users, ACLs, bucket policies), so tests exercise real S3 behaviour. Quirks to
# remember: CopyObject returns an unquoted ETag and ignores conditions on the copy; multipart
# ETags keep their -N suffix.
#
#   scripts/test-s3-server.sh start [DIR]            install the Debian packages when missing (apt),
#                                                    start mon + osd + rgw, create the user 'owner'
#                                                    and print the environment to export; does
#                                                    nothing but print it when already running
#   scripts/test-s3-server.sh user NAME AK SK [DIR]  create another S3 user (access-denied tests)
#   scripts/test-s3-server.sh stop [DIR]             stop the daemons this script started
#   scripts/test-s3-server.sh env [DIR]              print the environment of a running server
#
# DIR defaults to $S3_SERVER_DIR or /tmp/s3-bastion-rgw. Port: RGW_PORT (default 14580); the
# monitor listens on RGW_PORT+2209. The osd holds up to RGW_MEMSTORE_BYTES (default 2 GiB) in RAM.
set -euo pipefail
cmd=${1:-start}
default_dir=${S3_SERVER_DIR:-${TMPDIR:-/tmp}/s3-bastion-rgw}
case "$cmd" in
user) D=${5:-$default_dir} ;;
*) D=${2:-$default_dir} ;;
esac
PORT=${RGW_PORT:-14580}
MON_PORT=$((PORT + 2209))
C=(-c "$D/ceph.conf")
U=(--setuser root --setgroup root)

stop() {
  # gateway first, then the osd, then the monitor: a gateway whose monitor is gone hangs on shutdown
  local f pid
  for f in rgw.fgpid osd0.fgpid osd.0.pid mon.a.pid; do
    [ -f "$D/run/$f" ] || continue
    pid=$(cat "$D/run/$f")
    rm -f "$D/run/$f"
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

print_env() {
  cat <<ENV
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$PORT
export AWS_ACCESS_KEY_ID=OWNERAK
export AWS_SECRET_ACCESS_KEY=OWNERSK
export AWS_REGION=us-east-1
ENV
}

healthy() { curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1; }

case "$cmd" in
stop)
  stop
  exit 0
  ;;
env)
  print_env
  exit 0
  ;;
user)
  name=$2 ak=$3 sk=$4
  radosgw-admin "${C[@]}" user info --uid="$name" >/dev/null 2>&1 ||
    radosgw-admin "${C[@]}" user create --uid="$name" --display-name="$name" \
      --access-key="$ak" --secret-key="$sk" >/dev/null
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start|stop|env|user NAME AK SK [DIR]" >&2
  exit 2
  ;;
esac

if [ -f "$D/run/rgw.fgpid" ] && healthy; then
  print_env
  exit 0
fi

if ! command -v radosgw >/dev/null || ! command -v ceph-osd >/dev/null ||
  ! command -v ceph-mon >/dev/null || ! command -v uuidgen >/dev/null ||
  ! command -v curl >/dev/null; then
  echo "test-s3-server: installing radosgw ceph-mon ceph-osd uuid-runtime curl (apt-get)" >&2
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  ("${SUDO[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
      radosgw ceph-mon ceph-osd uuid-runtime curl ca-certificates) >&2
fi

[ -d "$D/run" ] && stop
rm -rf "$D"
mkdir -p "$D"/{mon,osd0,rgw,run,log}
FSID=$(uuidgen)
cat >"$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = 127.0.0.1:$MON_PORT
mon initial members = a
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
osd objectstore = memstore
memstore device bytes = ${RGW_MEMSTORE_BYTES:-2147483648}
osd crush chooseleaf type = 0
ms bind ipv6 = false
public network = 127.0.0.0/8
public addr = 127.0.0.1
cluster addr = 127.0.0.1
run dir = $D/run
log file = $D/log/\$name.log
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
keyring = $D/keyring
[mon.a]
mon data = $D/mon
public addr = 127.0.0.1:$MON_PORT
[osd.0]
osd data = $D/osd0
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $D/rgw
keyring = $D/rgw/keyring
CONF
{
  ceph-authtool --create-keyring "$D/mon.keyring" --gen-key -n mon. --cap mon 'allow *'
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' \
    --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *'
  ceph-authtool "$D/mon.keyring" --import-keyring "$D/keyring"
  monmaptool --create --add a "127.0.0.1:$MON_PORT" --fsid "$FSID" "$D/monmap"
  ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$D/mon.keyring" "${U[@]}"
  ceph-mon "${C[@]}" -i a "${U[@]}"
  OSD_UUID=$(uuidgen)
  ceph "${C[@]}" osd new "$OSD_UUID"
  ceph-osd "${C[@]}" -i 0 --mkfs --mkkey --osd-uuid "$OSD_UUID" --no-mon-config "${U[@]}"
  awk '/^\[osd.0\]/{f=1;print;next} /^\[/{f=0} f' "$D/keyring" >"$D/osd0.keyring"
  ceph "${C[@]}" auth add osd.0 osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' \
    -i "$D/osd0.keyring"
} >"$D/log/bootstrap.out" 2>&1
nohup ceph-osd "${C[@]}" -i 0 -f "${U[@]}" >"$D/log/osd0.out" 2>&1 &
echo $! >"$D/run/osd0.fgpid"
ceph "${C[@]}" auth get-or-create client.rgw.a mon 'allow rw' osd 'allow rwx' \
  -o "$D/rgw/keyring" >>"$D/log/bootstrap.out" 2>&1
nohup radosgw "${C[@]}" -n client.rgw.a -f "${U[@]}" >"$D/log/rgw.out" 2>&1 &
echo $! >"$D/run/rgw.fgpid"
for _ in $(seq 90); do
  healthy && break
  sleep 1
done
healthy || {
  echo "test-s3-server: radosgw did not answer on 127.0.0.1:$PORT; see $D/log" >&2
  exit 1
}
radosgw-admin "${C[@]}" user create --uid=owner --display-name=owner \
  --access-key=OWNERAK --secret-key=OWNERSK >/dev/null
print_env
