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

// Package procnet lists the sockets a process listens on, from /proc, and dials a socket as
// another user, so tests can hold the server to what it promises about who can reach it.
package procnet

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Listener is one listening socket.
type Listener struct {
	// Network is "unix", "tcp" or "tcp6".
	Network string
	// Address is the socket path (abstract names start with '@') or the host:port.
	Address string
	Inode   uint64
}

// Abstract tells whether a unix socket lives in the abstract namespace, where no file mode
// protects it.
func (l Listener) Abstract() bool { return l.Network == "unix" && strings.HasPrefix(l.Address, "@") }

func (l Listener) String() string { return l.Network + " " + l.Address }

// Listeners returns every listening socket the process pid holds open (pid 0: this process).
func Listeners(pid int) ([]Listener, error) {
	proc := "self"
	if pid != 0 {
		proc = strconv.Itoa(pid)
	}
	inodes, err := socketInodes(proc)
	if err != nil {
		return nil, err
	}
	var out []Listener
	unix, err := unixListeners(proc)
	if err != nil {
		return nil, err
	}
	for _, table := range []string{"tcp", "tcp6"} {
		l, err := tcpListeners(proc, table)
		if err != nil {
			return nil, err
		}
		unix = append(unix, l...)
	}
	for _, l := range unix {
		if inodes[l.Inode] {
			out = append(out, l)
		}
	}
	return out, nil
}

func socketInodes(proc string) (map[uint64]bool, error) {
	dir := filepath.Join("/proc", proc, "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	inodes := map[uint64]bool{}
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // closed in the meantime
		}
		if rest, ok := strings.CutPrefix(target, "socket:["); ok {
			if n, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64); err == nil {
				inodes[n] = true
			}
		}
	}
	return inodes, nil
}

// unixListeners reads /proc/<pid>/net/unix: Num RefCount Protocol Flags Type St Inode [Path].
func unixListeners(proc string) ([]Listener, error) {
	f, err := os.Open(filepath.Join("/proc", proc, "net", "unix"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const acceptCon = 0x10000 // __SO_ACCEPTCON: the socket listens
	var out []Listener
	scanner := bufio.NewScanner(f)
	scanner.Scan() // header
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 7 {
			continue
		}
		flags, err := strconv.ParseUint(fields[3], 16, 64)
		if err != nil || flags&acceptCon == 0 {
			continue
		}
		inode, err := strconv.ParseUint(fields[6], 10, 64)
		if err != nil {
			continue
		}
		path := ""
		if len(fields) > 7 {
			path = fields[7]
		}
		out = append(out, Listener{Network: "unix", Address: path, Inode: inode})
	}
	return out, scanner.Err()
}

// tcpListeners reads /proc/<pid>/net/tcp{,6}: sl local rem st ... inode (field 9); st 0A listens.
func tcpListeners(proc, table string) ([]Listener, error) {
	f, err := os.Open(filepath.Join("/proc", proc, "net", table))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil // no IPv6
		}
		return nil, err
	}
	defer f.Close()
	var out []Listener
	scanner := bufio.NewScanner(f)
	scanner.Scan()
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 10 || fields[3] != "0A" {
			continue
		}
		inode, err := strconv.ParseUint(fields[9], 10, 64)
		if err != nil {
			continue
		}
		addr, err := parseHexAddr(fields[1])
		if err != nil {
			return nil, err
		}
		out = append(out, Listener{Network: table, Address: addr, Inode: inode})
	}
	return out, scanner.Err()
}

// parseHexAddr decodes the kernel's "0100007F:1F90": the IP as 32-bit words in host (little
// endian) order, the port in big endian hex.
func parseHexAddr(s string) (string, error) {
	ipHex, portHex, ok := strings.Cut(s, ":")
	if !ok {
		return "", fmt.Errorf("bad address %q", s)
	}
	raw, err := hex.DecodeString(ipHex)
	if err != nil {
		return "", err
	}
	ip := make(net.IP, len(raw))
	for i := 0; i+4 <= len(raw); i += 4 {
		ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(ip.String(), strconv.FormatUint(port, 10)), nil
}

const dialEnv = "PROCNET_DIAL_UNIX"

// NobodyUID is the user other-user checks run as.
const NobodyUID = 65534

// ChildMain must be called first in TestMain of a package that uses DialUnixAs: in the child
// process it dials the socket, prints the outcome and exits.
func ChildMain() {
	path := os.Getenv(dialEnv)
	if path == "" {
		return
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		fmt.Println(err.Error())
		os.Exit(0)
	}
	_ = conn.Close()
	fmt.Println("connected")
	os.Exit(0)
}

// DialUnixAs connects to the unix socket at path from a child process running as uid/gid and
// returns the error it got (nil when it connected). It needs root; the running test binary is
// copied where the other user may execute it.
func DialUnixAs(path string, uid, gid uint32) (error, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "procnet-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "dial")
	if err := copyFile(self, bin, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Env = []string{dialEnv + "=" + path}
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("running the dialler as uid %d: %v: %s", uid, err, out)
	}
	result := strings.TrimSpace(string(out))
	if result == "connected" {
		return nil, nil
	}
	return fmt.Errorf("%s", result), nil
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
