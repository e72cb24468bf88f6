/*
Copyright The pod-apiserver Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package kubelet is a stand-in for the kubelet API in tests: HTTPS with client certificates,
// container logs read from files, exec and attach run as local processes, and port-forwarding to
// local ports. The streaming protocols are the upstream kubelet streaming libraries.
package kubelet

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/portforward"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

// Config configures a stand-in kubelet.
type Config struct {
	Certificates *Certificates
	// LogDir holds <namespace>_<pod>_<container>.log, one entry a line: an RFC 3339 timestamp,
	// a space, the text. A ".previous" suffix holds the previous instance's log.
	LogDir string
	// AttachCommand is the process an attach joins; by default "cat", which echoes stdin.
	AttachCommand []string
	// Ports maps a pod port to the local port it forwards to; unmapped ports forward to the
	// same local port.
	Ports map[int32]int
}

// Server is a running stand-in kubelet.
type Server struct {
	// Host is the address it listens on: this machine's first non-loopback address (HostAddress),
	// since the server trusts no loopback kubelet.
	Host string
	// Port is the port it listens on.
	Port int

	config    Config
	server    *http.Server
	mu        sync.Mutex
	requests  []string
	following int
}

// Start serves the kubelet API on a free loopback port until Close.
func Start(config Config) (*Server, error) {
	caPEM, err := os.ReadFile(config.Certificates.CAFile)
	if err != nil {
		return nil, err
	}
	clientCAs := x509.NewCertPool()
	if !clientCAs.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("no CA certificate in " + config.Certificates.CAFile)
	}
	serving, err := tls.LoadX509KeyPair(config.Certificates.ServingCertFile, config.Certificates.ServingKeyFile)
	if err != nil {
		return nil, err
	}
	host, err := HostAddress()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, err
	}
	if len(config.AttachCommand) == 0 {
		config.AttachCommand = []string{"cat"}
	}
	s := &Server{Host: host, Port: ln.Addr().(*net.TCPAddr).Port, config: config}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", s.serveLogs)
	mux.HandleFunc("/exec/{namespace}/{pod}/{container}", s.serveExec)
	mux.HandleFunc("/attach/{namespace}/{pod}/{container}", s.serveAttach)
	mux.HandleFunc("/portForward/{namespace}/{pod}", s.servePortForward)
	s.server = &http.Server{
		Handler: s.record(mux),
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{serving},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    clientCAs,
			// SPDY upgrades need HTTP/1.1.
			NextProtos: []string{"http/1.1"},
		},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = s.server.ServeTLS(ln, "", "") }()
	return s, nil
}

// Close stops the server and every stream it serves.
func (s *Server) Close() error { return s.server.Close() }

// Requests lists the request URIs served so far, for tests that check what the API server asked.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Following counts the log streams that follow a log: they have sent what the log held and
// send every line appended from now on.
func (s *Server) Following() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.following
}

func (s *Server) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// LogFile is where the log of a container is read from.
func (s *Server) LogFile(namespace, pod, container string) string {
	return filepath.Join(s.config.LogDir, fmt.Sprintf("%s_%s_%s.log", namespace, pod, container))
}

type logEntry struct {
	time time.Time
	text string
}

func readLog(file string, from int64) ([]logEntry, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, from, err
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return nil, from, err
	}
	var entries []logEntry
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			// A line still being written is read once it is complete.
			return entries, from, nil
		}
		from += int64(len(line))
		ts, text, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		t, perr := time.Parse(time.RFC3339Nano, ts)
		if perr != nil {
			return nil, from, fmt.Errorf("bad log line %q: %w", line, perr)
		}
		entries = append(entries, logEntry{t, text})
	}
}

func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ns, pod, container := r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("container")
	file := s.LogFile(ns, pod, container)
	if q.Get("previous") == "true" {
		file += ".previous"
	}
	entries, offset, err := readLog(file, 0)
	if errors.Is(err, os.ErrNotExist) {
		if q.Get("previous") == "true" {
			http.Error(w, fmt.Sprintf("previous terminated container %q in pod %q not found", container, pod), http.StatusBadRequest)
		} else {
			http.Error(w, fmt.Sprintf("container %q in pod %q is not available", container, pod), http.StatusNotFound)
		}
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var since time.Time
	if v := q.Get("sinceTime"); v != "" {
		if since, err = time.Parse(time.RFC3339, v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	if v := q.Get("sinceSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		since = time.Now().Add(-time.Duration(n) * time.Second)
	}
	limit := int64(-1)
	if v := q.Get("limitBytes"); v != "" {
		if limit, err = strconv.ParseInt(v, 10, 64); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	var kept []logEntry
	for _, e := range entries {
		if !e.time.Before(since) {
			kept = append(kept, e)
		}
	}
	if v := q.Get("tailLines"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if n < len(kept) {
			kept = kept[len(kept)-n:]
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	lw := &limitedWriter{w: w, left: limit}
	timestamps := q.Get("timestamps") == "true"
	write := func(es []logEntry) bool {
		for _, e := range es {
			line := e.text + "\n"
			if timestamps {
				line = e.time.UTC().Format(time.RFC3339Nano) + " " + line
			}
			if !lw.write(line) {
				return false
			}
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		return true
	}
	if !write(kept) || q.Get("follow") != "true" {
		return
	}
	s.mu.Lock()
	s.following++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.following--
		s.mu.Unlock()
	}()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
		var more []logEntry
		if more, offset, err = readLog(file, offset); err != nil || !write(more) {
			return
		}
	}
}

// limitedWriter stops after left bytes (never, when negative), as limitBytes asks.
type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) write(s string) bool {
	if l.left == 0 {
		return false
	}
	if l.left > 0 && int64(len(s)) > l.left {
		s = s[:l.left]
	}
	n, err := io.WriteString(l.w, s)
	if l.left > 0 {
		l.left -= int64(n)
	}
	return err == nil && l.left != 0
}

const streamIdleTimeout = 5 * time.Minute

func (s *Server) serveExec(w http.ResponseWriter, r *http.Request) {
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cmd := r.URL.Query()["command"]
	remotecommand.ServeExec(w, r, processes{s}, r.PathValue("pod"), "", r.PathValue("container"), cmd, opts,
		streamIdleTimeout, remotecommand.DefaultStreamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

func (s *Server) serveAttach(w http.ResponseWriter, r *http.Request) {
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	remotecommand.ServeAttach(w, r, processes{s}, r.PathValue("pod"), "", r.PathValue("container"), opts,
		streamIdleTimeout, remotecommand.DefaultStreamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

func (s *Server) servePortForward(w http.ResponseWriter, r *http.Request) {
	opts, err := portforward.NewV4Options(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	portforward.ServePortForward(w, r, processes{s}, r.PathValue("pod"), "", opts,
		streamIdleTimeout, remotecommand.DefaultStreamCreationTimeout, portforward.SupportedProtocols)
}

// processes runs a "container" as local processes and ports.
type processes struct{ s *Server }

func (p processes) ExecInContainer(ctx context.Context, pod, uid, container string, cmd []string, in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, timeout time.Duration) error {
	if len(cmd) == 0 {
		return errors.New("no command given")
	}
	return run(ctx, cmd, in, out, errOut, tty)
}

func (p processes) AttachContainer(ctx context.Context, pod, uid, container string, in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize) error {
	return run(ctx, p.s.config.AttachCommand, in, out, errOut, tty)
}

// run runs cmd with the streams given. There is no pseudo-terminal: with tty, stderr joins
// stdout, as a terminal would show them.
//
// Like a container runtime, it ends the session when the process exits, whether or not the
// client has closed stdin. A client on a terminal (kubectl exec -t) never closes it, so stdin
// is not handed to os/exec: Wait would block on the goroutine reading the client's stream
// even after WaitDelay has closed the process's end.
func run(ctx context.Context, cmd []string, in io.Reader, out, errOut io.WriteCloser, tty bool) error {
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	var stdin io.WriteCloser
	if in != nil {
		var err error
		// Wait closes this pipe once the process exits, which ends the copy below at its next
		// write; its read ends when the session's connection is closed.
		if stdin, err = c.StdinPipe(); err != nil {
			return err
		}
	}
	if out != nil {
		c.Stdout = out
	}
	switch {
	case tty:
		c.Stderr = out
	case errOut != nil:
		c.Stderr = errOut
	}
	// A process that leaves children holding stdout or stderr open must not hold the session.
	c.WaitDelay = time.Second
	if err := c.Start(); err != nil {
		return err
	}
	if stdin != nil {
		go func() {
			_, _ = io.Copy(stdin, in)
			// The client closed stdin: the process sees end of input.
			_ = stdin.Close()
		}()
	}
	err := c.Wait()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.Exited() {
		return utilexec.CodeExitError{Err: err, Code: exitErr.ExitCode()}
	}
	if errors.Is(err, exec.ErrWaitDelay) {
		return nil
	}
	return err
}

func (p processes) PortForward(ctx context.Context, pod, uid string, port int32, stream io.ReadWriteCloser) error {
	local := int(port)
	if mapped, ok := p.s.config.Ports[port]; ok {
		local = mapped
	}
	conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(local)))
	if err != nil {
		return fmt.Errorf("failed to connect to localhost:%d inside namespace of pod %s: %w", port, pod, err)
	}
	defer func() { _ = conn.Close() }()
	fromPod := make(chan struct{})
	toPod := make(chan struct{})
	go func() { _, _ = io.Copy(stream, conn); close(fromPod) }()
	go func() { _, _ = io.Copy(conn, stream); close(toPod) }()
	select {
	case <-toPod:
		// The client is done sending; let the local side finish its answer.
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
		select {
		case <-fromPod:
		case <-ctx.Done():
		}
	case <-fromPod:
	case <-ctx.Done():
	}
	return nil
}

// HostAddress is this machine's first IPv4 global unicast address: where a kubelet stand-in can
// listen that the server's kubelet address checks accept, as a real node's address would be.
func HostAddress() (string, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && ipn.IP.IsGlobalUnicast() {
			return ipn.IP.String(), nil
		}
	}
	return "", errors.New("this machine has no IPv4 address other than loopback, where a kubelet stand-in could listen")
}
