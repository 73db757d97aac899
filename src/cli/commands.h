#pragma once
#include <vector>
// Each `cella` subcommand registers itself on the top-level CLI11 app.
// A command that runs an application stores its exit status in exit_code.
#include <CLI/CLI.hpp>

namespace cella::cli {

void register_new_command(CLI::App& app, int& exit_code);
void register_add_command(CLI::App& app, int& exit_code);
void register_build_command(CLI::App& app, int& exit_code);
void register_run_command(CLI::App& app, int& exit_code);
// argv without the `--` that may end `cella run`'s own options (`cella run
// -C DIR -- PROG --flag`): CLI11 would otherwise hand what follows it back
// to the top-level parser, which takes the program's --version as cella's.
std::vector<char*> without_run_separator(int argc, char** argv);

}  // namespace cella::cli
