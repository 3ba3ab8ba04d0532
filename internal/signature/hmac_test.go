package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
)

// HMACs are kept keyed for reuse, per secret and for at most
// maxKeyedMACs secrets: each sum is still that of a fresh HMAC, for
// secrets beyond the bound and from many goroutines at once.
func TestHMACReuseIsFreshHMAC(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * maxKeyedMACs {
				key := []byte(fmt.Sprintf("secret-%d", i%(maxKeyedMACs+10)))
				body := []byte(fmt.Sprintf("body %d %d", g, i))
				m := hmac.New(sha256.New, key)
				m.Write([]byte("prefix."))
				m.Write(body)
				if got := hmacSHA256(key, []byte("prefix."), body); !hmac.Equal(got, m.Sum(nil)) {
					t.Errorf("key %q body %q: wrong sum", key, body)
					return
				}
			}
		}()
	}
	wg.Wait()
}
