package emulator

import (
	"testing"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/emulator"
	"github.com/petstoreapi/petstore-webhooks/internal/store"
)

func TestDeliveryLogMasksURLCredentials(t *testing.T) {
	f, out := cmdtest.Factory(t, nil)
	log := newLogger(f.IOStreams, f.Now, nil)
	log.attempt(emulator.AttemptLog{Attempt: store.Attempt{EventID: "e1", EventType: "pet.adopted", Attempt: 1, AttemptedAt: cmdtest.Now, Status: 200},
		URL: "http://user:hunter2@x.test/h", Of: 5})
	log.close()
	want := "12:00:00  deliver pet.adopted e1 → http://user:****@x.test/h  attempt 1/5  200 OK  0µs\n"
	if got := out.Out.String(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}
