package cli

import (
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/petstoreapi/petstore-webhooks/fixtures"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/config"
	"github.com/petstoreapi/petstore-webhooks/internal/iostreams"
)

// newFactory builds the real dependencies; loader is the root's viper, read
// only when the config is first asked for.
func newFactory(loader *config.Loader) *cmdutil.Factory {
	v, _, _ := buildVersion() // what 'version' prints, for the User-Agent
	f := &cmdutil.Factory{
		AppVersion: v,
		Getenv:     os.Getenv,
		Now:        time.Now,
	}
	f.IOStreams = iostreams.System(f.Getenv)
	f.HTTPClient = sync.OnceValue(func() *http.Client {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 256
		return &http.Client{Transport: t, Timeout: 30 * time.Second}
	})
	f.Config = sync.OnceValues(func() (*config.Config, error) {
		path := loader.File()
		if path == "" {
			var err error
			if path, err = cmdutil.DefaultConfigPath(f.Getenv); err != nil {
				return nil, err
			}
		}
		return loader.Load(path)
	})
	f.Fixtures = sync.OnceValues(func() (*fixtures.Set, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		return fixtures.Load(cfg.FixturesDir)
	})
	return f
}
