package e2e

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// A command stuck reading an input that never ends (a pipe nobody writes to)
// used to ignore every SIGINT and SIGTERM: the first asks it to stop, a second
// one now ends it.
func TestSecondInterruptEndsABlockedRead(t *testing.T) {
	u := newUser(t)
	cmd := exec.Command(binary, "sign", "--secret", "whsec_test", "-")
	cmd.Env = u.env
	stdin, err := cmd.StdinPipe() // never written to, closed only at the end
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer cmd.Process.Kill()

	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-exited:
			return
		case <-tick.C:
			cmd.Process.Signal(syscall.SIGINT)
		case <-deadline:
			t.Fatal("sign reading a silent pipe still runs after SIGINTs for 10s")
		}
	}
}
