package petstore

import (
	"net/http"
	"testing"
)

func TestNewClientErrorMasksTheCredentialsOfTheBase(t *testing.T) {
	_, err := NewClient("ftp://user:hunter2@x.test/v1", "k", &http.Client{}, "ua")
	if want := `API base "ftp://user:****@x.test/v1" is not an absolute http(s) URL`; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}
