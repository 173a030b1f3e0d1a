// Package scripts holds the tests of the course's shell scripts (scripts/*.sh): they run a
// script, or source it and call its functions, on files and directories made in the test.
//
// # Conventions
//
// The tests need bash; those of install-go.sh also need /usr/bin/python3, which checks the Go
// download, and are skipped without it. The test of check-html.sh also needs nbconvert
// (/usr/bin/jupyter), chromium and playwright-core (scripts/install-browser.sh), and is skipped,
// saying which is missing, without them. No test touches the network or a path outside its
// t.TempDir(): the hostile paths a test hands to install-go.sh are refused before anything is
// moved or removed.
//
// # References
//
//   - Go's dirhash.Hash1 (golang.org/x/mod/sumdb/dirhash): the "h1:" hash of go.sum and of Go's
//     checksum database, which install-go.sh pins for the toolchain module.
package scripts
