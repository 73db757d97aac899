#pragma once
// Faults the memory map resolves itself: the first touch of a page of a
// private file mapping reads the file into it (lazy_fill.h), and an access
// just below a MAP_GROWSDOWN mapping extends it downwards, as Linux does for
// stacks, within RLIMIT_STACK and never closer than the stack guard gap to
// the mapping below.
#include <cstdint>

#include "address_space.h"

namespace cella::process {
class Process;
}

namespace cella::mm {

// For the fault handler (SIGSEGV in application code at `address`):
// Resolved when it made the access valid and the instruction can be
// retried; Application when the fault is the application's to receive
// (SIGSEGV); Unreadable when the page's file could not be read (SIGBUS
// with BUS_ADRERR, as Linux gives for an I/O error on page-in: an image
// block that does not match its hash, say).
enum class FaultOutcome { Resolved, Application, Unreadable };
FaultOutcome handle_fault(process::Process& process, std::uint64_t address, bool write);

// The si_code of a SIGSEGV at `address` that handle_fault did not resolve:
// SEGV_ACCERR where a mapping of the process covers it, SEGV_MAPERR
// otherwise. The host cannot tell: the whole range is reserved PROT_NONE,
// so for it every fault is on a mapped page.
int segv_code(process::Process& process, std::uint64_t address);

// Lock held. Grows a MAP_GROWSDOWN mapping of `owner` down over `address`
// when an access with `prot` is allowed there. Used for syscall buffers too.
bool grow_stack_to(AddressSpace& space, int owner, std::uint64_t address, int prot);

}  // namespace cella::mm
