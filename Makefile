# cvlessons: the course's entry points. Each target calls a script in scripts/, so it works from
# any directory (make -C /path/to/cvlessons lab) and the logic stays readable.
#
#   make lab     install what is missing, then open the course in JupyterLab (the classic Notebook
#                when PyPI is out of reach; it says which) and print the URL
#   make test    go vet, go test, every notebook executed headless, its HTML page checked in a
#                headless browser, and make lab's server started and asked for GoNB (what CI runs)
#   make html    execute the notebooks, render them as static HTML in notebooks/html/ and check
#                each page in a headless chromium (every figure shown, no error)
#   make hub     serve the course to a class with JupyterHub: each student on the list (scripts/hub.sh
#                add NAME) gets their own JupyterLab and copy of the notebooks; see docker/README.md
#   make image   build the classroom container image with buildah and check it (docker/check-image.sh)
#   make doctor  check the set-up without changing anything
#   make setup   install what is missing (Jupyter, a C compiler, Go, GoNB) without opening anything
#   make fuzz    run every fuzz target in the repository for $FUZZTIME each (default 60s;
#                FUZZTIME=10s make fuzz), found by grep so a new one is included
#   make measurements  record every lesson's class and full runs and regenerate the README's table

SHELL := /bin/bash
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

.PHONY: lab hub test html image doctor setup clean measurements fuzz

lab:
	@"$(ROOT)/scripts/lab.sh"

hub:
	@"$(ROOT)/scripts/hub.sh"

test:
	@"$(ROOT)/scripts/test.sh"

html:
	@"$(ROOT)/scripts/html.sh"

image:
	@"$(ROOT)/scripts/build-image.sh"

measurements:
	@"$(ROOT)/scripts/measurements.sh"

setup:
	@"$(ROOT)/scripts/setup.sh"

fuzz:
	@"$(ROOT)/scripts/fuzz.sh"

doctor:
	@. "$(ROOT)/scripts/lib.sh" && cd "$(ROOT)" && go run ./cmd/cvlessons doctor

clean:
	rm -rf "$(ROOT)/notebooks/.executed" "$(ROOT)/notebooks/html" "$(ROOT)/out"
