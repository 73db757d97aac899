#pragma once
// When the application runs out of resource_limits.user_space_size, the
// mmap (or brk, or exec) fails with ENOMEM, as Linux would; many programs
// then die without saying why. `cella run` prints one line from here when
// the application dies after such a failure.
#include <cstddef>

namespace cella::mm {

// Whether a request ever failed because the user range was full.
bool user_space_exhausted();
// One line, without a newline, naming the config key, the limit, what was
// in use and what was asked; returns its length.
std::size_t describe_user_space_exhaustion(char* out, std::size_t size);

}  // namespace cella::mm
