// Package backend chooses the GoMLX backend the course runs on and provides a pure-Go backend that
// can train convolutional networks built from GoMLX's standard layers.
//
// # Conventions
//
// New never strands a user offline: it uses XLA only when a PJRT plugin is already installed and
// otherwise falls back to the pure-Go backend, registered with GoMLX under the name "go" (replacing
// simplego's registration, which it wraps and extends). $GOMLX_BACKEND overrides the choice exactly as
// GoMLX documents it.
//
// # References
//
//   - GoMLX v0.26.0 backends: https://pkg.go.dev/github.com/gomlx/gomlx@v0.26.0/backends
package backend

//go:generate go run ./internal/gendelegate
