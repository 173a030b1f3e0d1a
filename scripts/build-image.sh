#!/usr/bin/env bash
# build-image.sh builds the classroom image (docker/Dockerfile) with buildah, without a Docker
# engine, and checks it: one notebook executed inside the image as the non-root user, the backend
# "cvlessons backend" reports (xla with BUILD_ARGS="--build-arg XLA=1", else go), and the
# server refusing requests without its token. Needs root (buildah's vfs storage, debootstrap).
#
# The Debian base is made locally with debootstrap (no registry needed) and kept as
# localhost/cvlessons-base:bookworm; delete it with "buildah rmi" to rebuild. Build arguments
# for docker/Dockerfile can be passed through: BUILD_ARGS="--build-arg JUPYTERLAB=1".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
[[ "$(id -u)" == 0 ]] || die "build-image.sh needs root (buildah with vfs storage, debootstrap); run: sudo make image"
for tool in buildah debootstrap; do
	command -v "$tool" >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap >/dev/null
done
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
BASE=localhost/cvlessons-base:bookworm
IMAGE="${IMAGE:-localhost/cvlessons:latest}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
t0=$SECONDS

if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
	say "making the Debian 12 base with debootstrap ($MIRROR)"
	dir="$(mktemp -d)"
	trap 'rm -rf "$dir"' EXIT
	debootstrap --variant=minbase bookworm "$dir/rootfs" "$MIRROR" >/dev/null
	cat >"$dir/rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
	rm -rf "$dir/rootfs/var/cache/apt/archives/"*.deb "$dir/rootfs/var/lib/apt/lists/"*
	ctr="$(buildah from scratch)"
	mnt="$(buildah mount "$ctr")"
	cp -a "$dir/rootfs/." "$mnt/"
	buildah umount "$ctr" >/dev/null
	buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
	buildah commit --rm "$ctr" "$BASE" >/dev/null
	rm -rf "$dir"
	trap - EXIT
	say "base ready in $((SECONDS - t0))s"
fi

t1=$SECONDS
say "building $IMAGE from docker/Dockerfile (buildah, vfs storage, chroot isolation)"
# shellcheck disable=SC2086 # BUILD_ARGS is a list of words on purpose.
# This machine's CA bundle is mounted for the build only, for networks that intercept TLS.
ca=/etc/ssl/certs/ca-certificates.crt
ca_args=()
[[ -r "$ca" ]] && ca_args=(--volume "$ca:/run/cvlessons-host-ca.crt:ro" --build-arg HOST_CA=/run/cvlessons-host-ca.crt)
buildah bud --pull-never --layers=false --build-arg BASE="$BASE" "${ca_args[@]}" ${BUILD_ARGS:-} \
	-f docker/Dockerfile -t "$IMAGE" .
say "image built in $((SECONDS - t1))s"

t2=$SECONDS
say "checking the image: user, token, and 00-welcome.ipynb executed inside it (preset quick)"
ctr="$(buildah from --pull-never "$IMAGE")"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
run() { buildah run --user student --env CVLESSONS_PRESET=quick "$ctr" -- "$@"; }
[[ "$(run id -un)" == student ]] || die "the image does not run as the user \"student\""
run bash -c 'cd ~/cvlessons && go run ./cmd/cvlessons doctor'
# XLA=1 puts XLA's CPU plugin where go-xla finds it, so XLA is the image's default; otherwise the
# pure-Go backend is. (doctor above has already started the chosen backend.)
want=go
[[ ! " ${BUILD_ARGS:-} " =~ [[:space:]=]XLA=1[[:space:]] ]] || want=xla
got="$(run bash -c 'cd ~/cvlessons && go run ./cmd/cvlessons backend' | sed -n 's/^backend: //p')"
[[ "${got%%:*}" == "$want" ]] || die "cvlessons backend in the image reports \"$got\", want $want (BUILD_ARGS: ${BUILD_ARGS:-none})"
say "backend in the image: $got"
run bash -c 'cd ~/cvlessons && scripts/run-notebooks.sh notebooks/00-welcome.ipynb'
port=18888
run bash -c "
	sed -e 's/--port=8888/--port=$port/' -e 's/--ip=0.0.0.0/--ip=127.0.0.1/' docker/start.sh > /tmp/start.sh && chmod +x /tmp/start.sh
	JUPYTER_TOKEN=check-token timeout 40 /tmp/start.sh >/tmp/server.log 2>&1 &
	server=\$!
	for _ in \$(seq 30); do curl -s -o /dev/null http://127.0.0.1:$port/ && break; sleep 1; done
	no=\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/api/contents)
	yes=\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: token check-token' http://127.0.0.1:$port/api/contents)
	echo \"server: without token \$no, with token \$yes\"
	kill \$server 2>/dev/null || true
	[[ \$no == 403 && \$yes == 200 ]]" || die "the server did not require its token (see above)"
say "image checks passed in $((SECONDS - t2))s; total $((SECONDS - t0))s"
say "image: $IMAGE ($(buildah images --format '{{.Size}}' "$IMAGE" 2>/dev/null || echo 'size unknown')); export it with: buildah push $IMAGE docker-archive:cvlessons.tar"
