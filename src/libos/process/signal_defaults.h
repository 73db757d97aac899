#pragma once
// Linux's default action for each signal.

namespace cella::process {

enum class DefaultAction { Terminate, Ignore, Stop, Continue };

DefaultAction default_action(int signal);
const char* signal_name(int signal);

}  // namespace cella::process
