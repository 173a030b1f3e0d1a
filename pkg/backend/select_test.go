package backend

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// chooseHelperEnv makes the test binary print Choose() and exit: go-xla reads the plugin search path
// once, at start-up, so each environment is tried in a fresh process.
const chooseHelperEnv = "CVLESSONS_CHOOSE_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(chooseHelperEnv) != "" {
		c := Choose()
		fmt.Printf("%s\n%s\n", c.Config, c.Reason)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakePlugin compiles a shared library that go-xla accepts as a PJRT plugin named "cpu" (it only
// checks that GetPjrtApi exists and returns non-nil) and returns its directory.
func fakePlugin(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler to build a stand-in PJRT plugin")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "fake.c")
	if err := os.WriteFile(src, []byte("static char api[256];\nvoid *GetPjrtApi(void) { return api; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(cc, "-shared", "-fPIC", "-o", filepath.Join(dir, "pjrt_c_api_cpu_plugin.so"), src).CombinedOutput()
	if err != nil {
		t.Skipf("building a stand-in PJRT plugin: %v\n%s", err, out)
	}
	return dir
}

// TestChoose checks the backend choice for each environment: $GOMLX_BACKEND wins, an installed
// PJRT plugin selects XLA, and otherwise the pure-Go backend is chosen without any download.
func TestChoose(t *testing.T) {
	emptyDir, pluginDir := t.TempDir(), fakePlugin(t)
	cases := []struct {
		name, env, pluginPath string
		wantConfig            string
		wantReason            string
	}{
		{"nothing installed", "", emptyDir, "go", "no PJRT plugin installed"},
		{"plugin installed", "", pluginDir, "xla:cpu", `PJRT plugin "cpu" is installed`},
		{"env selects go despite plugin", "go", pluginDir, "go", `$GOMLX_BACKEND="go"`},
		{"env selects xla with config", "xla:cpu", emptyDir, "xla:cpu", `$GOMLX_BACKEND="xla:cpu"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), chooseHelperEnv+"=1", "GOMLX_BACKEND="+c.env,
				"PJRT_PLUGIN_LIBRARY_PATH="+c.pluginPath, "HOME="+emptyDir, "LD_LIBRARY_PATH=")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("helper process: %v", err)
			}
			config, reason, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
			if config != c.wantConfig || !strings.Contains(reason, c.wantReason) {
				t.Errorf("Choose() = {%q, %q}, want {%q, containing %q}", config, reason, c.wantConfig, c.wantReason)
			}
		})
	}
}

// TestNewLogsChoice checks that New creates the pure-Go backend and says so in one line.
func TestNewLogsChoice(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	var log bytes.Buffer
	b, err := NewLogged(&log)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if b.Name() != Name {
		t.Errorf("backend %q, want %q", b.Name(), Name)
	}
	if lines := strings.Count(log.String(), "\n"); lines != 1 || !strings.Contains(log.String(), "backend go") {
		t.Errorf("log = %q, want one line naming backend go", log.String())
	}
}

// TestXLAWithoutPlugin: asking for an XLA plugin that is not installed is an error that says how to
// install one and how to use the pure-Go backend instead; nothing is downloaded.
func TestXLAWithoutPlugin(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "xla:nosuchplugin")
	_, err := NewLogged(nil)
	if err == nil {
		t.Fatal("New() with GOMLX_BACKEND=xla and no plugin succeeded, want an error")
	}
	for _, want := range []string{"pjrt_installer", "GOMLX_BACKEND=go"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestNewGoOptions(t *testing.T) {
	for _, c := range []struct {
		config  string
		wantErr string
	}{
		{"workers=1", ""},
		{"workers=3,ops_sequential", ""},
		{"workers=0", "workers"},
		{"workers=x", "workers"},
		{"bogus", "bogus"},
	} {
		b, err := NewGo(c.config)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("NewGo(%q): %v", c.config, err)
			} else {
				b.Finalize()
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("NewGo(%q) error = %v, want one mentioning %q", c.config, err, c.wantErr)
		}
	}
}
