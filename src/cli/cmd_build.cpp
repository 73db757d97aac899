#include "cmd_build.h"

#include <iostream>
#include <memory>

#include "atomic_file.h"
#include "byte_size.h"
#include "commands.h"
#include "config.h"
#include "image_fingerprint.h"
#include "user_error.h"

namespace cella::cli {

BuildResult build_instance(const Instance& instance, std::ostream& out) {
    // Configuration errors belong to build time, not to the first run.
    load_config(instance.config_file());
    std::error_code error;
    if (!std::filesystem::is_directory(instance.image_dir(), error))
        throw UserError("the instance " + instance.root().string() + " has no image/ folder");
    std::filesystem::create_directories(instance.build_dir(), error);
    if (error) throw UserError("cannot create " + instance.build_dir().string() + ": " + error.message());

    // Fingerprint first: should image/ change while the image is written,
    // the recorded fingerprint is the older one and `cella run` asks for
    // another build rather than trusting a mixed image.
    BuildResult result;
    result.fingerprint = compute_image_fingerprint(instance.image_dir());
    result.image = write_image(instance.image_dir(), instance.image_file());
    write_file_atomically(instance.image_hash_file(), to_hex(result.image.measurement) + "\n");
    write_fingerprint_file(instance.fingerprint_file(), result.fingerprint);

    const ImageSummary& image = result.image;
    out << "built " << instance.image_file().string() << " (" << format_approximate_byte_size(image.total_size)
        << "): " << image.regular_files << " files, " << image.directories << " folders, " << image.symlinks
        << " symlinks\n";
    out << "image hash " << to_hex(image.measurement) << "\n";
    return result;
}

void register_build_command(CLI::App& app, int& /*exit_code*/) {
    CLI::App* command = app.add_subcommand("build", "Check cella.json and seal image/ into build/image.cimg");
    auto instance_dir = std::make_shared<std::string>();
    command->add_option("-C,--instance", *instance_dir, "Instance folder (default: the current folder)");
    command->callback([instance_dir] { build_instance(Instance::open(*instance_dir), std::cout); });
}

}  // namespace cella::cli
