package resources

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/gen/server"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/reqctx"
)

// decodedAnswer is a reference answer decoded: its body, Content-Language
// and ETag.
type decodedAnswer[B any] struct {
	Body B
	Lang string
	ETag string
}

// answerOf decodes got, a handler's answer, as a 200 reference answer
// whose body is a B.
func answerOf[B any](t testing.TB, got any) decodedAnswer[B] {
	t.Helper()
	a, ok := got.(refAnswer)
	if !ok || a.encodedAnswer == nil {
		t.Fatalf("the handler answered %T, not a reference answer", got)
	}
	if a.notModified {
		t.Fatal("the handler answered 304")
	}
	var out decodedAnswer[B]
	if err := json.Unmarshal(a.body, &out.Body); err != nil {
		t.Fatal(err)
	}
	out.Lang, out.ETag = a.lang, a.etag
	return out
}

// legacyJSON is what TestDataAnswersAreUnchanged digests of an answer: the
// JSON of the generated 200 response the handlers answered before they
// encoded their answers once (Body, then Headers with ContentLanguage), so
// that the digests still compare the bytes served with the data's.
func legacyJSON(v any) any {
	a, ok := v.(refAnswer)
	if !ok {
		return v
	}
	lang := a.lang
	return struct {
		Body    json.RawMessage
		Headers struct{ ContentLanguage *string }
	}{Body: a.body, Headers: struct{ ContentLanguage *string }{&lang}}
}

// refHTTP is the resources of seed 1 behind the generated strict server,
// without validation, at a clock the test moves.
type refHTTP struct {
	*resTest
	h http.Handler
}

func newRefHTTP(t *testing.T, now time.Time) *refHTTP {
	r := newResTest(t, 1, now)
	return &refHTTP{resTest: r, h: strictServer(r.Resources)}
}

// get sends GET path with the headers given as name, value pairs.
func (e *refHTTP) get(t *testing.T, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	ctx := reqctx.WithClaims(context.Background(), &reqctx.Claims{ClientID: testClient})
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	return w
}

var cacheControlRE = regexp.MustCompile(`^private, max-age=([0-9]+)$`)

// maxAge returns the max-age of an answer's Cache-Control, failing the
// test when it is not the spec's form.
func maxAge(t *testing.T, w *httptest.ResponseRecorder) int {
	t.Helper()
	m := cacheControlRE.FindStringSubmatch(w.Header().Get("Cache-Control"))
	if m == nil {
		t.Fatalf("Cache-Control %q", w.Header().Get("Cache-Control"))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Every reference operation answers ETag, Cache-Control and Vary, and a 304
// without a body to a matching If-None-Match, with the same headers.
func TestConditionalEveryReferenceOperation(t *testing.T) {
	e := newRefHTTP(t, testNow)
	for _, path := range []string{
		"/travel/v1/countries", "/travel/v1/countries/alerts", "/travel/v1/countries/alerts?min_level=high",
		"/travel/v1/countries/fr", "/travel/v1/countries/fr/health_cards", "/travel/v1/countries/fr/security_cards",
		"/travel/v1/countries/fr/alerts", "/health/v1/medical_providers/kinds", "/health/v1/medical_providers/specialities",
	} {
		t.Run(path, func(t *testing.T) {
			w := e.get(t, path)
			etag := w.Header().Get("ETag")
			if w.Code != http.StatusOK || !regexp.MustCompile(`^"[A-Za-z0-9_-]{22}"$`).MatchString(etag) ||
				w.Header().Get("Vary") != "Accept-Language" || maxAge(t, w) > 300 || w.Body.Len() == 0 {
				t.Fatalf("%d ETag %q Vary %q Cache-Control %q", w.Code, etag, w.Header().Get("Vary"), w.Header().Get("Cache-Control"))
			}
			if got := w.Header().Get("Content-Length"); got != strconv.Itoa(w.Body.Len()) {
				t.Errorf("Content-Length %s for %d bytes", got, w.Body.Len())
			}
			again := e.get(t, path)
			if again.Header().Get("ETag") != etag || again.Body.String() != w.Body.String() {
				t.Error("the same request answered another ETag or body")
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, `"a,b" ,W/` + etag + `, "c"`, "*", " * "} {
				nm := e.get(t, path, "If-None-Match", inm)
				if nm.Code != http.StatusNotModified || nm.Body.Len() != 0 || nm.Header().Get("ETag") != etag ||
					nm.Header().Get("Vary") != "Accept-Language" || nm.Header().Get("Content-Type") != "" {
					t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q, headers %v", inm, nm.Code, nm.Body.Len(), nm.Header().Get("ETag"), nm.Header())
				}
				maxAge(t, nm)
			}
			for _, inm := range []string{`"other"`, `W/"other"`, strings.Trim(etag, `"`), etag + `x`, `"other" ` + etag, "", "**"} {
				if got := e.get(t, path, "If-None-Match", inm); got.Code != http.StatusOK || got.Body.String() != w.Body.String() {
					t.Errorf("If-None-Match %s: %d, want the 200", inm, got.Code)
				}
			}
		})
	}
}

// The ETag follows the language, and is the same for the same language
// however it is asked for; alerts, not translated, have one.
func TestConditionalETagPerLanguage(t *testing.T) {
	e := newRefHTTP(t, testNow)
	en := e.get(t, "/travel/v1/countries").Header().Get("ETag")
	fr := e.get(t, "/travel/v1/countries", "Accept-Language", "fr").Header().Get("ETag")
	frFR := e.get(t, "/travel/v1/countries", "Accept-Language", "fr-FR,fr;q=0.9").Header().Get("ETag")
	if en == fr || fr != frFR {
		t.Errorf("ETags en %s, fr %s, fr-FR %s", en, fr, frFR)
	}
	if got := e.get(t, "/travel/v1/countries", "Accept-Language", "fr", "If-None-Match", en); got.Code != http.StatusOK {
		t.Errorf("the English ETag revalidated the French list: %d", got.Code)
	}
	a := e.get(t, "/travel/v1/countries/alerts").Header().Get("ETag")
	if b := e.get(t, "/travel/v1/countries/alerts", "Accept-Language", "de").Header().Get("ETag"); a != b {
		t.Errorf("alerts ETags %s and %s", a, b)
	}
}

// max-age never runs past the next change of the answer: the next day for
// the country cards, the next hour for alerts; the lists keep 300 s.
func TestConditionalMaxAgeStopsAtTheNextChange(t *testing.T) {
	e := newRefHTTP(t, time.Date(2026, 11, 25, 23, 59, 0, 0, time.UTC))
	for path, want := range map[string]int{
		"/travel/v1/countries":                 300,
		"/travel/v1/countries/fr":              60,
		"/travel/v1/countries/fr/health_cards": 60,
		"/travel/v1/countries/alerts":          60,
		"/health/v1/medical_providers/kinds":   300,
	} {
		if got := maxAge(t, e.get(t, path)); got != want {
			t.Errorf("%s at 23:59: max-age %d, want %d", path, got, want)
		}
	}
	e.advance(30 * time.Minute) // 00:29 the next day
	if got := maxAge(t, e.get(t, "/travel/v1/countries/alerts")); got != 300 {
		t.Errorf("alerts at 00:29: max-age %d", got)
	}
	e.advance(28*time.Minute + 30*time.Second) // 00:57:30
	if got := maxAge(t, e.get(t, "/travel/v1/countries/fr/alerts")); got != 150 {
		t.Errorf("a country's alerts at 00:57:30: max-age %d", got)
	}
}

// An answer made for a past date or hour is made again: its ETag changes,
// and the old one no longer revalidates.
func TestConditionalAnswersFollowTheClock(t *testing.T) {
	e := newRefHTTP(t, testNow)
	for _, path := range []string{"/travel/v1/countries/fr/health_cards", "/travel/v1/countries/alerts"} {
		w := e.get(t, path)
		old := w.Header().Get("ETag")
		e.advance(24 * time.Hour)
		later := e.get(t, path, "If-None-Match", old)
		if later.Code != http.StatusOK || later.Header().Get("ETag") == old || later.Body.String() == w.Body.String() {
			t.Errorf("%s a day later: %d, ETag %s (was %s)", path, later.Code, later.Header().Get("ETag"), old)
		}
	}
	// The list does not depend on the date.
	w := e.get(t, "/travel/v1/countries")
	e.advance(24 * time.Hour)
	if got := e.get(t, "/travel/v1/countries", "If-None-Match", w.Header().Get("ETag")); got.Code != http.StatusNotModified {
		t.Errorf("the list a day later: %d", got.Code)
	}
}

// A country that does not exist is a 404 whatever If-None-Match says.
func TestConditionalUnknownCountry(t *testing.T) {
	e := newRefHTTP(t, testNow)
	if got := e.get(t, "/travel/v1/countries/xx", "If-None-Match", "*"); got.Code != http.StatusNotFound {
		t.Errorf("If-None-Match * on an unknown country: %d", got.Code)
	}
}

// The answers a handler keeps are its own: reading them concurrently, from
// several languages and clocks, does not race.
func TestConditionalConcurrent(t *testing.T) {
	e := newRefHTTP(t, testNow)
	fr := "fr"
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				_, _ = e.ListCountries(context.Background(), server.ListCountriesRequestObject{Params: gen.ListCountriesParams{AcceptLanguage: &fr}})
				_, _ = e.GetCountry(context.Background(), server.GetCountryRequestObject{CountryID: "jp"})
				if i == 0 {
					e.advance(time.Hour)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}

func TestETagListMatches(t *testing.T) {
	const etag = `"abc"`
	for field, want := range map[string]bool{
		`"abc"`: true, `W/"abc"`: true, `"x","abc"`: true, ` "x" , W/"abc" `: true, `*`: true,
		`"x"`: false, `abc`: false, `"abc`: false, `"x" "abc"`: false, ``: false, `W/`: false, `"a,b"`: false, `,,`: false,
	} {
		if got := etagListMatches(field, etag); got != want {
			t.Errorf("If-None-Match %q against %s: %v, want %v", field, etag, got, want)
		}
	}
}

// TestFullAgeCacheControl: the Cache-Control written for an answer of
// maxAnswerAge is cacheControl's, as for any other age.
func TestFullAgeCacheControl(t *testing.T) {
	if got, want := fullAgeCacheControl, cacheControl(int(maxAnswerAge/time.Second)); got != want {
		t.Fatalf("fullAgeCacheControl = %q, want %q", got, want)
	}
}
