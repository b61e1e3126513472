package oauth

import (
	"container/heap"
	"time"
)

// recordKind says which map of the authorization server a record is in.
type recordKind uint8

// The kinds of records that expire.
const (
	recordCode    recordKind = iota // authServer.codes
	recordRefresh                   // authServer.refresh
	recordRevoked                   // authServer.revoked
)

// expiring is a record of the authorization server's state and when it
// expires.
type expiring struct {
	at   time.Time
	kind recordKind
	key  string
}

// expiryQueue is a min-heap of records by expiry (container/heap): the
// order in which prune forgets them, so that it looks at the expired
// records only, in O(log n) each, never at the live ones. A record deleted
// early (a burnt code) stays in the queue until its time, and is then
// found gone.
type expiryQueue []expiring

// Len, Less, Swap, Push and Pop implement heap.Interface.
func (q expiryQueue) Len() int           { return len(q) }
func (q expiryQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q expiryQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }

// Push adds x, an expiring, at the end (heap.Push sorts it in).
func (q *expiryQueue) Push(x any) {
	e, _ := x.(expiring)
	*q = append(*q, e)
}

// Pop removes the last element (heap.Pop moved the earliest there).
func (q *expiryQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = expiring{} // let the key be collected
	*q = old[:len(old)-1]
	return e
}

// add queues a record expiring at at.
func (q *expiryQueue) add(kind recordKind, key string, at time.Time) {
	heap.Push(q, expiring{at: at, kind: kind, key: key})
}

// popExpired removes and returns the earliest record if it expired at now
// (now is not before its expiry).
func (q *expiryQueue) popExpired(now time.Time) (expiring, bool) {
	if len(*q) == 0 || now.Before((*q)[0].at) {
		return expiring{}, false
	}
	e, _ := heap.Pop(q).(expiring)
	return e, true
}
