package datasets

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func sha(b []byte) string    { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// testServer serves fixed bodies on 127.0.0.1; "/truncated" announces more bytes than it sends,
// "/status/N" answers status N.
func testServer(t *testing.T, bodies map[string][]byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/truncated":
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte("only a few bytes"))
		case r.URL.Path == "/chunked": // no Content-Length: the size is only known at the end
			w.Write([]byte("0123456789"))
			w.(http.Flusher).Flush()
			w.Write([]byte("0123456789"))
		case strings.HasPrefix(r.URL.Path, "/status/"):
			code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
			w.WriteHeader(code)
		default:
			b, ok := bodies[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Write(b)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// zipOf builds a zip with the given files (name -> content).
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetch(t *testing.T) {
	good := []byte("the real file\n")
	gz := gzipped([]byte("idx content"))
	treeFiles := map[string]string{"set/train/a/1.jpg": "one", "set/train/b/2.png": "two", "set/README": "x"}
	treeDir := t.TempDir()
	for name, c := range treeFiles {
		p := filepath.Join(treeDir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(c), 0o644)
	}
	treeSum, _, err := TreeDigest(filepath.Join(treeDir, "set"))
	if err != nil {
		t.Fatal(err)
	}
	srv := testServer(t, map[string][]byte{
		"/good":    good,
		"/bad":     []byte("the fake file\n"),
		"/long":    append(good, '!'),
		"/gz":      gz,
		"/set.zip": zipOf(t, treeFiles),
		"/evil.zip": zipOf(t, map[string]string{"set/train/a/1.jpg": "one",
			"set/train/b/2.png": "TWO"}),
	})
	u := func(p string) string { return srv.URL + p }
	tests := []struct {
		name     string
		file     File
		wantErr  string // "" for success
		wantFile string // file or directory that must exist afterwards ("" = none)
	}{
		{"sha256 ok", File{Name: "f", URL: u("/good"), SHA256: sha(good), Size: int64(len(good))}, "", "f"},
		{"sha256 mismatch", File{Name: "f", URL: u("/bad"), SHA256: sha(good)}, "has SHA-256", ""},
		{"size mismatch", File{Name: "f", URL: u("/long"), SHA256: sha(good), Size: int64(len(good))}, "bytes announced", ""},
		{"unannounced oversize", File{Name: "f", URL: u("/chunked"), SHA256: sha(good), Size: 10}, "more than 10 bytes", ""},
		{"truncated body", File{Name: "f", URL: u("/truncated"), SHA256: sha(good)}, "unexpected EOF", ""},
		{"http 404", File{Name: "f", URL: u("/status/404"), SHA256: sha(good)}, "404 Not Found", ""},
		{"http 500", File{Name: "f", URL: u("/status/500"), SHA256: sha(good)}, "500 Internal Server Error", ""},
		{"mirror after failure", File{Name: "f", URL: u("/status/503"), Mirrors: []string{u("/good")}, SHA256: sha(good)}, "", "f"},
		{"prefix ok", File{Name: "w.pth", URL: u("/good"), SHA256Prefix: sha(good)[:8]}, "", "w.pth"},
		{"prefix mismatch", File{Name: "w.pth", URL: u("/bad"), SHA256Prefix: sha(good)[:8]}, "want one starting " + sha(good)[:8], ""},
		{"content sha and md5 ok", File{Name: "x.gz", URL: u("/gz"), ContentSHA256: sha([]byte("idx content")), MD5: md5hex(gz)}, "", "x.gz"},
		{"md5 mismatch", File{Name: "x.gz", URL: u("/gz"), ContentSHA256: sha([]byte("idx content")), MD5: md5hex(good)}, "want the published", ""},
		{"content mismatch", File{Name: "x.gz", URL: u("/gz"), ContentSHA256: sha(good)}, "gunzipped content", ""},
		{"no hash refused", File{Name: "f", URL: u("/good")}, "refusing to download", ""},
		{"archive tree ok", File{Name: "set.zip", URL: u("/set.zip"), Unpack: "set", TreeSHA256: treeSum, TreeFiles: 2}, "", "set/train/b/2.png"},
		{"archive tree mismatch", File{Name: "set.zip", URL: u("/evil.zip"), Unpack: "set", TreeSHA256: treeSum}, "tree digest", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(DataDirEnv, t.TempDir())
			e := &Entry{Name: "e", Files: []File{tc.file}}
			var progress bytes.Buffer
			err := e.Fetch(context.Background(), FetchOptions{Progress: &progress})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Fetch error = %v, want one containing %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			dir, _ := e.Dir()
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, de := range entries {
				names = append(names, de.Name())
			}
			if tc.wantFile == "" {
				if len(names) != 0 {
					t.Errorf("after a failed fetch the directory holds %v, want nothing", names)
				}
				return
			}
			if _, err := os.Stat(filepath.Join(dir, tc.wantFile)); err != nil {
				t.Errorf("want %s after fetch: %v (directory holds %v)", tc.wantFile, err, names)
			}
			if len(names) != 1 {
				t.Errorf("directory holds %v, want only the target (no temporary files, no archive)", names)
			}
			if !strings.Contains(progress.String(), "downloaded and verified") {
				t.Errorf("progress %q lacks the success line", progress.String())
			}
			// A second fetch finds the verified file and downloads nothing.
			progress.Reset()
			if err := e.Fetch(context.Background(), FetchOptions{Progress: &progress}); err != nil || !strings.Contains(progress.String(), "already present and verified") {
				t.Errorf("second fetch: %v, progress %q", err, progress.String())
			}
			if checks, err := e.Verify(); err != nil || checks[0].Err != nil {
				t.Errorf("Verify after fetch: %v %+v", err, checks)
			}
		})
	}
}

// TestFetchKeepsExistingOnFailure: a bad download must leave what was there untouched.
func TestFetchKeepsExistingOnFailure(t *testing.T) {
	good := []byte("good")
	srv := testServer(t, map[string][]byte{"/bad": []byte("evil")})
	t.Setenv(DataDirEnv, t.TempDir())
	e := &Entry{Name: "e", Files: []File{{Name: "f", URL: srv.URL + "/bad", SHA256: sha(good)}}}
	dir, _ := e.Dir()
	os.MkdirAll(dir, 0o755)
	old := []byte("goo") // a damaged copy: fetch retries, fails, and must not replace it
	os.WriteFile(filepath.Join(dir, "f"), old, 0o644)
	os.WriteFile(filepath.Join(dir, ".f.123.part"), []byte("stale partial"), 0o644)
	for _, stale := range []string{".unpack-123", ".wheel-456"} { // left by killed fetches
		os.MkdirAll(filepath.Join(dir, stale, "sub"), 0o755)
	}
	if err := e.Fetch(context.Background(), FetchOptions{}); err == nil {
		t.Fatal("Fetch of a bad body succeeded")
	}
	for _, stale := range []string{".unpack-123", ".wheel-456"} {
		if _, err := os.Stat(filepath.Join(dir, stale)); !os.IsNotExist(err) {
			t.Errorf("stale temporary directory %s kept (err %v)", stale, err)
		}
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f"))
	if !bytes.Equal(got, old) {
		t.Errorf("existing file now %q, want it untouched %q", got, old)
	}
	if _, err := os.Stat(filepath.Join(dir, ".f.123.part")); !os.IsNotExist(err) {
		t.Errorf("stale partial download kept (err %v); fetch must start over, not resume", err)
	}
}

func TestFetchProgressAndLocal(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1000)
	srv := testServer(t, map[string][]byte{"/f": body})
	t.Setenv(DataDirEnv, t.TempDir())
	local := t.TempDir()
	e := &Entry{Name: "e", Files: []File{{Name: "f", URL: srv.URL + "/f", SHA256: sha(body), Size: 1000}},
		Local: func() []string { return []string{local} }}
	var progress bytes.Buffer
	if err := e.Fetch(context.Background(), FetchOptions{Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	if want := "f: 1.0 kB of 1.0 kB (100%)"; !strings.Contains(progress.String(), want) {
		t.Errorf("progress %q lacks %q", progress.String(), want)
	}
	// Once a local source holds the file, fetch downloads nothing unless forced.
	os.WriteFile(filepath.Join(local, "f"), body, 0o644)
	progress.Reset()
	if err := e.Fetch(context.Background(), FetchOptions{Progress: &progress}); err != nil || !strings.Contains(progress.String(), "already available in "+local) {
		t.Errorf("fetch with a local copy: %v, progress %q", err, progress.String())
	}
	if dir, _ := e.Locate(); dir != local {
		t.Errorf("Locate = %s, want the local source %s first", dir, local)
	}
}

func TestFetchMaxBytes(t *testing.T) {
	srv := testServer(t, nil)
	t.Setenv(DataDirEnv, t.TempDir())
	e := &Entry{Name: "e", Files: []File{{Name: "w.pth", URL: srv.URL + "/chunked", SHA256Prefix: "abcd"}}}
	err := e.Fetch(context.Background(), FetchOptions{MaxBytes: 15})
	if err == nil || !strings.Contains(err.Error(), "more than 15 bytes") {
		t.Errorf("Fetch error = %v, want the MaxBytes limit", err)
	}
}

func TestHumanBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1000, "1.0 kB"}, {9912422, "9.9 MB"}, {553433881, "553.4 MB"}} {
		if got := humanBytes(tc.n); got != tc.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestFetchHymenopteraArchive zips the local ants/bees copy (in a temporary directory, stored
// uncompressed, with a __MACOSX folder and a .DS_Store as the tutorial's zip may have), serves it
// on 127.0.0.1 and fetches it through the real catalogue entry: the tree digest recorded in the
// catalogue must accept it.
func TestFetchHymenopteraArchive(t *testing.T) {
	shared := sharedHymenoptera()
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("ants/bees copy not at %s", shared)
	}
	if testing.Short() {
		t.Skip("zips 46 MB; skipped with -short")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(shared, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(shared), p)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Store})
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"__MACOSX/hymenoptera_data/._x", "hymenoptera_data/.DS_Store"} {
		w, _ := zw.Create(junk)
		w.Write([]byte("junk"))
	}
	zw.Close()
	srv := testServer(t, map[string][]byte{"/hymenoptera_data.zip": buf.Bytes()})
	t.Setenv(DataDirEnv, t.TempDir())
	e := hymenopteraEntry()
	e.Local = nil
	e.Files[0].URL = srv.URL + "/hymenoptera_data.zip"
	if err := e.Fetch(context.Background(), FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	dir, err := e.Path("hymenoptera_data")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "train", "ants", "ant photos.jpg")); err != nil {
		t.Error(err)
	}
}

// signalWriter records what is written to it and closes ch the first time the text holds want.
type signalWriter struct {
	want string
	ch   chan struct{}
	buf  bytes.Buffer
}

func (w *signalWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	if w.ch != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.ch)
		w.ch = nil
	}
	return len(b), nil
}

// TestFetchConcurrent runs two fetches of the same entry at once (issue 17: the second deleted
// the first's temporary file, and the first failed after a full download with "rename ... no such
// file or directory"). The server holds the first download half-way until the second has started:
// the second must wait for the first, then download nothing, or give up when its context ends,
// and either way the first must finish with the good file.
func TestFetchConcurrent(t *testing.T) {
	body := bytes.Repeat([]byte("cvlessons "), 100_000)
	tests := []struct {
		name         string
		cancelSecond bool
	}{
		{"second waits, then finds the file", false},
		{"second gives up while waiting", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int32
			started, release := make(chan struct{}), make(chan struct{})
			var releaseOnce sync.Once
			releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) == 1 {
					close(started)
				}
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				w.Write(body[:len(body)/2])
				w.(http.Flusher).Flush()
				<-release
				w.Write(body[len(body)/2:])
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(releaseAll) // runs first: no handler stays blocked
			t.Setenv(DataDirEnv, t.TempDir())
			e := &Entry{Name: "e", Files: []File{{Name: "f", URL: srv.URL + "/f", SHA256: sha(body), Size: int64(len(body))}}}

			first := make(chan error, 1)
			go func() { first <- e.Fetch(context.Background(), FetchOptions{}) }()
			select {
			case <-started:
			case err := <-first:
				t.Fatalf("first fetch ended before downloading: %v", err)
			case <-time.After(10 * time.Second):
				t.Fatal("first fetch never reached the server")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			progress := &signalWriter{want: "another fetch of e is in progress", ch: make(chan struct{})}
			waiting := progress.ch
			second := make(chan error, 1)
			go func() { second <- e.Fetch(ctx, FetchOptions{Progress: progress}) }()
			select {
			case <-waiting:
			case err := <-second:
				t.Fatalf("second fetch did not wait for the first: err %v, progress %q", err, progress.buf.String())
			case <-time.After(10 * time.Second):
				t.Fatalf("second fetch neither waited nor ended (%d requests)", requests.Load())
			}
			if tc.cancelSecond {
				cancel()
				if err := <-second; err == nil || !strings.Contains(err.Error(), "waiting for another fetch to finish") || !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled second fetch: err %v, want one saying it was waiting, wrapping context.Canceled", err)
				}
			}
			releaseAll()
			if err := <-first; err != nil {
				t.Fatalf("first fetch: %v", err)
			}
			if !tc.cancelSecond {
				if err := <-second; err != nil {
					t.Fatalf("second fetch: %v", err)
				}
				if out := progress.buf.String(); !strings.Contains(out, "already present and verified") {
					t.Errorf("second fetch progress %q, want it to find the first one's file", out)
				}
			}
			if n := requests.Load(); n != 1 {
				t.Errorf("server saw %d downloads, want 1", n)
			}
			dir, _ := e.Dir()
			if got, err := os.ReadFile(filepath.Join(dir, "f")); err != nil || !bytes.Equal(got, body) {
				t.Errorf("fetched file: %d bytes, err %v; want the %d good bytes", len(got), err, len(body))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only the file (no temporary files)", len(entries))
			}
		})
	}
}
