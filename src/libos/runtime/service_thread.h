#pragma once
// The LibOS's service thread: a host thread of its own that never runs
// application code. Signals sent to the `cella run` process from outside
// (SIGINT from the terminal, SIGTERM from `kill`) are blocked in every
// application thread and taken here with sigtimedwait, then delivered to
// the application as its own signals.

namespace cella::runtime {

// The host's error number when it refuses the thread (EAGAIN when a
// thread limit is reached), 0 when the thread runs.
int start_service_thread();
// A timer was armed: the service thread recomputes how long it sleeps.
void wake_service_thread();
// Asks it to stop and waits until its host thread is gone.
void stop_service_thread();

}  // namespace cella::runtime
