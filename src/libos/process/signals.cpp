#include "signals.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>

#include "libos/runtime/log.h"
#include "lifecycle.h"
#include "signal_defaults.h"

namespace cella::process {
namespace {

constexpr std::uint64_t kIgnoreHandler = 1;  // SIG_IGN

// Takes the signal's action now; returns false if it goes to a handler.
bool act_on(Thread& thread, int signal) {
    std::uint64_t handler = thread.process().signal_actions()[signal - 1].handler;
    if (signal != SIGKILL && signal != SIGSTOP) {
        if (handler == kIgnoreHandler) return true;
        if (handler != 0) return false;
    }
    switch (default_action(signal)) {
    case DefaultAction::Ignore:
    case DefaultAction::Continue: return true;
    case DefaultAction::Stop:
        log::debug("stopping on %s is not supported yet; the signal is ignored", signal_name(signal));
        return true;
    case DefaultAction::Terminate: kill_process(thread.process(), signal);
    }
    return true;
}

}  // namespace

base::Result<void> raise_signal(Thread& thread, int signal) {
    if (signal < 1 || signal > 64) return base::Error::from_errno(EINVAL);
    bool unblockable = signal == SIGKILL || signal == SIGSTOP;
    if (!unblockable && (thread.signal_mask & signal_bit(signal))) {
        thread.pending_signals |= signal_bit(signal);
        return {};
    }
    if (!act_on(thread, signal)) {
        log::debug("%s has a handler: signal delivery to handlers is not supported yet", signal_name(signal));
        return base::Error::from_errno(ENOSYS);
    }
    return {};
}

void deliver_pending(Thread& thread) {
    std::uint64_t ready = thread.pending_signals & ~thread.signal_mask;
    for (int signal = 1; ready && signal <= 64; ++signal) {
        if (!(ready & signal_bit(signal))) continue;
        ready &= ~signal_bit(signal);
        thread.pending_signals &= ~signal_bit(signal);
        if (!act_on(thread, signal))
            log::debug("pending %s has a handler: signal delivery to handlers is not supported yet; dropped",
                       signal_name(signal));
    }
}

}  // namespace cella::process
