package scripts

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fuzzTargets returns "./DIR FuzzName" for every fuzz target (a func FuzzXxx(*testing.F)) in the
// _test.go files under root, parsed as Go, skipping what the go command skips.
func fuzzTargets(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || len(fn.Type.Params.List) != 1 {
				continue
			}
			if star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr); ok {
				if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "F" {
					rel, _ := filepath.Rel(root, filepath.Dir(path))
					out = append(out, "./"+filepath.ToSlash(rel)+" "+fn.Name.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestFuzzScript: "make fuzz" runs scripts/fuzz.sh, which finds every fuzz target of the
// repository (compared here with the targets the Go parser finds, so a new one cannot be missed)
// and runs each for $FUZZTIME, 60s by default.
func TestFuzzScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command("bash", "fuzz.sh", "--list")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+goConfigDir(t))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fuzz.sh --list: %v", err)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	want := fuzzTargets(t, "..")
	if len(want) < 10 || !slices.Equal(got, want) {
		t.Errorf("fuzz.sh --list =\n%s\nwant the targets the Go parser finds:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	script, err := os.ReadFile("fuzz.sh")
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text, pattern string
	}{
		{"Makefile target", string(makefile), `(?m)^fuzz:\n\t@"\$\(ROOT\)/scripts/fuzz\.sh"$`},
		{"Makefile header", string(makefile), `(?m)^#   make fuzz .*FUZZTIME`},
		{"60s by default", string(script), `fuzztime="\$\{FUZZTIME:-60s\}"`},
		{"every target for FUZZTIME", string(script), `go test -run '\^\$' -fuzz "\^\$name\\\$" -fuzztime "\$fuzztime"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !regexp.MustCompile(tc.pattern).MatchString(tc.text) {
				t.Errorf("no match for %s", tc.pattern)
			}
		})
	}
}
