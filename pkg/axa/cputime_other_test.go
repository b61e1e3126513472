//go:build !unix

package axa_test

import "time"

// processCPU is unknown here: false.
func processCPU() (time.Duration, bool) { return 0, false }
