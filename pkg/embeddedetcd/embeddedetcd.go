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

// Package embeddedetcd runs a single-member etcd inside the pod-apiserver process, so that the
// server works with no external dependency.
package embeddedetcd

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Config describes where the embedded etcd keeps its data.
type Config struct {
	// Dir holds the member data and the client socket.
	Dir string
	// UnsafeNoFsync trades durability for speed; only tests should set it.
	UnsafeNoFsync bool
	// StartTimeout bounds how long Start waits for the member to become ready.
	StartTimeout time.Duration
}

// Server is a running embedded etcd member.
type Server struct {
	etcd      *embed.Etcd
	clientURL string
}

// Start launches the member and waits until it serves clients.
//
// Clients talk over one unix socket file inside Dir, which is kept at mode 0700: no other local
// user can reach the unauthenticated etcd, and nothing collides with a system etcd or with other
// servers on the usual ports. A single member has no peers, so it listens for none: etcd builds
// peer listeners from the URL's host only, and a unix peer URL with an empty host would bind an
// abstract socket, which file permissions do not protect.
func Start(cfg Config) (*Server, error) {
	if cfg.Dir == "" {
		return nil, fmt.Errorf("embedded etcd needs a data directory")
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.Chmod(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	clientURL := url.URL{Scheme: "unix", Path: filepath.Join(dir, "client.sock")}
	// Only advertised, never listened on: the member's identity in its own cluster, unchanged
	// from data folders written when it was listened on.
	peerURL := url.URL{Scheme: "unix", Path: filepath.Join(dir, "peer.sock")}
	// Stale sockets from an unclean stop would make the listener fail with "address in use"; the
	// peer socket is a leftover of older versions.
	for _, stale := range []string{clientURL.Path, peerURL.Path} {
		if err := os.Remove(stale); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}

	ec := embed.NewConfig()
	ec.Name = "pod-apiserver"
	ec.Dir = filepath.Join(dir, "member-data")
	ec.ListenClientUrls = []url.URL{clientURL}
	ec.AdvertiseClientUrls = []url.URL{clientURL}
	ec.ListenPeerUrls = nil
	ec.AdvertisePeerUrls = []url.URL{peerURL}
	ec.InitialCluster = ec.InitialClusterFromName(ec.Name)
	ec.ListenMetricsUrls = nil
	ec.UnsafeNoFsync = cfg.UnsafeNoFsync
	// The apiserver's consistent reads from the watch cache wait for progress notifications.
	ec.WatchProgressNotifyInterval = 5 * time.Second
	ec.Logger = "zap"
	ec.ZapLoggerBuilder = embed.NewZapLoggerBuilder(quietLogger())

	e, err := embed.StartEtcd(ec)
	if err != nil {
		return nil, fmt.Errorf("starting embedded etcd: %w", err)
	}
	timeout := cfg.StartTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("embedded etcd failed: %w", err)
	case <-time.After(timeout):
		e.Server.Stop()
		e.Close()
		return nil, fmt.Errorf("embedded etcd was not ready within %s", timeout)
	}
	return &Server{etcd: e, clientURL: clientURL.String()}, nil
}

// ClientURL is the endpoint to give the apiserver's storage backend.
func (s *Server) ClientURL() string { return s.clientURL }

// Err reports a fatal error of the running member.
func (s *Server) Err() <-chan error { return s.etcd.Err() }

// Close stops the member and waits until its data is closed cleanly.
func (s *Server) Close() { s.etcd.Close() }

func quietLogger() *zap.Logger {
	encoder := zap.NewProductionEncoderConfig()
	encoder.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewJSONEncoder(encoder), zapcore.Lock(os.Stderr), zap.WarnLevel)
	return zap.New(core)
}
