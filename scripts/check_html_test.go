package scripts

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// jupyter is the nbconvert that render-html.sh uses.
const jupyter = "/usr/bin/jupyter"

// tinyPNG returns a valid 8x6 PNG, base64-encoded as notebooks store it.
func tinyPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// testNotebook returns an executed notebook as run-notebooks.py writes one: a markdown cell, a code
// cell that prints and shows a PNG output (cell 1), and a code cell whose HTML output holds an <img>
// (cell 2). It declares two figures, and its metadata wants at least minImages.
func testNotebook(pngData string, minImages int) map[string]any {
	return map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec": map[string]any{"name": "gonb", "display_name": "Go (gonb)", "language": "go"},
			"cvlessons":  map[string]any{"expect": []string{"hello"}, "min_images": minImages},
		},
		"cells": []any{
			map[string]any{"cell_type": "markdown", "id": "m0", "metadata": map[string]any{}, "source": "# A page to doctor"},
			map[string]any{"cell_type": "code", "id": "c1", "metadata": map[string]any{}, "execution_count": 1,
				"source": "fmt.Println(\"hello\")", "outputs": []any{
					map[string]any{"output_type": "stream", "name": "stdout", "text": "hello\n"},
					map[string]any{"output_type": "display_data", "metadata": map[string]any{},
						"data": map[string]any{"image/png": pngData, "text/plain": "<image>"}},
				}},
			map[string]any{"cell_type": "code", "id": "c2", "metadata": map[string]any{}, "execution_count": 2,
				"source": "gonbui.DisplayHTML(...)", "outputs": []any{
					map[string]any{"output_type": "display_data", "metadata": map[string]any{},
						"data": map[string]any{"text/html": `<div><img alt="second" src="data:image/png;base64,` + pngData + `"></div>`}},
				}},
		},
	}
}

// addOutput appends an output to cell i of nb.
func addOutput(nb map[string]any, i int, out map[string]any) {
	cell := nb["cells"].([]any)[i].(map[string]any)
	cell["outputs"] = append(cell["outputs"].([]any), out)
}

// TestCheckHTML renders small notebooks with nbconvert as render-html.sh does, doctors some of the
// pages (an image removed, broken or hidden, a remote stylesheet) and some of the notebooks (an
// error output, a panic, too few figures for min_images), and runs check-html.sh on them all: the
// untouched page passes and each doctored one fails, saying why. Skipped without chromium,
// playwright-core (scripts/install-browser.sh installs both) or nbconvert.
func TestCheckHTML(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if _, err := os.Stat(jupyter); err != nil {
		t.Skipf("no %s to render the pages (scripts/setup.sh installs it)", jupyter)
	}
	missing, err := exec.Command("bash", "-c", "source ./lib.sh && browser_missing").Output()
	if err != nil {
		t.Fatalf("lib.sh's browser_missing: %v", err)
	}
	if m := strings.TrimSpace(string(missing)); m != "" {
		t.Skipf("the browser check lacks %s (scripts/install-browser.sh installs it)", strings.ReplaceAll(m, "\n", ", "))
	}

	pngData := tinyPNG(t)
	notebooks := map[string]map[string]any{}
	for _, name := range []string{"good", "missing-image", "broken-image", "hidden-image", "remote"} {
		notebooks[name] = testNotebook(pngData, 2)
	}
	notebooks["error-cell"] = testNotebook(pngData, 2)
	addOutput(notebooks["error-cell"], 2, map[string]any{"output_type": "error", "ename": "ERROR",
		"evalue": "failed to compile", "traceback": []string{"main.go:3: undefined: x"}})
	notebooks["panic"] = testNotebook(pngData, 2)
	addOutput(notebooks["panic"], 1, map[string]any{"output_type": "stream", "name": "stderr",
		"text": "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n"})
	notebooks["too-few"] = testNotebook(pngData, 3)

	dir := t.TempDir()
	executed := filepath.Join(dir, "executed")
	pages := filepath.Join(dir, "html")
	if err := os.Mkdir(executed, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for name, nb := range notebooks {
		b, err := json.MarshalIndent(nb, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(executed, name+".ipynb")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	render := exec.Command(jupyter, append([]string{"nbconvert", "--to", "html", "--template", "classic",
		"--output-dir", pages, "--HTMLExporter.mathjax_url=", "--HTMLExporter.require_js_url=",
		"--HTMLExporter.jquery_url="}, paths...)...)
	if out, err := render.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}

	// Doctor the pages of notebooks that are fine.
	firstImg := regexp.MustCompile(`<img [^>]*>`)
	doctor := func(name string, edit func(string) string) {
		p := filepath.Join(pages, name+".html")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		after := edit(string(b))
		if after == string(b) {
			t.Fatalf("doctoring %s changed nothing: nbconvert's page is not what the test expects", name)
		}
		if err := os.WriteFile(p, []byte(after), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doctor("missing-image", func(s string) string {
		loc := firstImg.FindStringIndex(s)
		if loc == nil {
			return s
		}
		return s[:loc[0]] + s[loc[1]:]
	})
	doctor("broken-image", func(s string) string { return strings.Replace(s, pngData, "AAAAAAAA", 1) })
	doctor("hidden-image", func(s string) string { return strings.Replace(s, "<img ", `<img style="display:none" `, 1) })
	doctor("remote", func(s string) string {
		return strings.Replace(s, "</head>", `<link rel="stylesheet" href="https://cdn.example.com/theme.css"></head>`, 1)
	})

	var args []string
	for name := range notebooks {
		args = append(args, filepath.Join(pages, name+".html"))
	}
	cmd := exec.Command("bash", append([]string{"./check-html.sh", "--executed", executed}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("check-html.sh on doctored pages: exit %v, want exit status 1\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("check-html.sh:\n%s", stdout.String())
	report := parseReport(stdout.String())

	want := map[string][]string{ // page: what its report must say (empty: the page passes)
		"good":          nil,
		"missing-image": {"the page has 1 image(s), the notebook's outputs have 2"},
		"broken-image":  {"cell 1: an image does not load"},
		"hidden-image":  {"cell 1: an image is loaded but not shown"},
		"remote":        {"the page asks for https://cdn.example.com/theme.css"},
		"error-cell":    {"cell 2 raised ERROR: failed to compile", "cell 2 shows an error"},
		"panic":         {"cell 1 printed panic: runtime error: index out of range", "cell 1 shows panic: runtime error"},
		"too-few":       {"the notebook shows 2 figure(s), its metadata.cvlessons.min_images wants at least 3"},
	}
	for name, says := range want {
		got, ok := report[name+".html"]
		if !ok {
			t.Errorf("check-html.sh says nothing of %s.html; stdout:\n%s", name, stdout.String())
			continue
		}
		if says == nil {
			if !got.ok {
				t.Errorf("%s.html failed, want it to pass:\n%s", name, strings.Join(got.problems, "\n"))
			}
			continue
		}
		if got.ok {
			t.Errorf("%s.html passed, want it to fail with %q", name, says)
			continue
		}
		all := strings.Join(got.problems, "\n")
		for _, s := range says {
			if !strings.Contains(all, s) {
				t.Errorf("%s.html failed with:\n%s\nwant a line with %q", name, all, s)
			}
		}
	}
}

// pageReport is check-html's verdict on one page.
type pageReport struct {
	ok       bool
	problems []string
}

// parseReport reads check-html's output ("ok   PATH (...)" or "FAIL PATH (...)" then indented
// problems) into reports by the page's file name.
func parseReport(out string) map[string]pageReport {
	reports := map[string]pageReport{}
	var cur string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "ok   "), strings.HasPrefix(line, "FAIL "):
			path, _, _ := strings.Cut(line[5:], " (")
			cur = filepath.Base(path)
			reports[cur] = pageReport{ok: strings.HasPrefix(line, "ok")}
		case strings.HasPrefix(line, "     ") && cur != "":
			r := reports[cur]
			r.problems = append(r.problems, strings.TrimSpace(line))
			reports[cur] = r
		}
	}
	return reports
}
