package resources

// fifo is a first-in, first-out queue: the store keeps each owner's quotes,
// policies and idempotency keys in one, in the order they came, so that the
// oldest is found without walking the others.
type fifo[T any] struct {
	items []T
	head  int // items[:head] are gone
}

// push adds v at the back.
func (q *fifo[T]) push(v T) { q.items = append(q.items, v) }

// len is how many items are queued.
func (q *fifo[T]) len() int { return len(q.items) - q.head }

// all is the queued items, oldest first: the queue's own memory, valid
// until the next push or pop.
func (q *fifo[T]) all() []T { return q.items[q.head:] }

// front is the oldest item; the queue must not be empty.
func (q *fifo[T]) front() T { return q.items[q.head] }

// pop drops the oldest item; the queue must not be empty. The backing array
// is compacted once half of it is gone, so a queue's memory follows its
// length.
func (q *fifo[T]) pop() {
	var zero T
	q.items[q.head] = zero
	q.head++
	if q.head >= len(q.items)/2 {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
}
