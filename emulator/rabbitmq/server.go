package rabbitmq

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// ErrNotInstalled is returned by StartServer when no rabbitmq-server (or
// no epmd, which comes with it) is found.
var ErrNotInstalled = errors.New("rabbitmq: rabbitmq-server is not installed " +
	"(install Debian's package: apt-get install rabbitmq-server; or pass the amqp:// URL of a running server)")

// Default paths of Debian's package. /usr/sbin/rabbitmq-server is a wrapper
// that changes to /var/lib/rabbitmq and runs the broker as the rabbitmq
// user; the script it wraps runs the broker as the calling user with the
// environment it is given.
const (
	debianScripts = "/usr/lib/rabbitmq/bin"
	debianEPMD    = "/usr/lib/erlang/bin/epmd"
)

// ServerOptions configures StartServer. The zero value is ready to use.
type ServerOptions struct {
	// Dir holds the node's data, logs, configuration and Erlang cookie.
	// Empty means a new temporary directory, removed by Close.
	Dir string
	// Scripts is the directory of RabbitMQ's own scripts (rabbitmq-server,
	// rabbitmqctl). Empty means Debian's /usr/lib/rabbitmq/bin, or the
	// directory of the rabbitmq-server found on PATH.
	Scripts string
	// StartTimeout bounds each start of the broker, until it accepts an
	// AMQP connection. Zero means 2 minutes: a first start on a slow
	// machine takes several seconds.
	StartTimeout time.Duration
	// StopTimeout bounds a graceful stop before the process tree is
	// killed. Zero means 1 minute.
	StopTimeout time.Duration
}

// Server is a RabbitMQ broker run from Debian's rabbitmq-server for a test
// or a local stack: its own node name, its own loopback ports (AMQP,
// Erlang distribution, and an epmd of its own), and its own directories.
// Nothing in it depends on, or touches, a system instance of RabbitMQ.
type Server struct {
	opts      ServerOptions
	dir       string
	removeDir bool
	scripts   string
	epmdBin   string
	node      string
	amqpPort  int
	distPort  int
	epmdPort  int
	env       []string

	mu     sync.Mutex
	epmd   *process
	broker *process
	closed bool
}

// StartServer starts a broker and returns once it accepts AMQP
// connections. It returns ErrNotInstalled when Debian's rabbitmq-server is
// missing.
func StartServer(ctx context.Context, opts ServerOptions) (*Server, error) {
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 2 * time.Minute
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = time.Minute
	}
	scripts, err := findScripts(opts.Scripts)
	if err != nil {
		return nil, err
	}
	epmdBin, err := findEPMD()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, scripts: scripts, epmdBin: epmdBin}
	if opts.Dir == "" {
		if s.dir, err = os.MkdirTemp("", "rfn-rabbitmq-"); err != nil {
			return nil, fmt.Errorf("rabbitmq: %w", err)
		}
		s.removeDir = true
	} else if s.dir, err = filepath.Abs(opts.Dir); err != nil {
		return nil, fmt.Errorf("rabbitmq: %w", err)
	}
	if err := s.prepare(); err != nil {
		s.removeTemp()
		return nil, err
	}
	if err := s.startBroker(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func findScripts(dir string) (string, error) {
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "rabbitmq-server")); err != nil {
			return "", fmt.Errorf("%w: %v", ErrNotInstalled, err)
		}
		return dir, nil
	}
	if _, err := os.Stat(filepath.Join(debianScripts, "rabbitmq-server")); err == nil {
		return debianScripts, nil
	}
	path, err := exec.LookPath("rabbitmq-server")
	if err != nil {
		return "", ErrNotInstalled
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir = filepath.Dir(path)
	if _, err := os.Stat(filepath.Join(dir, "rabbitmq-server")); err != nil {
		return "", ErrNotInstalled
	}
	return dir, nil
}

func findEPMD() (string, error) {
	if path, err := exec.LookPath("epmd"); err == nil {
		return path, nil
	}
	if _, err := os.Stat(debianEPMD); err == nil {
		return debianEPMD, nil
	}
	return "", fmt.Errorf("%w: epmd not found", ErrNotInstalled)
}

// config is the node's rabbitmq.conf. The listener and node name come from
// the environment; logs go to the file in the log directory only.
const config = `# Written by rocketfn for a node of its own.
log.console = false
log.file.level = info
`

func (s *Server) prepare() error {
	for _, d := range []string{"home", "mnesia", "log"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o700); err != nil {
			return fmt.Errorf("rabbitmq: %w", err)
		}
	}
	files := map[string]string{
		"rabbitmq.conf":     config,
		"enabled_plugins":   "[].\n",
		"rabbitmq-env.conf": "",
		"node":              "",
	}
	// The node name and ports are kept in the directory, so a server
	// started again on the same Dir finds its data under the same name.
	if b, err := os.ReadFile(filepath.Join(s.dir, "node")); err == nil && len(b) > 0 {
		s.node = strings.TrimSpace(string(b))
		delete(files, "node")
	} else {
		var r [6]byte
		rand.Read(r[:])
		s.node = "rfn-" + hex.EncodeToString(r[:]) + "@localhost"
		files["node"] = s.node + "\n"
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(content), 0o600); err != nil {
			return fmt.Errorf("rabbitmq: %w", err)
		}
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	s.amqpPort, s.distPort, s.epmdPort = ports[0], ports[1], ports[2]
	s.env = s.environ()
	return nil
}

// freePorts finds n distinct free TCP ports on the loopback address.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("rabbitmq: free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// environ is the environment of the broker, of its epmd and of rabbitmqctl:
// the caller's, less anything that configures RabbitMQ or Erlang, plus the
// node's own settings.
func (s *Server) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "RABBITMQ_") || strings.HasPrefix(k, "ERL_") || k == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	d := func(name string) string { return filepath.Join(s.dir, name) }
	return append(env,
		"HOME="+d("home"), // the Erlang cookie
		"RABBITMQ_CONF_ENV_FILE="+d("rabbitmq-env.conf"),
		"RABBITMQ_CONFIG_FILE="+d("rabbitmq.conf"),
		"RABBITMQ_ADVANCED_CONFIG_FILE="+d("advanced.config"),
		"RABBITMQ_ENABLED_PLUGINS_FILE="+d("enabled_plugins"),
		"RABBITMQ_MNESIA_BASE="+d("mnesia"),
		"RABBITMQ_LOG_BASE="+d("log"),
		"RABBITMQ_PID_FILE="+d("rabbitmq.pid"),
		"RABBITMQ_NODENAME="+s.node,
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT="+strconv.Itoa(s.amqpPort),
		"RABBITMQ_DIST_PORT="+strconv.Itoa(s.distPort),
		// erl must not start a daemon epmd (which would outlive the
		// broker): the server runs its own; distribution listens on
		// loopback only.
		"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
		"ERL_EPMD_PORT="+strconv.Itoa(s.epmdPort),
		"ERL_EPMD_ADDRESS=127.0.0.1",
	)
}

// URL is the amqp:// URL of the default virtual host "/", with the default
// user guest (allowed from loopback only, as the broker is).
func (s *Server) URL() string { return s.VHostURL("/") }

// VHostURL is the amqp:// URL of the virtual host vhost.
func (s *Server) VHostURL(vhost string) string {
	u := amqp.URI{Scheme: "amqp", Host: "127.0.0.1", Port: s.amqpPort,
		Username: "guest", Password: "guest", Vhost: vhost}
	return u.String()
}

// Addr is the host:port of the AMQP listener.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.amqpPort)) }

// NodeName is the Erlang node name, rfn-<random>@localhost.
func (s *Server) NodeName() string { return s.node }

// Dir is the directory of the node's data, logs and configuration.
func (s *Server) Dir() string { return s.dir }

// LogFile is the broker's log.
func (s *Server) LogFile() string { return filepath.Join(s.dir, "log", s.node+".log") }

// Running reports whether the broker process is running (started and not
// stopped, killed or exited).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.broker != nil && !s.broker.exited()
}

// Stop stops the broker gracefully, as its script does on SIGTERM: the
// queues are written to disk and clients see the connection closed. The
// data, ports and node name stay for Restart. Past the stop timeout or
// ctx the process tree is killed.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(ctx)
}

func (s *Server) stopLocked(ctx context.Context) error {
	b := s.broker
	if b == nil {
		return nil
	}
	s.broker = nil
	ctx, cancel := context.WithTimeout(ctx, s.opts.StopTimeout)
	defer cancel()
	tree := processTree(b.pid())
	syscall.Kill(b.pid(), syscall.SIGTERM)
	var err error
	select {
	case <-b.done:
	case <-ctx.Done():
		err = fmt.Errorf("rabbitmq: broker did not stop in time: killed")
	}
	killTree(tree)
	<-b.done
	return err
}

// Kill kills the broker's process tree with SIGKILL, as a crash would. Messages
// whose publication was confirmed survive; acknowledgements that the
// broker had not yet written to disk may be lost, so those messages can be
// delivered again after Restart.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.broker
	if b == nil {
		return
	}
	s.broker = nil
	killTree(processTree(b.pid()))
	<-b.done
}

// Restart stops the broker (when it runs) and starts it again on the same
// data, ports and node name, returning once it accepts connections again.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("rabbitmq: server closed")
	}
	err := s.stopLocked(ctx)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.startBroker(ctx)
}

// Close stops the broker and its epmd, leaving no process behind, and
// removes the directory when StartServer created it.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.stopLocked(context.Background())
	if e := s.epmd; e != nil {
		s.epmd = nil
		killTree(processTree(e.pid()))
		<-e.done
	}
	s.removeTemp()
	return err
}

func (s *Server) removeTemp() {
	if s.removeDir {
		os.RemoveAll(s.dir)
	}
}

func (s *Server) startBroker(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.StartTimeout)
	defer cancel()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("rabbitmq: server closed")
	}
	if s.broker != nil {
		s.mu.Unlock()
		return nil
	}
	if err := s.startEPMD(ctx); err != nil {
		s.mu.Unlock()
		return err
	}
	out, err := os.OpenFile(filepath.Join(s.dir, "log", "console.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("rabbitmq: %w", err)
	}
	cmd := exec.Command(filepath.Join(s.scripts, "rabbitmq-server"))
	cmd.Dir = s.dir
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group; SIGTERM to the script, when this process
	// dies, makes it stop the broker it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	b, err := spawn(cmd)
	out.Close()
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("rabbitmq: start %s: %w", cmd.Path, err)
	}
	s.broker = b
	s.mu.Unlock()

	if err := s.waitReady(ctx, b); err != nil {
		s.mu.Lock()
		if s.broker == b {
			s.broker = nil
			killTree(processTree(b.pid()))
			<-b.done
		}
		s.mu.Unlock()
		return err
	}
	return nil
}

// waitReady connects until the broker accepts an AMQP connection, the
// broker exits, or ctx ends.
func (s *Server) waitReady(ctx context.Context, b *process) error {
	retry := time.NewTicker(50 * time.Millisecond)
	defer retry.Stop()
	for {
		conn, err := amqp.DialConfig(s.URL(), amqp.Config{Dial: amqp.DefaultDial(2 * time.Second)})
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-retry.C:
		case <-b.done:
			return fmt.Errorf("rabbitmq: broker exited while starting (%v)%s", b.err, s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("rabbitmq: broker not ready: %v (last: %v)%s", ctx.Err(), err, s.logTail())
		}
	}
}

// logTail is the end of the broker's console output, for an error.
func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "log", "console.log"))
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "\n--- " + filepath.Join(s.dir, "log", "console.log") + " ---\n" + string(b)
}

// startEPMD runs the node's epmd in the foreground, on its own port on
// loopback, when it is not running yet.
func (s *Server) startEPMD(ctx context.Context) error {
	if s.epmd != nil && !s.epmd.exited() {
		return nil
	}
	cmd := exec.Command(s.epmdBin, "-port", strconv.Itoa(s.epmdPort), "-address", "127.0.0.1")
	cmd.Dir = s.dir
	cmd.Env = s.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	e, err := spawn(cmd)
	if err != nil {
		return fmt.Errorf("rabbitmq: start epmd: %w", err)
	}
	s.epmd = e
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.epmdPort))
	retry := time.NewTicker(20 * time.Millisecond)
	defer retry.Stop()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-retry.C:
		case <-e.done:
			s.epmd = nil
			return fmt.Errorf("rabbitmq: epmd exited (%v)", e.err)
		case <-ctx.Done():
			return fmt.Errorf("rabbitmq: epmd not listening on %s: %v", addr, ctx.Err())
		}
	}
}

// AddVHost creates the virtual host vhost (when missing) and gives the
// user guest all permissions on it, with rabbitmqctl.
func (s *Server) AddVHost(ctx context.Context, vhost string) error {
	if err := s.ctl(ctx, "add_vhost", vhost); err != nil && !strings.Contains(err.Error(), "already exists") {
		return err
	}
	return s.ctl(ctx, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
}

// DeleteVHost deletes the virtual host vhost and everything in it.
func (s *Server) DeleteVHost(ctx context.Context, vhost string) error {
	return s.ctl(ctx, "delete_vhost", vhost)
}

// ctl runs rabbitmqctl against the node.
func (s *Server) ctl(ctx context.Context, args ...string) error {
	ports, err := freePorts(1)
	if err != nil {
		return err
	}
	p := strconv.Itoa(ports[0])
	cmd := exec.CommandContext(ctx, filepath.Join(s.scripts, "rabbitmqctl"), append([]string{"-q", "-n", s.node}, args...)...)
	cmd.Dir = s.dir
	cmd.Env = append(s.env[:len(s.env):len(s.env)], "RABBITMQ_CTL_DIST_PORT_MIN="+p, "RABBITMQ_CTL_DIST_PORT_MAX="+p)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("rabbitmq: rabbitmqctl %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// process is a child process and the goroutine waiting for it.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set before done is closed
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// spawn starts cmd from a goroutine locked to its OS thread for the life of
// the child: Linux sends a child's Pdeathsig when the thread that started
// it ends, and an unlocked goroutine's thread may end at any time.
func spawn(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}
