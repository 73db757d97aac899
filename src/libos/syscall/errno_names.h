#pragma once

namespace cella::syscall {

// "ENOENT" for 2, and so on; nullptr for a number Linux does not define.
const char* errno_name(int code);

}  // namespace cella::syscall
