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
		fmt.Printf("%s\n%s\n%s\n%s\n", c.Config, c.Reason, c.PluginPath, strings.Join(c.Plugins, ","))
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

// choose runs Choose in a fresh process with the given environment (an empty value unsets the
// variable) and returns its Config, Reason, PluginPath and Plugins.
func choose(t *testing.T, env map[string]string) (config, reason, pluginPath, plugins string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "GOMLX_BACKEND" && k != "PJRT_PLUGIN_LIBRARY_PATH" && k != XLADirEnv {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, chooseHelperEnv+"=1", "LD_LIBRARY_PATH=")
	for k, v := range env {
		if v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper process: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("helper printed %q, want 4 lines", out)
	}
	return lines[0], lines[1], lines[2], lines[3]
}

// TestChoose checks the backend choice for each environment: $GOMLX_BACKEND wins, a PJRT plugin
// go-xla finds selects XLA, and otherwise the pure-Go backend is chosen without any download. The
// course's XLA CPU plugin never changes the default; it stands in for "cpu" when XLA is asked for,
// $PJRT_PLUGIN_LIBRARY_PATH is unset and go-xla finds no CPU plugin of its own.
func TestChoose(t *testing.T) {
	emptyDir, pluginDir := t.TempDir(), fakePlugin(t)
	coursePlugin := filepath.Join(pluginDir, "pjrt_c_api_cpu_plugin.so")
	if _, _, _, found := choose(t, map[string]string{"HOME": emptyDir}); found != "" {
		t.Skipf("go-xla finds PJRT plugins %q on this machine's default paths; the cases need none", found)
	}
	cases := []struct {
		name                  string
		env, pjrtPath, xlaDir string // $GOMLX_BACKEND, $PJRT_PLUGIN_LIBRARY_PATH, $CVLESSONS_XLA_DIR ("": unset)
		wantConfig            string
		wantReason            string
		wantPluginPath        string
	}{
		{"nothing installed", "", emptyDir, "", "go", "no PJRT plugin installed", ""},
		{"plugin installed", "", pluginDir, "", "xla:cpu", `PJRT plugin "cpu" is installed`, ""},
		{"env selects go despite plugin", "go", pluginDir, "", "go", `$GOMLX_BACKEND="go"`, ""},
		{"env selects xla with config", "xla:cpu", emptyDir, "", "xla:cpu", `$GOMLX_BACKEND="xla:cpu"`, ""},
		{"course plugin is not the default", "", "", pluginDir, "go", "used only when asked for (GOMLX_BACKEND=xla:cpu)", ""},
		{"course plugin stands in for cpu", "xla:cpu", "", pluginDir, "xla:cpu", "the course's XLA CPU plugin at " + coursePlugin, coursePlugin},
		{"course plugin stands in for xla", "xla", "", pluginDir, "xla", "the course's XLA CPU plugin", coursePlugin},
		{"course plugin absent", "xla:cpu", "", emptyDir, "xla:cpu", `$GOMLX_BACKEND="xla:cpu"`, ""},
		{"PJRT_PLUGIN_LIBRARY_PATH is obeyed", "xla:cpu", emptyDir, pluginDir, "xla:cpu", `$GOMLX_BACKEND="xla:cpu"`, ""},
		{"no stand-in for another plugin", "xla:cuda", "", pluginDir, "xla:cuda", `$GOMLX_BACKEND="xla:cuda"`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			config, reason, path, _ := choose(t, map[string]string{"GOMLX_BACKEND": c.env,
				"PJRT_PLUGIN_LIBRARY_PATH": c.pjrtPath, XLADirEnv: c.xlaDir, "HOME": emptyDir})
			if config != c.wantConfig || !strings.Contains(reason, c.wantReason) || path != c.wantPluginPath {
				t.Errorf("Choose() = {%q, %q, plugin path %q}, want {%q, containing %q, plugin path %q}",
					config, reason, path, c.wantConfig, c.wantReason, c.wantPluginPath)
			}
		})
	}
}

func TestXLAPathConfig(t *testing.T) {
	const so = "/x/pjrt_c_api_cpu_plugin.so"
	for _, c := range []struct{ cfg, want string }{ // by hand, from GoMLX v0.26.0's xla.NewWithOptions
		{"", so + ",shared_buffers"},
		{"cpu", so + ",shared_buffers"},
		{"cpu,tf32", so + ",tf32,shared_buffers"},
		{"cpu,noshared_buffers", so + ",noshared_buffers"},
		{"cpu,shared_buffers", so + ",shared_buffers"},
	} {
		if got := xlaPathConfig(so, c.cfg); got != c.want {
			t.Errorf("xlaPathConfig(%q, %q) = %q, want %q", so, c.cfg, got, c.want)
		}
	}
}

// TestCourseXLAPlugin reads the plugin folder: the library, its VERSION line and, when it is
// missing, why the installer's last attempt failed.
func TestCourseXLAPlugin(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(XLADirEnv, dir)
	if err := os.WriteFile(filepath.Join(dir, "not-installed.txt"), []byte("2026-01-02T03:04:05Z: pypi.org unreachable\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := CourseXLAPlugin()
	if p.Installed || p.Path != filepath.Join(dir, "pjrt_c_api_cpu_plugin.so") || !strings.Contains(p.Summary(), "pypi.org unreachable") {
		t.Errorf("without the library: %+v, summary %q; want not installed, saying why", p, p.Summary())
	}
	for name, text := range map[string]string{"pjrt_c_api_cpu_plugin.so": "ELF", "VERSION": "fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p = CourseXLAPlugin()
	if !p.Installed || p.Version != "fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)" || p.NotInstalled != "" ||
		!strings.Contains(p.Summary(), "GOMLX_BACKEND=xla:cpu") {
		t.Errorf("with the library: %+v, summary %q; want installed with its version", p, p.Summary())
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
