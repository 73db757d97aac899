// The `cella` command: new, add, build, run.
#include <openssl/crypto.h>

#include <cstdio>
#include <exception>

#include "commands.h"
#include "user_error.h"

int main(int argc, char** argv) {
    // cella uses OpenSSL only for digests of its own choosing: skip reading
    // the system's openssl.cnf and registering every cipher and digest by
    // name, which together cost milliseconds on every `cella run`.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
                        nullptr);
    CLI::App app{"cella: run unmodified Linux programs, several processes at once, inside one library-OS enclave"};
    app.set_version_flag("--version", std::string("cella ") + CELLA_VERSION);
    app.require_subcommand(1);
    int exit_code = 0;
    cella::cli::register_new_command(app, exit_code);
    cella::cli::register_add_command(app, exit_code);
    cella::cli::register_build_command(app, exit_code);
    cella::cli::register_run_command(app, exit_code);
    try {
        std::vector<char*> args = cella::cli::without_run_separator(argc, argv);
        app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const cella::cli::UserError& error) {
        std::fprintf(stderr, "cella: %s\n", error.what());
        return 1;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "cella: %s\n", error.what());
        return 1;
    }
    return exit_code;
}
