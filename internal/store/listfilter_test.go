package store

import (
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// listFilterHistory records six requests (numbered 1 to 6) that differ in
// what the inspector's list filters on.
func listFilterHistory(t *testing.T) *Store {
	t.Helper()
	st := openHistory(t, filepath.Join(t.TempDir(), "history.db"))
	at := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	reqs := []*Request{
		{Verification: "verified", Status: 200, Body: []byte(`{"name":"Rex"}`), Header: http.Header{"X-Trace": {"abc"}}},
		{Verification: "rejected", Status: 401, Body: []byte(`{"name":"100% off_sale"}`), Header: http.Header{}},
		{Verification: "unverified", Status: 200, Body: []byte("caf\xc3\x89 \xff binary"), Header: http.Header{}},
		{Verification: "verified", Status: 200, Body: []byte(`{}`), Header: http.Header{"X-Note": {"Big REX here"}}},
		{Verification: "verified", Status: 200, Body: []byte(`{"n":"100 percent"}`), Header: http.Header{}},
		{Verification: "rejected", Status: 400, Body: []byte(`x`), Header: http.Header{}},
	}
	targets := [][]string{{"localhost:3000"}, nil, {"localhost:4000"}, {"localhost:3000", "localhost:4000"}, nil, nil}
	for i, r := range reqs {
		r.ReceivedAt, r.EventType, r.Method, r.Path = at.Add(time.Duration(i)*time.Second), "pet.adopted", "POST", "/webhooks"
	}
	if _, err := st.RecordRequests(ctx, reqs, targets); err != nil {
		t.Fatal(err)
	}
	return st
}

func numbers(rows []RequestSummary) []int64 {
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestListRequestsFilters(t *testing.T) {
	st := listFilterHistory(t)
	tests := []struct {
		name string
		f    RequestFilter
		want []int64 // newest first
	}{
		{"all", RequestFilter{}, []int64{6, 5, 4, 3, 2, 1}},
		{"verification", RequestFilter{Verification: "rejected"}, []int64{6, 2}},
		{"http status", RequestFilter{HTTPStatus: 401}, []int64{2}},
		{"target", RequestFilter{Target: "localhost:4000"}, []int64{4, 3}},
		{"before", RequestFilter{BeforeID: 4}, []int64{3, 2, 1}},
		{"after", RequestFilter{AfterID: 4}, []int64{6, 5}},
		{"between, limited", RequestFilter{AfterID: 1, BeforeID: 6, Limit: 2}, []int64{5, 4}},
		{"search in bodies, any case", RequestFilter{Search: "rex"}, []int64{4, 1}},
		{"search in headers", RequestFilter{Search: "x-trace"}, []int64{1}},
		{"% is literal", RequestFilter{Search: "100%"}, []int64{2}},
		{"_ is literal", RequestFilter{Search: "f_s"}, []int64{2}},
		{"non-ASCII in any case", RequestFilter{Search: "CAFé"}, []int64{3}},
		{"a quote and a backslash", RequestFilter{Search: `'"\`}, nil},
		{"together", RequestFilter{Verification: "verified", Search: "rex", Target: "localhost:3000", BeforeID: 4}, []int64{1}},
		{"with the state", RequestFilter{Status: "delivered"}, nil},
		{"pending", RequestFilter{Status: "pending", Target: "localhost:3000"}, []int64{4, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := st.ListRequests(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := numbers(rows); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContainsFold(t *testing.T) {
	tests := []struct {
		s, lowered string
		want       bool
	}{
		{"Hello World", "o w", true},
		{"Hello", "hello!", false},
		{"", "a", false},
		{"ÉCOLE", "école", true},
		{"\xff\xfeA", "a", true},
		{"abc", "", true},
	}
	for _, tt := range tests {
		if got := containsFold(tt.s, tt.lowered); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v, want %v", tt.s, tt.lowered, got, tt.want)
		}
	}
}

func TestForwardsOf(t *testing.T) {
	st := listFilterHistory(t)
	got, err := st.ForwardsOf(ctx, []int64{1, 2, 4, 99})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[1]) != 1 || len(got[4]) != 2 {
		t.Fatalf("got %v, want the forward of 1 and the two of 4", got)
	}
	if got[4][0].Target != "localhost:3000" || got[4][1].Target != "localhost:4000" || got[4][0].State != Pending {
		t.Errorf("forwards of 4 = %+v, want localhost:3000 then localhost:4000, pending", got[4])
	}
	// More ids than one statement takes.
	many := make([]int64, 1200)
	for i := range many {
		many[i] = int64(i + 1)
	}
	if got, err := st.ForwardsOf(ctx, many); err != nil || len(got) != 3 {
		t.Errorf("ForwardsOf(1..1200) = %d requests, %v; want 3", len(got), err)
	}
}
