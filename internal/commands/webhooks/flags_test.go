package webhooks

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil"
	"github.com/petstoreapi/petstore-webhooks/internal/cmdutil/cmdtest"
	"github.com/petstoreapi/petstore-webhooks/internal/petstore"
)

// keep is a runF that keeps the Options the command built.
func keep[O any](got *any) func(context.Context, *O) error {
	return func(_ context.Context, o *O) error { *got = o; return nil }
}

func ptr(s string) *string { return &s }

// TestFlagsToOptions: what each command's flags make of its Options (the
// dependencies checked, then left out of the comparison), and its usage
// errors.
func TestFlagsToOptions(t *testing.T) {
	var (
		register = func(f *cmdutil.Factory, got *any) *cobra.Command {
			return NewCmdRegister(f, keep[RegisterOptions](got))
		}
		list       = func(f *cmdutil.Factory, got *any) *cobra.Command { return NewCmdList(f, keep[ListOptions](got)) }
		get        = func(f *cmdutil.Factory, got *any) *cobra.Command { return NewCmdGet(f, keep[GetOptions](got)) }
		update     = func(f *cmdutil.Factory, got *any) *cobra.Command { return NewCmdUpdate(f, keep[UpdateOptions](got)) }
		del        = func(f *cmdutil.Factory, got *any) *cobra.Command { return NewCmdDelete(f, keep[DeleteOptions](got)) }
		test       = func(f *cmdutil.Factory, got *any) *cobra.Command { return NewCmdTest(f, keep[TestOptions](got)) }
		deliveries = func(f *cmdutil.Factory, got *any) *cobra.Command {
			return NewCmdDeliveries(f, keep[DeliveriesOptions](got))
		}
	)
	api := cmdutil.APIFlags{Base: "http://127.0.0.1:4010/v1", Key: "k"}
	apiArgs := []string{"--api-base", api.Base, "--api-key", api.Key}
	tests := []struct {
		name    string
		cmd     func(*cmdutil.Factory, *any) *cobra.Command
		args    []string
		want    any // the Options without IO, Client and Now
		wantErr string
	}{
		{"register", register, append([]string{"--url", "http://x/h", "--events", "pet.adopted, order.created", "--events", "pet.adopted", "--secret", "s", "--format", "json"}, apiArgs...),
			RegisterOptions{API: api, URL: "http://x/h", Events: []string{"pet.adopted", "order.created"}, Secret: "s", Format: "json"}, ""},
		{"register, empty secret", register, []string{"--url", "http://x/h", "--events", "pet.adopted", "--secret", ""}, nil, "--secret must not be empty"},
		{"register, an argument", register, []string{"x"}, nil, `register takes no arguments, got "x"`},

		{"list", list, nil, ListOptions{Format: "human"}, ""},
		{"list, limit", list, append([]string{"--limit", "5", "--format", "json"}, apiArgs...), ListOptions{API: api, Limit: 5, Format: "json"}, ""},
		{"list, negative limit", list, []string{"--limit", "-1"}, nil, "--limit must not be negative, got -1"},
		{"list, bad format", list, []string{"--format", "yaml"}, nil, `invalid --format "yaml": want human or json`},

		{"get", get, []string{"wh_1", "--show-secret"}, GetOptions{ID: "wh_1", ShowSecret: true, Format: "human"}, ""},
		{"get, no id", get, nil, nil, "get needs a webhook id (see 'petstore-webhooks list')"},
		{"get, two ids", get, []string{"wh_1", "wh_2"}, nil, "get needs a webhook id (see 'petstore-webhooks list')"},

		{"update", update, []string{"wh_1", "--url", "https://e.test/x", "--status", "disabled", "--add-event", "pet.adopted", "--remove-event", "order.created", "--secret", "s2"},
			UpdateOptions{ID: "wh_1", URL: ptr("https://e.test/x"), Status: ptr("disabled"), Secret: ptr("s2"), AddEvents: []string{"pet.adopted"}, RemoveEvents: []string{"order.created"}, Format: "human"}, ""},
		{"update, events", update, []string{"wh_1", "--events", "payment.failed,pet.adopted"}, UpdateOptions{ID: "wh_1", Events: []string{"payment.failed", "pet.adopted"}, Format: "human"}, ""},
		{"update, nothing", update, []string{"wh_1"}, nil, "nothing to change: give --url, --events, --add-event, --remove-event, --status or --secret"},

		{"delete", del, append([]string{"wh_1", "-y", "--format", "json"}, apiArgs...), DeleteOptions{API: api, ID: "wh_1", Yes: true, Format: "json"}, ""},
		{"delete, asks", del, []string{"wh_1"}, DeleteOptions{ID: "wh_1", Format: "human"}, ""},
		{"delete, no id", del, nil, nil, "delete needs a webhook id (see 'petstore-webhooks list')"},

		{"test", test, []string{"wh_1", "--event", "order.created"}, TestOptions{ID: "wh_1", EventType: "order.created", Format: "human"}, ""},
		{"test, first event", test, []string{"wh_1"}, TestOptions{ID: "wh_1", Format: "human"}, ""},
		{"test, unknown event", test, []string{"wh_1", "--event", "pet.sold"}, nil, `--event: unknown event type "pet.sold" (known: order.created, order.status_changed, payment.failed, payment.succeeded, pet.adopted, pet.status_changed)`},

		{"deliveries", deliveries, append([]string{"wh_1", "--format", "json"}, apiArgs...), DeliveriesOptions{API: api, ID: "wh_1", Format: "json"}, ""},
		{"deliveries, no id", deliveries, []string{""}, nil, "deliveries needs a webhook id (see 'petstore-webhooks list')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.Factory(t, nil)
			var got any
			err := cmdtest.Run(tt.cmd(f, &got), tt.args...)
			if tt.wantErr != "" {
				cmdtest.AssertUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			opts := reflect.ValueOf(got).Elem()
			if opts.FieldByName("IO").Interface() != f.IOStreams {
				t.Error("IO is not the Factory's")
			}
			// The client is made from the flags: without --api-key (nor the
			// environment, nor the configuration) there is none.
			client := opts.FieldByName("Client").Interface().(func() (*petstore.Client, error))
			if _, err := client(); (err == nil) != (opts.FieldByName("API").Interface() == api) || (err != nil && !errors.Is(err, cmdutil.ErrNoAPIKey)) {
				t.Errorf("Client() = %v with %+v", err, opts.FieldByName("API"))
			}
			if now := opts.FieldByName("Now"); now.IsValid() && now.Interface().(func() time.Time)() != cmdtest.Now {
				t.Error("Now is not the Factory's clock")
			}
			for _, dep := range []string{"IO", "Client", "Now"} {
				if v := opts.FieldByName(dep); v.IsValid() {
					v.SetZero()
				}
			}
			if !reflect.DeepEqual(opts.Interface(), tt.want) {
				t.Errorf("options\n got %+v\nwant %+v", opts.Interface(), tt.want)
			}
		})
	}
}

func TestEveryCommandSetsItsHelpGroup(t *testing.T) {
	f, _ := cmdtest.Factory(t, nil)
	for _, cmd := range NewCmds(f) {
		if cmd.GroupID != cmdutil.GroupWebhooks {
			t.Errorf("%s: GroupID %q, want %q", cmd.Name(), cmd.GroupID, cmdutil.GroupWebhooks)
		}
	}
}
