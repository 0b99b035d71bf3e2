package mariadbtest

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"
)

// Stop shuts a server of StartServer down (SIGTERM, as an administrator
// would) and keeps its data, so that tests can see what code does with the
// server gone; Restart brings it back. Never call it on the shared server
// of Start: other tests use it.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if s == shared.current() {
		t.Fatal("mariadbtest: Stop: only a server of StartServer may be stopped")
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("mariadbtest: stop: %v", err)
	}
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		s.kill()
		t.Fatalf("mariadbtest: mariadbd did not stop within %v\n%s", stopTimeout, s.logTail())
	}
}

// Restart starts a server that Stop stopped, on the same data directory
// and socket, and waits until it accepts connections.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	select {
	case <-s.exited:
	default:
		t.Fatal("mariadbtest: Restart: the server is running; Stop it first")
	}
	if err := s.launch(s.args); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		if c, err := net.DialTimeout("unix", s.Socket, time.Second); err == nil {
			c.Close()
			if _, err := s.query(ctx, "", "SELECT 1"); err == nil {
				return
			}
		}
		select {
		case <-s.exited:
			t.Fatalf("mariadbtest: mariadbd exited during restart (%v)\n%s", s.waitErr, s.logTail())
		case <-ctx.Done():
			t.Fatalf("mariadbtest: mariadbd did not come back within %v\n%s", startTimeout, s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
