package resources

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/internal/testutil"
	"github.com/axa-assistance-go/axa/pkg/sandbox/data"
)

// newClockedTenancyEnv is newTenancyEnv on a clock the test moves, started
// at the time of day now, so that the trips the helpers quote (starting in
// 30 days of the real date) start in 30 days of the sandbox's too.
func newClockedTenancyEnv(t *testing.T) (*tenancyEnv, *resTest) {
	t.Helper()
	clock := &resTest{}
	clock.nanos.Store(time.Now().UnixNano())
	clock.Resources = New(testConfig(func() time.Time { return time.Unix(0, clock.nanos.Load()).UTC() }), data.NewDataset(1))
	e := &apiEnv{t: t, res: clock.Resources, h: behindValidator(t, strictServer(clock.Resources))}
	return &tenancyEnv{apiEnv: e, alice: e.token("alice"), bob: e.token("bob"), client: e.token("")}, clock
}

// cancelPath is the path of a policy's cancellation.
func cancelPath(id string) string { return "/travel/v1/policies/" + id + "/cancel" }

// A cancellation answers the policy cancelled, with its refund and the
// time; its replay answers the same, marked replayed; a new request for
// the cancelled policy is a 409, however often; reading the policy back
// shows it cancelled.
func TestCancelPolicyAnswersTheCancelledPolicyOnceAndReplays(t *testing.T) {
	e, clock := newClockedTenancyEnv(t)
	_, id := e.issue(e.alice, "q-1", "p-1")
	clock.advance(3 * time.Hour)
	now := clock.cfg.Now().Truncate(time.Second)

	got := e.do(e.alice, http.MethodPost, cancelPath(id), "cancel-1", "")
	if got.Status != http.StatusOK || got.Str("id") != id || got.Str("status") != "cancelled" {
		t.Fatalf("cancel: %d %v", got.Status, got.Body)
	}
	if got.Header.Get("Idempotent-Replayed") != "false" {
		t.Errorf("first cancel: Idempotent-Replayed %q, want false", got.Header.Get("Idempotent-Replayed"))
	}
	if at := got.Str("cancelled_at"); at != now.Format(time.RFC3339) {
		t.Errorf("cancelled_at = %q, want %s", at, now.Format(time.RFC3339))
	}
	refund, _ := got.Body["refund"].(map[string]any)
	premium, _ := got.Body["premium"].(map[string]any)
	if refund == nil || refund["amount"] != premium["amount"] || refund["currency"] != premium["currency"] {
		t.Errorf("refund = %v, want the premium %v", refund, premium)
	}

	clock.advance(time.Minute)
	again := e.do(e.alice, http.MethodPost, cancelPath(id), "cancel-1", "")
	if again.Status != http.StatusOK || again.Header.Get("Idempotent-Replayed") != "true" ||
		again.Str("cancelled_at") != got.Str("cancelled_at") || again.Str("status") != "cancelled" {
		t.Errorf("replay: %d replayed=%q %v, want the first answer again", again.Status, again.Header.Get("Idempotent-Replayed"), again.Body)
	}

	for _, key := range []string{"cancel-2", "cancel-3"} {
		c := e.do(e.alice, http.MethodPost, cancelPath(id), key, "")
		if c.Status != http.StatusConflict || c.Str("error") != "policy_already_cancelled" || c.Str("error_description") == "" {
			t.Errorf("cancel again with %s: %d %v, want 409 policy_already_cancelled", key, c.Status, c.Body)
		}
	}
	if read := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+id, "", ""); read.Str("status") != "cancelled" || read.Str("cancelled_at") != got.Str("cancelled_at") {
		t.Errorf("the policy read back: %v, want it cancelled", read.Body)
	}
}

// From the trip's start date on (UTC), a policy can no longer be
// cancelled: 409 trip_started, and the policy stays issued; the day before,
// it still can.
func TestCancelPolicyOnceTheTripStartedIsAConflict(t *testing.T) {
	e, clock := newClockedTenancyEnv(t)
	_, early := e.issue(e.alice, "q-1", "p-1")
	_, late := e.issue(e.alice, "q-2", "p-2")
	start := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+late, "", "").Str("start_date")
	day, err := time.Parse(time.DateOnly, start)
	if err != nil {
		t.Fatal(err)
	}

	clock.nanos.Store(day.Add(-time.Second).UnixNano()) // 23:59:59 the day before
	if c := e.do(e.alice, http.MethodPost, cancelPath(early), "c-early", ""); c.Status != http.StatusOK {
		t.Errorf("cancel the day before the trip: %d %v", c.Status, c.Body)
	}
	clock.nanos.Store(day.UnixNano()) // midnight, UTC, of the start date
	c := e.do(e.alice, http.MethodPost, cancelPath(late), "c-late", "")
	if c.Status != http.StatusConflict || c.Str("error") != "trip_started" {
		t.Fatalf("cancel on the start date: %d %v, want 409 trip_started", c.Status, c.Body)
	}
	if c.Body["status_code"] != float64(http.StatusConflict) || c.Str("error_description") == "" {
		t.Errorf("409 body: %v, want the API's Error with a description", c.Body)
	}
	clock.advance(60 * 24 * time.Hour)
	if c := e.do(e.alice, http.MethodPost, cancelPath(late), "c-later", ""); c.Status != http.StatusConflict || c.Str("error") != "trip_started" {
		t.Errorf("cancel after the trip: %d %v, want 409 trip_started", c.Status, c.Body)
	}
	if read := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+late, "", ""); read.Str("status") != "issued" || read.Body["refund"] != nil {
		t.Errorf("a refused cancellation changed the policy: %v", read.Body)
	}
}

// Another owner's policy cannot be cancelled, nor its existence learnt: a
// 404 as for getPolicy, and the policy stays issued. A key used for one
// policy and sent for another is refused (422), as with another body.
func TestCancelPolicyOfAnotherOwnerIsNotFound(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	_, alices := e.issue(e.alice, "q-1", "p-1")
	wantNotFound(t, "bob cancelling alice's policy", e.do(e.bob, http.MethodPost, cancelPath(alices), "cancel-1", ""))
	wantNotFound(t, "the client cancelling alice's policy", e.do(e.client, http.MethodPost, cancelPath(alices), "cancel-1", ""))
	wantNotFound(t, "alice cancelling no policy", e.do(e.alice, http.MethodPost, cancelPath("00000000-0000-4000-8000-000000000000"), "cancel-0", ""))
	if read := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+alices, "", ""); read.Str("status") != "issued" {
		t.Fatalf("alice's policy after the others tried: %v", read.Body)
	}

	// The 404 stored nothing: alice's own cancellation with bob's key works.
	if c := e.do(e.alice, http.MethodPost, cancelPath(alices), "cancel-1", ""); c.Status != http.StatusOK {
		t.Fatalf("alice cancelling: %d %v", c.Status, c.Body)
	}
	_, other := e.issue(e.alice, "q-2", "p-2")
	if c := e.do(e.alice, http.MethodPost, cancelPath(other), "cancel-1", ""); c.Status != http.StatusUnprocessableEntity || c.Str("error") != "idempotency_key_reused" {
		t.Errorf("a key of one cancellation sent for another policy: %d %v, want 422 idempotency_key_reused", c.Status, c.Body)
	}
	if read := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+other, "", ""); read.Str("status") != "issued" {
		t.Errorf("the refused request cancelled the other policy: %v", read.Body)
	}
}

// page is one answer of listPolicies.
type page struct {
	status int
	ids    []string
	next   string
	body   map[string]any
}

// list reads one page of token's policies.
func (e *tenancyEnv) list(token string, limit int, cursor string) page {
	e.t.Helper()
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	path := "/travel/v1/policies"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	a := e.do(token, http.MethodGet, path, "", "")
	p := page{status: a.Status, next: a.Str("next_cursor"), body: a.Body}
	items, _ := a.Body["items"].([]any)
	if a.Status == http.StatusOK && items == nil {
		e.t.Errorf("GET %s: no items array: %v", path, a.Body)
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		id, _ := m["id"].(string)
		p.ids = append(p.ids, id)
	}
	if _, present := a.Body["next_cursor"]; present && p.next == "" {
		e.t.Errorf("GET %s: next_cursor present but empty", path)
	}
	return p
}

// all reads every page of token's policies, limit a page.
func (e *tenancyEnv) all(token string, limit int) []string {
	e.t.Helper()
	var ids []string
	cursor := ""
	for range 100 {
		p := e.list(token, limit, cursor)
		if p.status != http.StatusOK {
			e.t.Fatalf("list: %d %v", p.status, p.body)
		}
		if len(p.ids) > limit {
			e.t.Errorf("a page of %d policies, limit %d", len(p.ids), limit)
		}
		ids = append(ids, p.ids...)
		if p.next == "" {
			return ids
		}
		cursor = p.next
	}
	e.t.Fatal("the pages never end")
	return nil
}

// The caller's policies come newest first, in pages of limit, the last
// page without next_cursor; another owner's never appear.
func TestListPoliciesPagesTheOwnersPoliciesNewestFirst(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	var issued []string // oldest first
	for i := range 5 {
		_, id := e.issue(e.alice, fmt.Sprint("q-", i), fmt.Sprint("p-", i))
		issued = append(issued, id)
		if i == 2 {
			e.issue(e.bob, "bob-q", "bob-p")
		}
	}
	newest := slices.Clone(issued)
	slices.Reverse(newest)

	p := e.list(e.alice, 2, "")
	if p.status != http.StatusOK || !slices.Equal(p.ids, newest[:2]) || p.next == "" {
		t.Fatalf("first page: %d %v next %q, want %v and a cursor", p.status, p.ids, p.next, newest[:2])
	}
	p = e.list(e.alice, 2, p.next)
	if !slices.Equal(p.ids, newest[2:4]) || p.next == "" {
		t.Fatalf("second page: %v next %q, want %v", p.ids, p.next, newest[2:4])
	}
	p = e.list(e.alice, 2, p.next)
	if !slices.Equal(p.ids, newest[4:]) || p.next != "" {
		t.Fatalf("last page: %v next %q, want %v and no cursor", p.ids, p.next, newest[4:])
	}
	if got := e.all(e.alice, 5); !slices.Equal(got, newest) {
		t.Errorf("pages of 5: %v, want %v", got, newest)
	}
	if got := e.list(e.alice, 0, ""); !slices.Equal(got.ids, newest) || got.next != "" {
		t.Errorf("default limit: %v next %q, want all five and no cursor", got.ids, got.next)
	}

	if bobs := e.all(e.bob, 2); len(bobs) != 1 || slices.Contains(issued, bobs[0]) {
		t.Errorf("bob's list: %v, want his one policy", bobs)
	}
	if got := e.list(e.client, 10, ""); got.status != http.StatusOK || len(got.ids) != 0 || got.next != "" {
		t.Errorf("the client's list: %d %v %q, want an empty page", got.status, got.ids, got.next)
	}
}

// A policy issued between two pages does not shift them: the next page
// goes on after the last policy seen; a new listing shows it first.
func TestListPoliciesCursorIsStableWhilePoliciesAreIssued(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	var newest []string
	for i := range 4 {
		_, id := e.issue(e.alice, fmt.Sprint("q-", i), fmt.Sprint("p-", i))
		newest = append([]string{id}, newest...)
	}
	first := e.list(e.alice, 2, "")
	_, fresh := e.issue(e.alice, "q-new", "p-new")
	second := e.list(e.alice, 2, first.next)
	if !slices.Equal(second.ids, newest[2:]) || second.next != "" {
		t.Errorf("after a new policy, the second page: %v next %q, want %v", second.ids, second.next, newest[2:])
	}
	if again := e.list(e.alice, 2, ""); len(again.ids) == 0 || again.ids[0] != fresh {
		t.Errorf("a new listing: %v, want the new policy %s first", again.ids, fresh)
	}
}

// The default page is 20 policies; limit is bounded by the spec (1 to 100).
func TestListPoliciesLimit(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	for i := range defaultPageSize + 1 {
		e.issue(e.alice, fmt.Sprint("q-", i), fmt.Sprint("p-", i))
	}
	p := e.list(e.alice, 0, "")
	if len(p.ids) != defaultPageSize || p.next == "" {
		t.Errorf("default page: %d policies, next %q; want %d and a cursor", len(p.ids), p.next, defaultPageSize)
	}
	if rest := e.list(e.alice, 0, p.next); len(rest.ids) != 1 || rest.next != "" {
		t.Errorf("after the default page: %v next %q, want one policy", rest.ids, rest.next)
	}
	for _, limit := range []string{"0", "101", "-1", "ten"} {
		if a := e.do(e.alice, http.MethodGet, "/travel/v1/policies?limit="+limit, "", ""); a.Status != http.StatusBadRequest {
			t.Errorf("limit=%s: %d %v, want 400", limit, a.Status, a.Body)
		}
	}
}

// A cursor the API did not give is a 400 invalid_cursor naming the
// parameter, whatever it looks like.
func TestListPoliciesBadCursorIs400(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	e.issue(e.alice, "q-1", "p-1")
	b64 := base64.RawURLEncoding.EncodeToString
	for _, c := range []string{"garbage!", b64([]byte("p1:abc")), b64([]byte("p1:0")), b64([]byte("p1:007")), b64([]byte("p2:7")), b64([]byte("p1:-7")), "cDox="} {
		p := e.list(e.alice, 2, c)
		problems, _ := p.body["problems"].([]any)
		first, _ := func() (map[string]any, bool) {
			if len(problems) == 0 {
				return nil, false
			}
			m, ok := problems[0].(map[string]any)
			return m, ok
		}()
		if p.status != http.StatusBadRequest || p.body["error"] != "invalid_cursor" || first["location"] != "query/cursor" {
			t.Errorf("cursor %q: %d %v, want 400 invalid_cursor at query/cursor", c, p.status, p.body)
		}
	}
	if a := e.do(e.alice, http.MethodGet, "/travel/v1/policies?cursor=", "", ""); a.Status != http.StatusBadRequest {
		t.Errorf("an empty cursor: %d %v, want 400", a.Status, a.Body)
	}
}

// A cancelled policy is listed cancelled.
func TestListPoliciesShowsCancellations(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	_, id := e.issue(e.alice, "q-1", "p-1")
	if c := e.do(e.alice, http.MethodPost, cancelPath(id), "c-1", ""); c.Status != http.StatusOK {
		t.Fatalf("cancel: %d %v", c.Status, c.Body)
	}
	p := e.list(e.alice, 1, "")
	items, _ := p.body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["status"] != "cancelled" {
		t.Errorf("list after cancel: %v", p.body)
	}
}

// getRaw sends a GET with token through the validator and returns the
// answer as sent: status, headers and bytes.
func (e *tenancyEnv) getRaw(token, path string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// The certificate is served at the URL the policy's certificate document
// names, as a PDF a reader opens naming the policy and its holder, to the
// policy's owner only; a cancelled policy's says so.
func TestCertificateIsServedAtTheURLThePolicyNames(t *testing.T) {
	e, _ := newClockedTenancyEnv(t)
	_, id := e.issue(e.alice, "q-1", "p-1")
	p := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+id, "", "")
	var certURL string
	docs, _ := p.Body["documents"].([]any)
	for _, d := range docs {
		if m, _ := d.(map[string]any); m["kind"] == "certificate" {
			certURL, _ = m["url"].(string)
		}
	}
	u, err := url.Parse(certURL)
	if err != nil || u.Scheme != "https" || u.Host != "apis.axa-assistance.com" {
		t.Fatalf("the certificate's URL %q is not under the API's base URL", certURL)
	}
	if op, params, ok := gen.MatchOperation(http.MethodGet, u.Path); !ok || op != gen.OperationGetPolicyCertificate || !slices.Equal(params, []string{id}) {
		t.Fatalf("the certificate's URL %s is not getPolicyCertificate's path: %v %v", u.Path, op, params)
	}

	rec := e.getRaw(e.alice, u.Path)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || rec.Header().Get("Content-Length") != fmt.Sprint(rec.Body.Len()) {
		t.Fatalf("GET %s: %d %v", u.Path, rec.Code, rec.Header())
	}
	text := strings.Join(strings.Fields(testutil.ReadPDF(t, rec.Body.Bytes()).Text), " ")
	for _, want := range []string{p.Str("policy_number"), "Camille Martin", "Issued, in force"} {
		if !strings.Contains(text, want) {
			t.Errorf("the certificate's text lacks %q:\n%s", want, text)
		}
	}

	for who, token := range map[string]string{"bob": e.bob, "the client": e.client} {
		rec := e.getRaw(token, u.Path)
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), p.Str("policy_number")) || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s downloading alice's certificate: %d %s %q, want the 404 of no such policy", who, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}

	if c := e.do(e.alice, http.MethodPost, cancelPath(id), "c-1", ""); c.Status != http.StatusOK {
		t.Fatalf("cancel: %d %v", c.Status, c.Body)
	}
	text = strings.Join(strings.Fields(testutil.ReadPDF(t, e.getRaw(e.alice, u.Path).Body.Bytes()).Text), " ")
	if !strings.Contains(text, "Cancelled on") {
		t.Errorf("a cancelled policy's certificate:\n%s", text)
	}
}

// The spec's example cursors are cursors of the sandbox's form, so that a
// run that sends the examples (axa conform does) gets a page, not a 400.
func TestTheSpecsExampleCursorsAreCursors(t *testing.T) {
	op := testutil.Spec(t).Paths.Value("/travel/v1/policies").Get
	var examples []any
	for _, p := range op.Parameters {
		if p.Value.Name == "cursor" {
			examples = append(examples, p.Value.Example, p.Value.Schema.Value.Example)
		}
	}
	page, _ := op.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Example.(map[string]any)
	examples = append(examples, page["next_cursor"])
	checked := 0
	for _, ex := range examples {
		if ex == nil {
			continue
		}
		checked++
		if s, _ := ex.(string); s == "" {
			t.Errorf("example cursor %v is not a string", ex)
		} else if _, err := decodeCursor(s); err != nil {
			t.Errorf("example cursor %q: %v", s, err)
		}
	}
	if checked < 2 {
		t.Errorf("found %d example cursors, want the parameter's and the answer's", checked)
	}
}

// An owner keeps its newest MaxRecordsPerOwner policies: one pushed out is
// a 404 not_found to read, cancel or download, as one that never existed,
// and is out of the list. A cursor stays good whatever was pushed out: the
// next page holds the kept policies older than its position, so a reader
// paging while new policies push old ones out goes on where it was, and a
// position older than the oldest kept (its policy pushed out, and every
// older one with it) gives the last page, empty, without next_cursor.
func TestListAndReadPoliciesPushedOutOfTheBound(t *testing.T) {
	e, clock := newClockedTenancyEnv(t)
	alice := userOwner(testClient, "alice")
	fill := func(n int) {
		t.Helper()
		for range n {
			issueFrom(t, e.res.store, alice, clock.cfg.Now())
		}
	}
	var issued []string // oldest first
	for i := range 3 {
		_, id := e.issue(e.alice, fmt.Sprint("q-", i), fmt.Sprint("p-", i))
		issued = append(issued, id)
	}
	afterNewest := e.list(e.alice, 1, "").next // after issued[2]
	afterSecond := e.list(e.alice, 2, "").next // after issued[1]
	if afterNewest == "" || afterSecond == "" {
		t.Fatal("no cursor before the bound is reached")
	}
	fill(MaxRecordsPerOwner - 1) // issued[0] and issued[1] are pushed out
	for _, id := range issued[:2] {
		wantNotFound(t, "reading a policy pushed out", e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+id, "", ""))
		wantNotFound(t, "cancelling a policy pushed out", e.do(e.alice, http.MethodPost, cancelPath(id), "cancel-"+id, ""))
		wantNotFound(t, "its certificate", e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+id+"/certificate.pdf", "", ""))
	}
	if got := e.do(e.alice, http.MethodGet, "/travel/v1/policies/"+issued[2], "", ""); got.Status != http.StatusOK {
		t.Errorf("reading the oldest kept policy: %d %v", got.Status, got.Body)
	}
	for name, c := range map[string]string{"after the oldest kept": afterNewest, "after a policy pushed out": afterSecond} {
		if p := e.list(e.alice, 10, c); p.status != http.StatusOK || len(p.ids) != 0 || p.next != "" {
			t.Errorf("a cursor %s: %d %v next %q, want the last page, empty", name, p.status, p.ids, p.next)
		}
	}

	// A reader half-way through its pages while new policies push the
	// oldest out goes on where it was.
	first := e.list(e.alice, maxPageSize, "")
	kept, _ := e.res.store.listPolicies(alice, 0, MaxRecordsPerOwner+1) // the whole list, newest first
	all := make([]string, 0, len(kept))
	for _, p := range kept {
		all = append(all, p.ID.String())
	}
	if !slices.Equal(first.ids, all[:maxPageSize]) {
		t.Fatal("the first page is not the newest policies")
	}
	if len(all) != MaxRecordsPerOwner || all[len(all)-1] != issued[2] || slices.Contains(all, issued[0]) || slices.Contains(all, issued[1]) {
		t.Fatalf("the whole list: %d policies ending with %s, want %d ending with %s", len(all), all[len(all)-1], MaxRecordsPerOwner, issued[2])
	}
	fill(150)
	second := e.list(e.alice, maxPageSize, first.next)
	if !slices.Equal(second.ids, all[maxPageSize:2*maxPageSize]) || second.next == "" {
		t.Errorf("the second page after 150 more policies: %d policies, not the ones after the first page", len(second.ids))
	}
	if n := e.res.store.policyCount(); n != MaxRecordsPerOwner {
		t.Errorf("the store holds %d policies of alice, want %d", n, MaxRecordsPerOwner)
	}
}
