package resources

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/axa-assistance-go/axa/gen"
)

// The reference data (countries and their cards, alerts, provider kinds and
// specialities) is fixed by the sandbox's seed: an answer depends only on
// its operation, its parameters, the language and, for some, the date or
// the hour of the sandbox clock. Each is encoded once, when first asked
// for, and kept with a strong ETag (a digest of its language and bytes);
// a GET whose If-None-Match matches answers 304 without a body (RFC 9110
// sections 13.1.2 and 15.4.5).

// maxAnswerAge is the longest max-age of a reference answer (the spec's
// CacheControlReference): a client's copy is never more than five minutes
// older than the data, and never outlives the date or hour it was made for.
const maxAnswerAge = 300 * time.Second

// varyAnswer is the Vary of every reference answer: the labels follow
// Accept-Language.
const varyAnswer = "Accept-Language"

// answerKey names one reference answer.
type answerKey struct {
	op       gen.OperationID
	id       string // the country, "" for the lists
	minLevel string // the alerts' min_level, "" without one
	lang     int    // the index of the language (data.Dataset.Language)
}

// encodedAnswer is one reference answer, encoded.
type encodedAnswer struct {
	epoch  time.Time // the date or hour it is valid for; zero when timeless
	body   []byte    // as the generated strict server would write it
	length string    // len(body), for Content-Length
	etag   string    // strong, quoted
	lang   string    // Content-Language
}

// answerCache holds the encoded answers of one Resources (one seed). Its
// keys are bounded by the operations, the countries, the alert levels and
// the languages; an answer made for a past date or hour is replaced.
type answerCache struct {
	m sync.Map // answerKey → *encodedAnswer
}

// validity tells how long an answer stays the same: for ever, until the
// next day, or until the next hour of the sandbox clock.
type validity int

const (
	timeless validity = iota
	daily
	hourly
)

// epoch is the date or hour now belongs to, zero for a timeless answer.
func (v validity) epoch(now time.Time) time.Time {
	switch v {
	case daily:
		return dateOf(now)
	case hourly:
		return now.UTC().Truncate(time.Hour)
	}
	return time.Time{}
}

// maxAge is the max-age of an answer of epoch at now: maxAnswerAge, or
// less when the answer changes sooner.
func (v validity) maxAge(epoch, now time.Time) int {
	age := maxAnswerAge
	switch v {
	case daily:
		age = min(age, epoch.AddDate(0, 0, 1).Sub(now))
	case hourly:
		age = min(age, epoch.Add(time.Hour).Sub(now))
	}
	return max(0, int(age/time.Second))
}

// answer returns the reference answer of key for the request's
// If-None-Match (nil when absent): the encoded answer, built by build (its
// body and Content-Language) when missing or made for another epoch, as a
// 200, or as a 304 when If-None-Match matches its ETag. build makes the
// body for now, the instant the epoch is of: it must not read the clock
// again, which may have passed into the next epoch meanwhile.
func (r *Resources) answer(key answerKey, v validity, ifNoneMatch *string, build func(now time.Time) (any, string)) (refAnswer, error) {
	now := r.cfg.Now()
	epoch := v.epoch(now)
	var a *encodedAnswer
	if got, ok := r.answers.m.Load(key); ok && got.(*encodedAnswer).epoch.Equal(epoch) {
		a = got.(*encodedAnswer)
	} else {
		body, lang := build(now)
		var buf bytes.Buffer
		// As the generated strict server encodes a 200: same bytes.
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return refAnswer{}, err
		}
		a = &encodedAnswer{epoch: epoch, body: buf.Bytes(), length: strconv.Itoa(buf.Len()), etag: strongETag(lang, buf.Bytes()), lang: lang}
		r.answers.m.Store(key, a)
	}
	return refAnswer{
		encodedAnswer: a,
		maxAge:        v.maxAge(epoch, now),
		notModified:   ifNoneMatch != nil && etagListMatches(*ifNoneMatch, a.etag),
	}, nil
}

// strongETag is the entity tag of a body in a language: the first 128 bits
// of the SHA-256 of both, unpadded base64url, quoted.
func strongETag(lang string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(lang))
	h.Write([]byte{0})
	h.Write(body)
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// etagListMatches evaluates If-None-Match's field value against the current
// strong entity tag etag (RFC 9110 section 13.1.2): "*" matches any
// current representation; otherwise one of the listed entity tags must
// match by weak comparison (W/"x" matches "x"). A field that is not a list
// of entity tags matches nothing: the full answer is sent.
func etagListMatches(field, etag string) bool {
	field = strings.TrimSpace(field)
	if field == "*" {
		return true
	}
	matched := false
	for field != "" {
		tag := strings.TrimPrefix(field, "W/")
		if !strings.HasPrefix(tag, `"`) {
			return false
		}
		end := strings.IndexByte(tag[1:], '"')
		if end < 0 {
			return false
		}
		matched = matched || tag[:end+2] == etag
		field = strings.TrimLeft(tag[end+2:], " \t")
		if field == "" {
			break
		}
		if field[0] != ',' {
			return false
		}
		field = strings.TrimLeft(field, " \t,")
	}
	return matched
}

// refAnswer is a reference answer as the strict server writes it: its
// 200 with the encoded body, or its 304 without one; both with ETag,
// Cache-Control and Vary.
type refAnswer struct {
	*encodedAnswer
	maxAge      int
	notModified bool
}

// fullAgeCacheControl is cacheControl of maxAnswerAge, made once
// (TestFullAgeCacheControl).
const fullAgeCacheControl = "private, max-age=300"

// cacheControl is the Cache-Control of an answer of maxAge seconds.
func cacheControl(maxAge int) string { return "private, max-age=" + strconv.Itoa(maxAge) }

// write writes the answer. Its header fields are set by their canonical
// names (http.Header.Set's, without the work), their values in one
// allocation, each slice capped so that an Add elsewhere copies it.
func (a refAnswer) write(w http.ResponseWriter) error {
	h := w.Header()
	values := make([]string, 0, 6)
	set := func(canonical, v string) {
		values = append(values, v)
		h[canonical] = values[len(values)-1 : len(values) : len(values)]
	}
	cc := fullAgeCacheControl
	if a.maxAge != int(maxAnswerAge/time.Second) {
		cc = cacheControl(a.maxAge)
	}
	set("Etag", a.etag)
	set("Cache-Control", cc)
	set("Vary", varyAnswer)
	if a.notModified {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	set("Content-Type", "application/json")
	set("Content-Language", a.lang)
	set("Content-Length", a.length)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}

// The answer of each operation of the reference data.

// VisitListCountriesResponse writes the answer.
func (a refAnswer) VisitListCountriesResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitGetCountryResponse writes the answer.
func (a refAnswer) VisitGetCountryResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitGetCountryHealthResponse writes the answer.
func (a refAnswer) VisitGetCountryHealthResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitGetCountrySecurityResponse writes the answer.
func (a refAnswer) VisitGetCountrySecurityResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitListAlertsResponse writes the answer.
func (a refAnswer) VisitListAlertsResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitListCountryAlertsResponse writes the answer.
func (a refAnswer) VisitListCountryAlertsResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitListProviderKindsResponse writes the answer.
func (a refAnswer) VisitListProviderKindsResponse(w http.ResponseWriter) error { return a.write(w) }

// VisitListProviderSpecialitiesResponse writes the answer.
func (a refAnswer) VisitListProviderSpecialitiesResponse(w http.ResponseWriter) error {
	return a.write(w)
}
