package backend

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Name is the name under which the pure-Go training backend is known to GOMLX_BACKEND.
const Name = "go"

// NewGo returns the pure-Go training backend. config is passed to simplego.
func NewGo(config string) (backends.Backend, error) {
	return simplego.New(config)
}
