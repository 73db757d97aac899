// TEMPORARY: stands in for cmd_run.cpp until it lands; delete then.
#include "commands.h"

void cella::cli::register_run_command(CLI::App&, int&) {}
