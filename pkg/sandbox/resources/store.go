package resources

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/axa-assistance-go/axa/gen"
	"github.com/axa-assistance-go/axa/pkg/sandbox/internal/apierr"
)

// idempotencyRetention is how long an answer is kept for replay.
const idempotencyRetention = 24 * time.Hour

// MaxRecordsPerOwner bounds what the sandbox keeps for one owner (a client,
// or a user through a client): its newest quotes, its newest policies, and
// its newest Idempotency-Keys, each. A quote pushed out answers as one that
// does not exist (quote_not_found); a policy pushed out too, to read,
// cancel or download (404 not_found), and it leaves listPolicies, whose
// cursors stay good (see store.listPolicies); a key pushed out acts
// afresh. The bound keeps a long load test's memory, and the garbage
// collector's work, flat.
const MaxRecordsPerOwner = 10_000

// owner is who a quote, a policy or an idempotency record belongs to: a
// client, for what it does under its own token (client credentials grant),
// or one user of a client, for what is done under that user's token
// (password and authorization code grants: the token's sub). Whoever is not
// the owner finds nothing: another user of the same client, the client
// itself, the same user through another client.
//
// An owner is a string, injective over (client, user): a client's own key is
// its bare ID; a user's, a NUL-led pair of quoted strings, which no bare ID
// equals, since a client ID that starts with NUL is quoted too.
type owner string

// clientOwner is a client acting on its own behalf.
func clientOwner(clientID string) owner {
	if strings.HasPrefix(clientID, "\x00") {
		return owner("\x00c" + strconv.Quote(clientID))
	}
	return owner(clientID)
}

// userOwner is a user acting through a client.
func userOwner(clientID, subject string) owner {
	return owner("\x00u" + strconv.Quote(clientID) + strconv.Quote(subject))
}

// store keeps the quotes, the policies and the idempotency records of the
// sandbox, in memory, for every owner. One mutex guards it all: issuing a
// policy checks the quote and records the policy atomically.
type store struct {
	mu          sync.Mutex
	quotes      map[uuid.UUID]*quoteRecord
	policies    map[uuid.UUID]*policyRecord
	quotePolicy map[uuid.UUID]string // the number of the policy issued from a quote
	idem        map[idemKey]*idemRecord
	lastNumber  uint64 // of the last policy issued
	// quoteOrder and idemOrder are each owner's quotes and Idempotency-Keys
	// in the order they came: the oldest is dropped past
	// MaxRecordsPerOwner, and expired keys from the front, never by a walk
	// of the whole store.
	quoteOrder map[owner]*fifo[uuid.UUID]
	idemOrder  map[owner]*idemQueue
	// ownerPolicies are each owner's policies in the order they were
	// issued (ascending seq), for listPolicies: the oldest is dropped past
	// MaxRecordsPerOwner.
	ownerPolicies map[owner]*fifo[*policyRecord]
}

// quoteRecord is a quote and what issuing a policy from it checks.
type quoteRecord struct {
	owner      owner
	quote      gen.Quote
	birthDates []string // the travellers', sorted, as YYYY-MM-DD
}

// policyRecord is a policy, its owner, and its place in the order of
// issue: seq is the number of its policy number, which only grows.
type policyRecord struct {
	owner  owner
	seq    uint64
	policy gen.Policy
}

// idemKey scopes an Idempotency-Key to the owner that sent it.
type idemKey struct {
	owner owner
	key   string
}

// idemRecord is the fate of the first request with an Idempotency-Key.
type idemRecord struct {
	fp      *fingerprint
	done    bool
	answer  any
	created time.Time
}

// idemState says what to do with a request carrying an Idempotency-Key.
type idemState int

// The states of an idempotent request.
const (
	idemNew      idemState = iota // first of its key: act, then finish or abandon
	idemReplay                    // answer the stored answer again
	idemInFlight                  // the first request is still being processed: 409
	idemMismatch                  // the key was used with another body: 422
)

// newStore returns an empty store.
func newStore() *store {
	return &store{
		quotes:      map[uuid.UUID]*quoteRecord{},
		policies:    map[uuid.UUID]*policyRecord{},
		quotePolicy: map[uuid.UUID]string{},
		idem:        map[idemKey]*idemRecord{},
		quoteOrder:  map[owner]*fifo[uuid.UUID]{},
		idemOrder:   map[owner]*idemQueue{},

		ownerPolicies: map[owner]*fifo[*policyRecord]{},
	}
}

// orderOf returns the queue of o in m, made on first use.
func orderOf[T any](m map[owner]*fifo[T], o owner) *fifo[T] {
	q, ok := m[o]
	if !ok {
		q = &fifo[T]{}
		m[o] = q
	}
	return q
}

// fingerprint is what an Idempotency-Key's record remembers of its
// request, to tell whether another request with the key is the same: two
// requests are when their operations and decoded bodies are, whatever
// their JSON's spacing or order of members. The digest of the body's bytes
// says so without decoding anything in the common case, the same bytes
// sent again; other bytes are compared by the digest of their decoded
// body's canonical JSON (requestHash), worked out then, once.
type fingerprint struct {
	operation string
	body      any
	// raw is the digest of the operation and the bytes body was decoded
	// from, nil when they are not known.
	raw *[sha256.Size]byte
	// canonical is requestHash of operation and body, nil until needed.
	canonical *[sha256.Size]byte
}

// newFingerprint is the fingerprint of a request to operation whose body
// decodes to body: from raw, the bytes it was decoded from, when they are
// known (nil otherwise: the canonical digest is then worked out at once,
// and an error is the body's that cannot be encoded).
func newFingerprint(operation string, body any, raw []byte) (*fingerprint, error) {
	fp := &fingerprint{operation: operation, body: body}
	if raw != nil {
		h := sha256.New()
		h.Write([]byte(operation))
		h.Write([]byte{0})
		h.Write(raw)
		var sum [sha256.Size]byte
		h.Sum(sum[:0])
		fp.raw = &sum
		return fp, nil
	}
	if _, err := fp.digest(); err != nil {
		return nil, err
	}
	return fp, nil
}

// hashFingerprint is a fingerprint known only by a digest: equal to
// another only if it has the same digest.
func hashFingerprint(hash [sha256.Size]byte) *fingerprint {
	return &fingerprint{canonical: &hash}
}

// digest returns the canonical digest, working it out once.
func (f *fingerprint) digest() ([sha256.Size]byte, error) {
	if f.canonical == nil {
		h, err := requestHash(f.operation, f.body)
		if err != nil {
			return h, err
		}
		f.canonical = &h
	}
	return *f.canonical, nil
}

// same reports whether f and g are the fingerprints of the same request.
func (f *fingerprint) same(g *fingerprint) bool {
	if f.raw != nil && g.raw != nil && *f.raw == *g.raw {
		return true
	}
	a, errA := f.digest()
	b, errB := g.digest()
	return errA == nil && errB == nil && a == b
}

// requestHash fingerprints a request: its operation and the canonical JSON
// of its decoded body (json.Marshal is deterministic for structs).
func requestHash(operation string, body any) ([sha256.Size]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("sandbox: hash of the request body: %w", err)
	}
	return sha256.Sum256(append([]byte(operation+"\x00"), b...)), nil
}

// idemEntry is an Idempotency-Key in its owner's queue, with the record
// it was queued for: a key abandoned and sent again is queued again, and
// only the entry of its current record may drop it.
type idemEntry struct {
	key string
	rec *idemRecord
}

// idemQueue is an owner's Idempotency-Keys in the order they came, and how
// many of them have a record: the bound counts keys, not queue entries.
type idemQueue struct {
	fifo[idemEntry]
	live int
}

// expired reports whether a finished request's answer is past its
// retention at now; a request in flight never expires.
func (r *idemRecord) expired(now time.Time) bool {
	return r.done && now.Sub(r.created) > idempotencyRetention
}

// beginIdempotent reserves an Idempotency-Key for an owner's request, or
// tells why not: the stored answer (idemReplay), a request still in flight
// (idemInFlight) or another body (idemMismatch). After idemNew, the caller
// must call finishIdempotent or abandonIdempotent.
//
// An owner keeps its newest MaxRecordsPerOwner keys: only a new key pushes
// the oldest out, and a key in flight is never pushed out (nor what came
// after it). An answer past its retention is never replayed: the key acts
// afresh.
func (s *store) beginIdempotent(o owner, key string, hash [sha256.Size]byte, now time.Time) (idemState, any) {
	return s.beginFingerprint(o, key, hashFingerprint(hash), now)
}

// beginFingerprint is beginIdempotent for a request's fingerprint: a
// record's is compared with it under the store's lock, which may encode
// both bodies (requestHash) when their bytes differ.
func (s *store) beginFingerprint(o owner, key string, fp *fingerprint, now time.Time) (idemState, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.idemOrder[o]
	if !ok {
		q = &idemQueue{}
		s.idemOrder[o] = q
	}
	// Forget o's expired answers from the front, and the entries of
	// abandoned records.
	for q.len() > 0 {
		e := q.front()
		if r := s.idem[idemKey{o, e.key}]; r == e.rec {
			if !r.expired(now) {
				break
			}
			delete(s.idem, idemKey{o, e.key})
			q.live--
		}
		q.pop()
	}
	k := idemKey{o, key}
	r, ok := s.idem[k]
	if ok && r.expired(now) { // behind a key still in flight
		delete(s.idem, k)
		q.live--
		ok = false
	}
	switch {
	case !ok:
		for q.live >= MaxRecordsPerOwner && q.len() > 0 {
			e := q.front()
			if r := s.idem[idemKey{o, e.key}]; r == e.rec {
				if !r.done {
					break
				}
				delete(s.idem, idemKey{o, e.key})
				q.live--
			}
			q.pop()
		}
		r = &idemRecord{fp: fp, created: now}
		s.idem[k] = r
		q.push(idemEntry{key: key, rec: r})
		q.live++
		return idemNew, nil
	case !r.fp.same(fp):
		return idemMismatch, nil
	case !r.done:
		return idemInFlight, nil
	default:
		return idemReplay, r.answer
	}
}

// finishIdempotent stores the answer of a request that began with idemNew.
func (s *store) finishIdempotent(o owner, key string, answer any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.idem[idemKey{o, key}]; ok {
		r.done, r.answer = true, answer
	}
}

// abandonIdempotent forgets a request that began with idemNew and failed,
// so that it can be retried with the same key. Its queue entry stays, and
// is dropped once at the front.
func (s *store) abandonIdempotent(o owner, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.idem[idemKey{o, key}]; ok && !r.done {
		delete(s.idem, idemKey{o, key})
		s.idemOrder[o].live--
	}
}

// addQuote records an owner's quote.
func (s *store) addQuote(o owner, q gen.Quote, birthDates []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotes[q.ID] = &quoteRecord{owner: o, quote: q, birthDates: birthDates}
	order := orderOf(s.quoteOrder, o)
	order.push(q.ID)
	for order.len() > MaxRecordsPerOwner {
		id := order.front()
		delete(s.quotes, id)
		delete(s.quotePolicy, id) // its policy stays, if kept; the quote is gone
		order.pop()
	}
}

// issuePolicy issues a policy from an owner's quote, atomically: the quote
// must exist for that owner (another's is answered as one that does not
// exist, before anything else is looked at), be unexpired at now and not
// have been used, and check must accept it; build makes the policy from the
// quote and its policy number.
func (s *store) issuePolicy(o owner, quoteID uuid.UUID, now time.Time,
	check func(*quoteRecord) error, build func(q *quoteRecord, number string) gen.Policy,
) (gen.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.quotes[quoteID]
	if !ok || q.owner != o {
		return gen.Policy{}, apierr.Errorf(http.StatusUnprocessableEntity, "quote_not_found", "No quote with id %q; request a quote first.", quoteID)
	}
	if now.After(q.quote.ValidUntil) {
		return gen.Policy{}, apierr.Errorf(http.StatusUnprocessableEntity, "quote_expired", "The quote expired at %s; request a new one.", q.quote.ValidUntil.Format(time.RFC3339))
	}
	if number, used := s.quotePolicy[quoteID]; used {
		// The policy may have been pushed out since; its quote stays used.
		return gen.Policy{}, apierr.Errorf(http.StatusUnprocessableEntity, "quote_already_used", "Policy %s was already issued from quote %s; request a new quote.", number, quoteID)
	}
	if err := check(q); err != nil {
		return gen.Policy{}, err
	}
	s.lastNumber++
	p := build(q, fmt.Sprintf("AXA-TRV-%010d", s.lastNumber))
	rec := &policyRecord{owner: o, seq: s.lastNumber, policy: p}
	s.policies[p.ID] = rec
	s.quotePolicy[quoteID] = p.PolicyNumber
	order := orderOf(s.ownerPolicies, o)
	order.push(rec)
	for order.len() > MaxRecordsPerOwner {
		delete(s.policies, order.front().policy.ID)
		order.pop()
	}
	return p, nil
}

// cancelPolicy cancels an owner's policy at now, atomically: another
// owner's is not found (404); one already cancelled, or whose trip has
// started (its start date is today or before, in UTC), is a 409. The
// refund is the whole premium (our design). It returns the policy
// cancelled.
func (s *store) cancelPolicy(o owner, id uuid.UUID, now time.Time) (gen.Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.policies[id]
	if !ok || rec.owner != o {
		return gen.Policy{}, apierr.Errorf(http.StatusNotFound, "not_found", "No policy with id %q.", id.String())
	}
	p := &rec.policy
	if p.Status == gen.PolicyStatusCancelled {
		at := "earlier"
		if p.CancelledAt != nil {
			at = "at " + p.CancelledAt.Format(time.RFC3339)
		}
		return gen.Policy{}, apierr.Errorf(http.StatusConflict, "policy_already_cancelled", "Policy %s was already cancelled %s.", p.PolicyNumber, at)
	}
	if start := dateOf(p.StartDate.Time); !dateOf(now).Before(start) {
		return gen.Policy{}, apierr.Errorf(http.StatusConflict, "trip_started",
			"The trip of policy %s started on %s; it can no longer be cancelled.", p.PolicyNumber, start.Format(time.DateOnly))
	}
	at := now.UTC().Truncate(time.Second)
	refund := p.Premium
	p.Status, p.CancelledAt, p.Refund = gen.PolicyStatusCancelled, &at, &refund
	return *p, nil
}

// listPolicies returns an owner's policies issued before the one of
// number before (0: from the newest), newest first, at most limit of them,
// and the number of the last one returned when older ones remain (else 0):
// the position the next page starts after.
//
// A position is a number, not a policy that must still be kept: its page
// holds the kept policies older than it. Policies are pushed out oldest
// first, so a reader paging while new ones push old ones out goes on where
// it was; and a position older than the oldest kept (its policy pushed
// out, with every older one) gives the last page, empty.
func (s *store) listPolicies(o owner, before uint64, limit int) ([]gen.Policy, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*policyRecord
	if q := s.ownerPolicies[o]; q != nil {
		all = q.all()
	}
	end := len(all)
	if before != 0 {
		end = sort.Search(len(all), func(i int) bool { return all[i].seq >= before })
	}
	start := max(0, end-limit)
	page := make([]gen.Policy, 0, end-start)
	for i := end - 1; i >= start; i-- {
		page = append(page, all[i].policy)
	}
	if start == 0 {
		return page, 0
	}
	return page, all[start].seq
}

// policy returns an owner's policy; another owner's is not found.
func (s *store) policy(o owner, id uuid.UUID) (gen.Policy, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.policies[id]
	if !ok || p.owner != o {
		return gen.Policy{}, false
	}
	return p.policy, true
}

// reset empties the store.
func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.quotes)
	clear(s.policies)
	clear(s.quotePolicy)
	clear(s.idem)
	clear(s.quoteOrder)
	clear(s.idemOrder)
	clear(s.ownerPolicies)
}

// allPolicies returns every policy, whoever owns it.
func (s *store) allPolicies() []gen.Policy {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]gen.Policy, 0, len(s.policies))
	for _, p := range s.policies {
		out = append(out, p.policy)
	}
	return out
}

// policyCount returns how many policies were issued, for tests.
func (s *store) policyCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.policies)
}
