#!/usr/bin/env bash
# install-go.sh installs Go $GO_VERSION (set in lib.sh) into $CVLESSONS_GO_DIR; setup.sh runs it
# when it finds no Go 1.26 or newer. Sourced (by the tests), it only defines its functions.
#
# Where Go comes from: the Go module proxy ($GOPROXY's first URL, else proxy.golang.org), as the
# module golang.org/toolchain@v0.0.1-goVERSION.linux-ARCH, which is what "GOTOOLCHAIN=goVERSION"
# downloads: the files of the release. Before anything is extracted, the zip is checked against
# the module's hash pinned below, the "h1:" hash go.sum would record (Go's dirhash.Hash1: the
# SHA-256 of the sorted lines "SHA-256  NAME" of every file in the zip). The pinned hashes are
# what "go mod download -json golang.org/toolchain@v0.0.1-go1.26.8.linux-ARCH" reported, having
# checked them against Go's checksum database (sum.golang.org, a public append-only log), so every
# machine gets the same bytes and a tampering proxy or mirror is refused. go.dev's release tarball
# is not used: its SHA-256 could not be confirmed from an authenticated source when the version was
# pinned, and the module route needs only the proxy, which the rest of the set-up uses anyway.
#
# The directory is replaced only when this script made it: it leaves a marker file ($GO_DIR_MARKER)
# in the Go tree it installs, and refuses, whatever CVLESSONS_GO_DIR says, an existing path without
# the marker, a symbolic link, /, a top-level directory, $HOME, the repository and the directories
# above them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# GO_TOOLCHAIN_H1 holds the pinned hashes by "VERSION ARCH". Change them with GO_VERSION in lib.sh:
# the new value is the "Sum" of: go mod download -json golang.org/toolchain@v0.0.1-goVERSION.linux-ARCH
declare -A GO_TOOLCHAIN_H1=(
	["1.26.8 amd64"]="h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM="
	["1.26.8 arm64"]="h1:sYL/O6MqS68ML0kjsQ36WoYIpJqkw60TxizWUYUKQMc="
)
GO_DIR_MARKER=.cvlessons-go

# toolchain_h1 ZIP prints the h1: hash of a module zip.
toolchain_h1() {
	/usr/bin/python3 - "$1" <<'PY'
import base64, hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    summary = hashlib.sha256()
    for name in sorted(z.namelist()):
        if "\n" in name:
            sys.exit("file name with a newline in the zip")
        h = hashlib.sha256()
        with z.open(name) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        summary.update(("%s  %s\n" % (h.hexdigest(), name)).encode())
print("h1:" + base64.b64encode(summary.digest()).decode())
PY
}

# extract_toolchain ZIP WANT_H1 PREFIX DIR checks ZIP against WANT_H1, then extracts the files under
# PREFIX ("golang.org/toolchain@VERSION/") into the new directory DIR, executable under bin/ and
# pkg/tool/ (module zips keep no modes; Go sets the same bits when it switches toolchains).
extract_toolchain() {
	local zip="$1" want="$2" prefix="$3" dir="$4" got
	got="$(toolchain_h1 "$zip")" || die "cannot read the Go toolchain module $zip"
	[[ "$got" == "$want" ]] ||
		die "the Go toolchain module downloaded has hash $got, want $want (pinned in scripts/install-go.sh): refusing to install it"
	/usr/bin/python3 - "$zip" "$prefix" "$dir" <<'PY' || die "cannot extract the Go toolchain module $zip"
import os, sys, zipfile
src, prefix, dest = sys.argv[1:]
os.mkdir(dest)
with zipfile.ZipFile(src) as z:
    for info in z.infolist():
        rel = info.filename[len(prefix):]
        parts = rel.split("/")
        if not info.filename.startswith(prefix) or rel == "" or any(p in ("", ".", "..") for p in parts):
            sys.exit("unexpected file %r in the toolchain module" % info.filename)
        path = os.path.join(dest, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with z.open(info) as f, open(path, "xb") as out:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                out.write(chunk)
        os.chmod(path, 0o755 if parts[0] == "bin" or parts[:2] == ["pkg", "tool"] else 0o644)
PY
}

# check_go_dir DEST prints DEST as an absolute path, or dies when install-go.sh must not replace it:
# see the top of this file.
check_go_dir() {
	local dest="$1" abs home root keep
	[[ -n "$dest" ]] || die "CVLESSONS_GO_DIR is empty: set it to a new directory for Go, or unset it"
	while [[ "$dest" == */ && "$dest" != / ]]; do dest="${dest%/}"; done
	[[ ! -L "$dest" ]] || die "CVLESSONS_GO_DIR=$1 is a symbolic link: refusing to replace it; set CVLESSONS_GO_DIR to a new directory"
	abs="$(realpath -m -- "$dest")"
	home="$(realpath -m -- "${HOME:-/}")"
	root="$(realpath -m -- "$ROOT")"
	case "$abs" in
	/ | /*/*/*) ;;
	/*/*) [[ "$abs" != /usr/* && "$abs" != /var/* ]] ||
		die "CVLESSONS_GO_DIR=$1 is a system directory: refusing to replace it; set CVLESSONS_GO_DIR to a new directory" ;;
	*) die "CVLESSONS_GO_DIR=$1 is a top-level directory: refusing to replace it; set CVLESSONS_GO_DIR to a new directory" ;;
	esac
	for keep in / "$home" "$root"; do
		if [[ "$abs" == / || "${keep%/}/" == "$abs/"* ]]; then
			die "CVLESSONS_GO_DIR=$1 is $keep or above it: refusing to replace it; set CVLESSONS_GO_DIR to a new directory"
		fi
	done
	if [[ -e "$abs" && ! -f "$abs/$GO_DIR_MARKER" ]]; then
		die "CVLESSONS_GO_DIR=$1 exists and was not made by scripts/install-go.sh (no $GO_DIR_MARKER in it): refusing to replace it; remove it yourself or set CVLESSONS_GO_DIR to a new directory"
	fi
	printf '%s\n' "$abs"
}

# replace_go_dir NEW DEST moves the Go tree NEW (on DEST's file system) to DEST, with the marker
# file, replacing DEST only when check_go_dir accepts it.
replace_go_dir() {
	local new="$1" dest old
	dest="$(check_go_dir "$2")" || exit 1
	printf 'installed by cvlessons scripts/install-go.sh (go%s); it may replace this directory\n' "$GO_VERSION" >"$new/$GO_DIR_MARKER"
	mkdir -p -- "$(dirname "$dest")"
	if [[ -e "$dest" ]]; then
		old="$dest.old-$$"
		mv -T -- "$dest" "$old"
		mv -T -- "$new" "$dest"
		rm -rf -- "$old"
	else
		mv -T -- "$new" "$dest"
	fi
}

# install_go downloads, checks and installs Go $GO_VERSION into $CVLESSONS_GO_DIR, staging it in
# GO_STAGE, a new directory beside it (removed on exit).
install_go() {
	local arch want dest parent proxy mod
	arch="$(dpkg --print-architecture 2>/dev/null || uname -m)"
	case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
	want="${GO_TOOLCHAIN_H1["$GO_VERSION $arch"]:-}"
	[[ -n "$want" ]] || die "no pinned hash for Go $GO_VERSION on linux-$arch in scripts/install-go.sh; install Go 1.26 or newer from https://go.dev/dl/ and run this again"
	dest="$(check_go_dir "$CVLESSONS_GO_DIR")" || exit 1
	[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 is needed to check the Go download (setup.sh installs it with Jupyter)"
	command -v curl >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl ca-certificates >/dev/null
	parent="$(dirname "$dest")"
	mkdir -p "$parent"
	GO_STAGE="$(mktemp -d "$parent/.cvlessons-go-install.XXXXXX")"
	trap 'rm -rf -- "$GO_STAGE"' EXIT
	proxy="${GOPROXY:-}"
	proxy="${proxy%%[,|]*}"
	[[ "$proxy" == http://* || "$proxy" == https://* ]] || proxy=https://proxy.golang.org
	mod="golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-$arch"
	say "downloading $mod from $proxy"
	curl -fsSL "${proxy%/}/golang.org/toolchain/@v/v0.0.1-go$GO_VERSION.linux-$arch.zip" -o "$GO_STAGE/go.zip" ||
		die "cannot download Go $GO_VERSION from $proxy; install Go 1.26 or newer from https://go.dev/dl/ and run this again"
	extract_toolchain "$GO_STAGE/go.zip" "$want" "$mod/" "$GO_STAGE/go"
	rm -f -- "$GO_STAGE/go.zip"
	replace_go_dir "$GO_STAGE/go" "$dest"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	install_go
fi
