#pragma once
// Each `cella` subcommand registers itself on the top-level CLI11 app.
// A command that runs an application stores its exit status in exit_code.
#include <CLI/CLI.hpp>

namespace cella::cli {

void register_new_command(CLI::App& app, int& exit_code);
void register_add_command(CLI::App& app, int& exit_code);
void register_build_command(CLI::App& app, int& exit_code);
void register_run_command(CLI::App& app, int& exit_code);

}  // namespace cella::cli
