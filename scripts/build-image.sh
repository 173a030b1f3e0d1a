#!/usr/bin/env bash
# build-image.sh builds the classroom image (docker/Dockerfile) with buildah, without a Docker
# engine, then checks inside it what the image and each build argument promise
# (docker/check-image.sh, one "pass:" or "FAIL:" line a check): it runs as the non-root user,
# "cvlessons doctor" passes, notebook 00 executes, the server refuses requests without its token;
# with JUPYTERLAB=1 that server is the pinned JupyterLab and lists the GoNB kernel; with HUB=1 the
# pinned JupyterHub starts, lets a student log in and starts their jupyterhub-singleuser server;
# with XLA=1 "cvlessons backend" finds the XLA CPU plugin and chooses XLA. Needs root (buildah's
# vfs storage, debootstrap).
#
# Build arguments: JUPYTERLAB=1, HUB=1, XLA=1 and DATA=1 in the environment
# ("sudo JUPYTERLAB=1 HUB=1 make image"), or any argument of docker/Dockerfile in BUILD_ARGS
# (BUILD_ARGS="--build-arg JUPYTERLAB=1"). IMAGE names the image (default localhost/cvlessons:latest);
# CHECK_ONLY=1 checks an image already built, with the same arguments, without building it.
#
# The Debian base is made locally with debootstrap (no registry needed) and kept as
# localhost/cvlessons-base:bookworm; delete it with "buildah rmi" to rebuild.
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

# arg_on says whether build argument $1 is on: NAME=1 in BUILD_ARGS, or in the environment.
arg_on() { [[ " ${BUILD_ARGS:-} " =~ [[:space:]=]$1=1[[:space:]] || "${!1:-0}" == 1 ]]; }
for a in JUPYTERLAB HUB XLA DATA; do
	[[ "${!a:-0}" != 1 || " ${BUILD_ARGS:-} " =~ [[:space:]=]$a=1[[:space:]] ]] || BUILD_ARGS="${BUILD_ARGS:-} --build-arg $a=1"
done
want=()
for a in JUPYTERLAB HUB XLA; do
	if arg_on "$a"; then want+=("$a=1"); else want+=("$a=0"); fi
done

# make_base makes the Debian 12 base with debootstrap, once.
make_base() {
	buildah inspect --type image "$BASE" >/dev/null 2>&1 && return 0
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
}

# build builds $IMAGE from docker/Dockerfile on the base.
build() {
	t1=$SECONDS
	say "building $IMAGE from docker/Dockerfile (buildah, vfs storage, chroot isolation)"
	# This machine's CA bundle is mounted for the build only, for networks that intercept TLS.
	local ca=/etc/ssl/certs/ca-certificates.crt ca_args=() extra=()
	[[ -r "$ca" ]] && ca_args=(--volume "$ca:/run/cvlessons-host-ca.crt:ro" --build-arg HOST_CA=/run/cvlessons-host-ca.crt)
	read -ra extra <<<"${BUILD_ARGS:-}" # a list of words on purpose
	say "build arguments: ${extra[*]:-none}"
	buildah bud --pull-never --layers=false --build-arg BASE="$BASE" "${ca_args[@]}" "${extra[@]}" \
		-f docker/Dockerfile -t "$IMAGE" .
	say "image built in $((SECONDS - t1))s"
}

if [[ "${CHECK_ONLY:-0}" == 1 ]]; then
	buildah inspect --type image "$IMAGE" >/dev/null 2>&1 || die "CHECK_ONLY=1: no image $IMAGE to check"
	say "CHECK_ONLY=1: checking $IMAGE as built, not building it"
else
	make_base
	build
fi

t2=$SECONDS
say "checking the image (${want[*]}): docker/check-image.sh inside it, as the user student"
ctr="$(buildah from --pull-never "$IMAGE")"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
# This checkout's check script, so that the checks are the ones of the tree that was built.
buildah copy --chmod 0755 "$ctr" docker/check-image.sh /usr/local/bin/cvlessons-check-image >/dev/null
buildah run --user student "$ctr" -- /usr/local/bin/cvlessons-check-image "${want[@]}" ||
	die "the image failed the checks above (FAIL lines); $((SECONDS - t0))s in all"
say "image checks passed in $((SECONDS - t2))s; total $((SECONDS - t0))s"
say "image: $IMAGE ($(buildah images --format '{{.Size}}' "$IMAGE" 2>/dev/null || echo 'size unknown')); export it with: buildah push $IMAGE docker-archive:cvlessons.tar"
